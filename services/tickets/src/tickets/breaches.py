"""Durable SLA-breach detection and auto-close, safe with several instances and across crashes.

Due times live in each ticket's document. Every replica keeps an in-memory DueIndex of every ticket's
(FerretDB scans a collection per query): from a checkpoint plus the tickets' events since
(`tickets.due_feed`), its own writes applied at once; read from every ticket only when no checkpoint
exists (`rebuild`: what this instance writes meanwhile is applied on top). A breach is claimed by
inserting one claim document whose `_id` is `<ticket>:<target>` and which carries TicketSlaBreached in
its outbox: the unique `_id` lets exactly one insert win (on FerretDB 1.x a conditional update is a
read then an unconditional write, so it cannot decide a race), and the claim and its event are one
atomic write, published by the outbox relay even after a crash. The ticket then notes the breach; a
replica whose claim finds one already there notes it too (the note is idempotent), so a crash between
claim and note is mended by whichever replica meets the entry next.

The claim is not a change of the ticket but a document of its own, written once and never changed, so
it stays a unique insert; every change of a ticket (noting a breach, auto-closing) goes through the
tickets' AggregateStore like any command."""

import asyncio
from collections.abc import Callable
from datetime import datetime

import structlog
from parkops_contracts.base import Event
from parkops_contracts.events.tickets import SlaTarget
from parkops_kernel.errors import NotFound
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.service import settle_memory
from parkops_runtime.shards import Shards
from parkops_runtime.tasks import stop_task

from tickets.domain.due_index import AUTO_CLOSE, TARGETS, DueEntry, DueIndex, breach_of, entries_of
from tickets.domain.ticket import Ticket
from tickets.repository import TicketDocuments, due_entries

log = structlog.get_logger(__name__)
CONCURRENT_CLAIMS = 2


def claim_id(ticket_id: str, target: str) -> str:
    return f"{ticket_id}:{target}"


class BreachScanner:
    def __init__(
        self,
        tickets: AggregateStore[Ticket],
        documents: TicketDocuments,
        claims: Shards,
        outbound: Callable[[Event], OutboundEvent],
        clock: Callable[[], datetime],
    ) -> None:
        self._tickets, self.documents, self._claims = tickets, documents, claims
        self._outbound, self._clock = outbound, clock
        self.index = DueIndex()
        self._unnoted: list[tuple[str, SlaTarget, datetime]] = []
        self._task: asyncio.Task[None] | None = None
        self._rebuilt = False
        self.written = False  # tracked a write since the last checkpoint (`tickets.due_feed`)
        self._written_during_rebuild: dict[str, list[DueEntry]] | None = None

    async def loaded(self) -> bool:
        """Whether the due index has been read from the store at least once (readiness)."""
        return self._rebuilt

    def track(self, ticket: Ticket) -> None:
        """Keep the index in step with a ticket this instance just wrote."""
        self.replace(ticket.ticket_id, entries_of(ticket))
        self.written = True

    def replace(self, ticket_id: str, entries: list[DueEntry]) -> None:
        """Make the index say exactly `entries` for this ticket (what was written, or read back)."""
        self.index.replace_ticket(ticket_id, entries, TARGETS)
        if self._written_during_rebuild is not None:  # the rebuild may have read it before this write
            self._written_during_rebuild[ticket_id] = entries

    def restore(self, index: DueIndex) -> None:
        """Start from a checkpoint's index instead of reading every ticket (`tickets.due_feed`)."""
        self.index, self._rebuilt = index, True

    async def rebuild(self) -> int:
        """Read what may still be due from the store (picks up other instances' writes)."""
        self._written_during_rebuild = {}
        try:
            return await self._rebuild()
        finally:
            self._written_during_rebuild = None

    async def _rebuild(self) -> int:
        claimed: dict[str, datetime] = {}
        for shard in self._claims.all():
            async for doc in shard.collection.find({}, {"detected_at": 1}):
                claimed[doc["_id"]] = doc["detected_at"]
        index, unnoted = DueIndex(), []
        async for doc in self.documents.due_documents():
            for entry in due_entries(doc):
                at = claimed.get(claim_id(entry.ticket_id, entry.target))
                if at is None:
                    index.put(entry)
                else:  # claimed, but a crash came before the ticket noted it
                    unnoted.append((entry.ticket_id, SlaTarget(entry.target), at))
        for ticket_id, entries in (self._written_during_rebuild or {}).items():
            index.replace_ticket(ticket_id, entries, TARGETS)
        self.index, self._unnoted, self._rebuilt = index, unnoted, True
        settle_memory()
        return len(index)

    async def scan_once(self, now: datetime | None = None) -> list[DueEntry]:
        """Claim what is due; returns the breaches this instance claimed."""
        now = now or self._clock()
        claimed: list[DueEntry] = []
        for ticket_id, target, at in self._unnoted:
            await self._note(ticket_id, target, at)
        self._unnoted = []
        # Two at a time: a claim is several sequential store round trips, so one at a time fell behind a
        # burst of due tickets (60 claims/s on 2 cores), and eight at a time slowed the API (p99 91 ms at
        # 300 opens/s). Entries of one ticket are handled in order.
        by_ticket: dict[str, list[DueEntry]] = {}
        for entry in self.index.due(now):
            by_ticket.setdefault(entry.ticket_id, []).append(entry)
        slots = asyncio.Semaphore(CONCURRENT_CLAIMS)

        async def settle(entries: list[DueEntry]) -> None:
            async with slots:
                for entry in entries:
                    try:
                        if entry.target == AUTO_CLOSE:
                            await self._change(entry.ticket_id, lambda t: t.auto_close(now))
                        elif await self._claim(entry, now):
                            claimed.append(entry)
                    except Exception:  # e.g. the store is away: back into the index, tried next pass
                        log.exception("breach claim failed; retrying", ticket_id=entry.ticket_id)
                        self.index.put(entry)

        await asyncio.gather(*(settle(entries) for entries in by_ticket.values()))
        return claimed

    async def _claim(self, entry: DueEntry, now: datetime) -> bool:
        ticket = await self._tickets.get(entry.ticket_id)
        target = SlaTarget(entry.target)
        if ticket is None:
            return False
        if not ticket.missed(target, now) or target in ticket.breaches:
            # Not due (yet): what it is due for now, e.g. a due time another replica moved later.
            self.replace(ticket.ticket_id, entries_of(ticket))
            return False
        at = ticket.breach_date(target, now)  # a step recorded late: at the deadline
        fields = {"ticket_id": entry.ticket_id, "target": entry.target, "due_at": entry.due}
        fields["detected_at"] = at
        try:
            await self._claims.of(entry.ticket_id).insert(
                claim_id(entry.ticket_id, entry.target), fields, [self._outbound(breach_of(entry, at))]
            )
        except ConcurrencyConflict:  # claimed already: by another replica, or before a crash
            await self._note_claimed(entry.ticket_id, target)
            return False
        await self._note(entry.ticket_id, target, at)
        return True

    async def _note_claimed(self, ticket_id: str, target: SlaTarget) -> None:
        """Note on the ticket a breach claimed elsewhere (at once if its claimer has not yet, which a
        crash between claim and note would leave for ever)."""
        claim = await self._claims.of(ticket_id).get(claim_id(ticket_id, target.value))
        if claim is not None:
            await self._note(ticket_id, target, claim["detected_at"])

    async def _note(self, ticket_id: str, target: SlaTarget, at: datetime) -> None:
        def note(ticket: Ticket) -> bool:
            ticket.note_breach(target, at)
            return True

        await self._change(ticket_id, note)

    async def _change(self, ticket_id: str, change: Callable[[Ticket], bool]) -> None:
        """Apply `change` through the tickets' store (which retries a racing write); a ticket it leaves
        as it was is not written."""

        def apply(ticket: Ticket) -> Ticket | None:
            return ticket if change(ticket) else None

        try:
            changed = await self._tickets.change(ticket_id, apply)
        except NotFound:
            return
        if changed is not None:
            self.track(changed)

    async def run(self, scan_seconds: float, refresh_seconds: float) -> None:
        """Claim what is due every `scan_seconds`; also read the due index from every ticket every
        `refresh_seconds`, if set (the due feed keeps it in step without that: `tickets.due_feed`)."""
        last_rebuild, loop = float("-inf"), asyncio.get_running_loop()
        while True:
            try:
                if refresh_seconds > 0 and loop.time() - last_rebuild >= refresh_seconds:
                    await self.rebuild()
                    last_rebuild = loop.time()
                await self.scan_once()
            except Exception:
                log.exception("breach scan failed; retrying")
            await asyncio.sleep(scan_seconds)

    def start(self, scan_seconds: float, refresh_seconds: float) -> None:
        self._task = asyncio.create_task(self.run(scan_seconds, refresh_seconds), name="breach-scanner")

    async def stop(self) -> None:
        await stop_task(self._task)
