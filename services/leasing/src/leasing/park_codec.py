"""How a park is stored: a few plain fields to filter on, and the whole state packed in one field
(`parkops_runtime.packed`). Documents written before this layout (the whole park as plain fields) are
still read."""

from typing import Any

from parkops_runtime.packed import STATE, pack, unpack

from leasing.domain.park import Park

__all__ = ["STATE", "park_fields", "park_of"]


def park_fields(park: Park) -> dict[str, object]:
    return {"group_id": park.group_id, "name": park.name, STATE: pack(park, exclude={"version"})}


def park_of(doc: dict[str, Any]) -> Park:
    return unpack(Park, doc, "park_id")
