"""A request's fingerprint, for idempotency keys: the same key must come with the same request."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal

from pydantic import BaseModel

Terms = Mapping[str, object]


def digest(terms: Terms) -> str:
    """Equal for equal terms however they were spelt: 100 m² and 100.00 m², a date or its ISO text."""
    text = json.dumps(terms, sort_keys=True, default=_plain, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump()
    if is_dataclass(value) and not isinstance(value, type):  # a command object
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not a term")
