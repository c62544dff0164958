"""CloudEvents 1.0 envelope in Kafka binary mode: attributes travel as `ce_*` headers, value = the data."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from pydantic import BaseModel, ConfigDict, ValidationError

CONTENT_TYPE = "application/json"
_PREFIX = "ce_"


class InvalidEnvelope(ValueError):
    """The Kafka headers do not form a valid CloudEvents 1.0 binary-mode envelope."""


class CloudEventMeta(BaseModel):
    """The CloudEvents context attributes of one event; `source` + `id` is the consumer's dedup key."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    type: str
    time: datetime
    subject: str | None = None
    specversion: str = "1.0"
    datacontenttype: str = CONTENT_TYPE

    @property
    def dedup_key(self) -> str:
        return f"{self.source}#{self.id}"

    def to_headers(self) -> dict[str, str]:
        """Binary-mode headers; `datacontenttype` maps to the Kafka `content-type` header."""
        headers = {
            f"{_PREFIX}id": self.id,
            f"{_PREFIX}source": self.source,
            f"{_PREFIX}specversion": self.specversion,
            f"{_PREFIX}type": self.type,
            f"{_PREFIX}time": self.time.isoformat(),
            "content-type": self.datacontenttype,
        }
        if self.subject is not None:
            headers[f"{_PREFIX}subject"] = self.subject
        return headers

    @classmethod
    def from_headers(cls, headers: Mapping[str, str] | Iterable[tuple[str, bytes]]) -> "CloudEventMeta":
        """Parse binary-mode headers (a mapping, or Kafka's raw `(name, bytes)` pairs)."""
        # a dict first: the consumers' case (an isinstance check of Mapping, an ABC, is slow)
        if isinstance(headers, dict) and (well_formed := cls._well_formed(headers)) is not None:
            return well_formed
        items = headers.items() if isinstance(headers, Mapping) else headers
        decoded = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in items}
        if (well_formed := cls._well_formed(decoded)) is not None:
            return well_formed
        attributes = {k[len(_PREFIX) :]: v for k, v in decoded.items() if k.startswith(_PREFIX)}
        if "content-type" in decoded:
            attributes["datacontenttype"] = decoded["content-type"]
        if attributes.get("specversion") != "1.0":
            raise InvalidEnvelope(f"ce_specversion must be '1.0', got {attributes.get('specversion')!r}")
        try:
            return cls.model_validate(attributes)
        except ValidationError as exc:
            missing = ", ".join(f"ce_{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise InvalidEnvelope(f"invalid CloudEvents headers ({missing})") from exc

    @classmethod
    def _well_formed(cls, headers: Mapping[str, str]) -> "CloudEventMeta | None":
        """The envelope of headers that name every attribute, validated by the model from its fields
        directly (the dicts of the general path took most of a consumer's decoding time). None
        otherwise: the general path then names what is wrong."""
        try:
            if headers[f"{_PREFIX}specversion"] != "1.0":
                return None
            return cls.model_validate(
                {
                    "id": headers[f"{_PREFIX}id"],
                    "source": headers[f"{_PREFIX}source"],
                    "type": headers[f"{_PREFIX}type"],
                    "time": headers[f"{_PREFIX}time"],
                    "subject": headers.get(f"{_PREFIX}subject"),
                    "datacontenttype": headers.get("content-type", CONTENT_TYPE),
                }
            )
        except (KeyError, ValidationError):
            return None
