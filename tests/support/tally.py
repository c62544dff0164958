"""A small aggregate for the write-path tests: a tally of a park's visitors, each visit an event."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from parkops_contracts.base import Event
from parkops_kernel.errors import Unprocessable
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document


class VisitorsCounted(Event):
    SERVICE: ClassVar[str] = "example"
    KEY_FIELD: ClassVar[str] = "park_id"
    count: int
    total: int


@dataclass
class Tally:
    park_id: str
    total: int = 0
    closed: bool = False
    recorded: list[Event] = field(default_factory=list)

    def count(self, visitors: int) -> int:
        if self.closed:
            raise Unprocessable(f"the tally of {self.park_id} is closed", field="visitors")
        self.total += visitors
        self.recorded.append(
            VisitorsCounted(park_id=self.park_id, group_id="g1", count=visitors, total=self.total)
        )
        return self.total


class TallyCodec:
    def encode(self, tally: Tally) -> Document:
        return {"park_id": tally.park_id, "total": tally.total, "closed": tally.closed}

    def decode(self, document: Document) -> Tally:
        return Tally(document["park_id"], document["total"], document["closed"])

    def take_events(self, tally: Tally) -> Sequence[Event]:
        events, tally.recorded = tally.recorded, []
        return events


def outbound(event: Event) -> OutboundEvent:
    return OutboundEvent.of(event, source="/parkops/example", topic_prefix="test")
