"""The tickets service over the runtime's in-memory aggregates: its use cases without a broker or a store."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from parkops_contracts.base import Event
from parkops_contracts.envelope import CloudEventMeta
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore, PlainCodec
from parkops_runtime.auth import Principal, Role
from parkops_runtime.consumer import Delivery
from parkops_runtime.directory import ParkEntry, TenantEntry
from parkops_runtime.events import OutboundEvent
from parkops_runtime.inbox import default_fact
from parkops_runtime.mongo import Document
from parkops_runtime.testing import MemoryAggregates
from tickets.access import TenantAccess, TicketAccess
from tickets.domain.sla import ParkSla
from tickets.domain.tenant_tickets import TenantTickets
from tickets.repository import TicketCodec
from tickets.service import Stored, TicketService
from tickets.tenant_lists import TenantLists

from tests.support.events import tenant_onboarded, unit_listed

T0 = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


class Parks:
    """The runtime's park directory: p1 of g1 with tenants acme and beta."""

    async def park(self, park_id: str) -> ParkEntry | None:
        return ParkEntry("p1", "g1", "Park 1", T0 - timedelta(days=30)) if park_id == "p1" else None

    async def tenant(self, park_id: str, tenant_id: str) -> TenantEntry | None:
        known = park_id == "p1" and tenant_id in ("acme", "beta")
        return TenantEntry(park_id, tenant_id, "g1", tenant_id) if known else None


class Facts:
    """An inbox collection in memory, as far as `TenantAccess.reload` reads it."""

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}

    def find(self, _: object) -> "Facts":
        return self

    def sort(self, _: str) -> AsyncIterator[Document]:
        return self._sorted()

    async def _sorted(self) -> AsyncIterator[Document]:
        for fact in sorted(self.documents.values(), key=lambda f: str(f["time"])):
            yield fact


class MemoryInbox:
    """The runtime's inbox rule in memory: a delivery's source and id are recorded once."""

    def __init__(self) -> None:
        self.collection = Facts()

    async def record(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        new = [d for d in deliveries if d.meta.dedup_key not in self.collection.documents]
        for d in new:
            self.collection.documents[d.meta.dedup_key] = default_fact(d)
        return new


def delivery(event: Event, event_id: str) -> Delivery:
    meta = CloudEventMeta(id=event_id, source="leasing", type=event.ce_type(), time=T0)
    return Delivery(meta, event, {}, "leasing", 0, 0)


def outbound(event: Event) -> OutboundEvent:
    return OutboundEvent.of(event, source="tickets", topic_prefix="test")


@dataclass
class Desk:
    memory: MemoryAggregates = field(default_factory=MemoryAggregates)
    slas: MemoryAggregates = field(default_factory=MemoryAggregates)
    tenant_lists: MemoryAggregates = field(default_factory=MemoryAggregates)
    clock: Clock = field(default_factory=Clock)
    tracked: list[str] = field(default_factory=list)
    service: TicketService = field(init=False)
    lists: TenantLists = field(init=False)

    def __post_init__(self) -> None:
        tickets = AggregateStore(self.memory, TicketCodec(), outbound, kind="ticket", clock=self.clock)
        slas = AggregateStore(self.slas, PlainCodec(ParkSla), outbound, kind="park SLA", clock=self.clock)
        access = TenantAccess(MemoryInbox(), Parks())  # type: ignore[arg-type]
        self.lists = TenantLists(
            AggregateStore(self.tenant_lists, PlainCodec(TenantTickets), outbound, kind="tenant's tickets")
        )
        self.service = TicketService(
            Stored(tickets, slas, self.lists), access, lambda t: self.tracked.append(t.ticket_id), self.clock
        )

    async def onboard(self, tenant: str, units: list[str]) -> None:
        facts = [*(unit_listed(u) for u in units), tenant_onboarded(tenant, units, "100")]
        await self.service.record_leasing_facts([delivery(e, f"{tenant}-{n}") for n, e in enumerate(facts)])

    async def seen(self, park: ParkAccess, ticket_id: str) -> TicketAccess:
        return TicketAccess(park, await self.service.tickets.require(ticket_id))


def caller(role: Role, tenant: str | None = None, subject: str = "u1") -> ParkAccess:
    who = Principal(subject, role, "g1", frozenset({"p1"}), tenant)
    return ParkAccess(who, ParkEntry("p1", "g1", "Park 1", T0 - timedelta(days=30)))


def tenant(name: str = "acme", subject: str = "u-tenant") -> ParkAccess:
    return caller(Role.TENANT_USER, name, subject)


def staff(subject: str = "u-staff") -> ParkAccess:
    return caller(Role.PARK_OPERATOR, subject=subject)
