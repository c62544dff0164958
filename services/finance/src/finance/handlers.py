"""Kafka subscribers of finance: each consumed event becomes a change of its park's books.

The event's CloudEvents `source#id` is the change's cause, so a redelivery finds its cause applied
and has no effect (the applied causes are the inbox, stored in the park's books document, written
together with the effect). A batch is folded per park: one write per park, not one per event.

An event changes the books of a park only when the park directory knows the park and the event's group
owns it: a park the directory does not know yet is waited for a moment (its `ParkRegistered` may still be
on its way on the directory's own consumer), then the event fails and is dead-lettered with the reason,
as is an event whose group is not the park's. The other parks of the batch are booked all the same."""

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal

from parkops_contracts.base import Event
from parkops_contracts.events.kpi import OperatorBonusEarned
from parkops_contracts.events.leasing import (
    LeaseRenewed,
    LeaseSigned,
    LeaseTerminated,
    RentForEquityAgreed,
    TenantMetricsReported,
)
from parkops_contracts.events.matchmaking import MatchmakingMeetingAttended
from parkops_contracts.events.tickets import TicketResolved
from parkops_runtime.consumer import Delivery
from parkops_runtime.directory import Directory, ParkEntry

from finance.domain.billing import ScheduleLine
from finance.domain.books import ParkBooks
from finance.domain.charges import charge_amount, charge_fee
from finance.domain.commands import AcquireStake, Charge, ChargeFee
from finance.domain.equity import StakeOrigin
from finance.domain.fees import FeeKind
from finance.domain.investments import acquire_stake, mark_to_valuation
from finance.domain.lease_billing import schedule_lease, terminate_lease
from finance.domain.ledger import Stream
from finance.domain.money import cny
from finance.domain.operations import accrue_operator_bonus
from finance.service import FinanceService

CONSUMED: list[type[Event]] = [
    LeaseSigned,
    LeaseRenewed,
    LeaseTerminated,
    RentForEquityAgreed,
    TenantMetricsReported,
    TicketResolved,
    MatchmakingMeetingAttended,
    OperatorBonusEarned,
]
Change = Callable[[ParkBooks], object]


def change_of(event: Event, cause: str) -> Change | None:
    """The use case an event triggers, or None when finance has nothing to book for it."""
    match event:
        case LeaseSigned() | LeaseRenewed():
            lines = [
                ScheduleLine(month=r.month, starts_on=r.starts_on, ends_on=r.ends_on, rent=r.rent)
                for r in event.schedule
            ]
            return lambda b: schedule_lease(b, event.lease_id, event.tenant_id, lines, cause)
        case LeaseTerminated():
            on = event.terminated_at.date()
            return lambda b: terminate_lease(b, event.lease_id, event.terminated_on, on, cause)
        case RentForEquityAgreed():
            stake = AcquireStake(
                f"{event.lease_id}/equity",
                event.tenant_id,
                event.equity_percent,
                event.waived_amount,
                StakeOrigin.RENT_FOR_EQUITY,
                event.agreed_at.date(),
            )
            return lambda b: acquire_stake(b, stake, cause)
        case TenantMetricsReported(valuation=Decimal() as valuation):
            on = event.reported_at.date()
            return lambda b: mark_to_valuation(b, event.tenant_id, valuation, on, cause)
        case TicketResolved(billable=True, tenant_id=str(tenant)) if event.billable_amount > 0:
            what, on = f"billable ticket {event.ticket_id}", event.resolved_at.date()
            charge = Charge(tenant, Stream.PROPERTY, event.billable_amount, on, what)
            return lambda b: charge_amount(b, charge, cause)
        case MatchmakingMeetingAttended():
            fee = ChargeFee(
                event.tenant_id, FeeKind.MATCHMAKING_MEETING, Decimal(1), None, event.meeting_date
            )
            return lambda b: charge_fee(b, fee, cause)
        case OperatorBonusEarned() if event.amount > 0:
            what, on = f"assessment {event.assessment_id} ({event.period})", event.assessed_at.date()
            return lambda b: accrue_operator_bonus(b, cny(event.amount), what, on, cause)
    return None


def park_of(event: Event) -> str:
    return event.meeting_park_id if isinstance(event, MatchmakingMeetingAttended) else event.park_id


class NotThisParksEvent(Exception):
    """An event for a park the directory does not know, or of a group that does not own the park."""


class ConsumedEventsHandler:
    def __init__(self, finance: FinanceService, directory: Directory, wait_seconds: float = 5.0) -> None:
        self._finance = finance
        self._directory = directory
        self._wait_seconds = wait_seconds

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        by_park: defaultdict[tuple[str, str], list[Change]] = defaultdict(list)
        for d in deliveries:
            change = change_of(d.event, d.meta.dedup_key)
            if change is not None:
                by_park[(park_of(d.event), d.event.group_id)].append(change)
        refused: list[str] = []
        for (park_id, group_id), changes in by_park.items():
            park = await self._known(park_id)
            if park is None or park.group_id != group_id:
                refused.append(f"park {park_id} is not a park of group {group_id} in the directory")
                continue
            await self._finance.apply_events(park, changes)
        if refused:
            raise NotThisParksEvent("; ".join(refused))

    async def _known(self, park_id: str) -> ParkEntry | None:
        deadline = time.monotonic() + self._wait_seconds
        park = await self._directory.park(park_id)
        while park is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            park = await self._directory.park(park_id)
        return park
