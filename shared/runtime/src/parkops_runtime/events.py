"""An event ready to leave the service: CloudEvents headers, Kafka topic and key, JSON value."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from parkops_contracts.base import Event
from parkops_contracts.envelope import CloudEventMeta

from parkops_runtime.mongo import Document
from parkops_runtime.telemetry import current_trace_headers


@dataclass(frozen=True)
class OutboundEvent:
    id: str
    topic: str
    key: str
    value: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, event: Event, *, source: str, topic_prefix: str) -> "OutboundEvent":
        """Wrap a contract with a fresh CloudEvents id and the caller's trace context."""
        key = event.key()
        meta = CloudEventMeta(
            id=uuid.uuid4().hex, source=source, type=event.ce_type(), time=datetime.now(UTC), subject=key
        )
        return cls(
            id=meta.id,
            topic=event.topic(topic_prefix),
            key=key,
            value=event.model_dump_json(),
            headers=meta.to_headers() | current_trace_headers(),
        )

    def to_document(self) -> Document:
        return {
            "id": self.id,
            "topic": self.topic,
            "key": self.key,
            "value": self.value,
            "headers": self.headers,
        }

    @classmethod
    def from_document(cls, doc: Document) -> "OutboundEvent":
        return cls(
            id=doc["id"], topic=doc["topic"], key=doc["key"], value=doc["value"], headers=doc["headers"]
        )
