"""An aggregate's whole state stored as one zlib-compressed JSON field.

FerretDB converts every field of a document on each read and write, so a large aggregate stored as
plain nested fields (a park's units and leases, a park's books) costs it thousands of conversions per
write; one compressed binary field is a single value and a fraction of the bytes. Fields that queries
filter on are stored beside it in the clear."""

import zlib
from typing import Any, TypeVar

from pydantic import BaseModel

from parkops_runtime.mongo import state_of
from parkops_runtime.outbox import VERSION

STATE = "state"
M = TypeVar("M", bound=BaseModel)


def pack(model: BaseModel, exclude: set[str]) -> bytes:
    return zlib.compress(model.model_dump_json(exclude=exclude).encode(), 1)


def unpack(cls: type[M], doc: dict[str, Any], id_field: str) -> M:
    """The aggregate a stored document holds (at the document's `_version`, for a model that keeps its
    version itself). A document written before this layout (the aggregate as plain fields, its id in
    `_id`) is read too."""
    version = {"version": doc[VERSION]} if "version" in cls.model_fields else {}
    if STATE not in doc:
        return cls.model_validate(state_of(doc) | {id_field: doc["_id"]} | version)
    return cls.model_validate_json(zlib.decompress(doc[STATE])).model_copy(update=version)
