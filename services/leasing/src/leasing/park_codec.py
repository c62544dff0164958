"""How a park is stored: a few plain fields to filter on, and the whole state as one compressed blob.

FerretDB decodes every document of a collection, field by field, for every lookup (it uses no index),
so its cost grows with the nested fields stored: a park with 200 units and its leases is thousands of
them. One zlib-compressed JSON value is a single field to decode and a fraction of the bytes. Documents
written before this layout (the whole park as plain fields) are still read."""

import zlib
from typing import Any

from parkops_runtime.outbox import VERSION

from leasing.domain.park import Park

STATE = "state"


def park_fields(park: Park) -> dict[str, object]:
    state = park.model_dump_json(exclude={"version"}).encode()
    return {"group_id": park.group_id, "name": park.name, STATE: zlib.compress(state, 1)}


def park_of(doc: dict[str, Any]) -> Park:
    if STATE not in doc:
        return Park.model_validate({**doc, "park_id": doc["_id"], "version": doc[VERSION]})
    park = Park.model_validate_json(zlib.decompress(doc[STATE]))
    park.version = doc[VERSION]
    return park
