"""How a park is stored: a few plain fields to filter on, and the whole state packed in one field
(`parkops_runtime.packed`). Documents written before this layout (the whole park as plain fields) are
still read."""

from typing import Any

from parkops_runtime.outbox import VERSION
from parkops_runtime.packed import STATE, is_packed, pack, unpack

from leasing.domain.park import Park

__all__ = ["STATE", "park_fields", "park_of"]


def park_fields(park: Park) -> dict[str, object]:
    return {"group_id": park.group_id, "name": park.name, STATE: pack(park, exclude={"version"})}


def park_of(doc: dict[str, Any]) -> Park:
    if not is_packed(doc):
        return Park.model_validate({**doc, "park_id": doc["_id"], "version": doc[VERSION]})
    park = unpack(Park, doc)
    park.version = doc[VERSION]
    return park
