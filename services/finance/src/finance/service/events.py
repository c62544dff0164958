"""What each consumed event books: the translation of another service's event into a change of the
books of the park it concerns, under the event's cause (its CloudEvents `source#id`)."""

from collections.abc import Callable
from dataclasses import dataclass
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
from parkops_kernel.money import cny

from finance.domain.billing import ScheduleLine
from finance.domain.books import ParkBooks
from finance.domain.charges import charge_amount, charge_fee
from finance.domain.commands import AcquireStake, Charge, ChargeFee
from finance.domain.equity import StakeOrigin
from finance.domain.fees import FeeKind
from finance.domain.investments import acquire_stake, mark_to_valuation
from finance.domain.lease_billing import schedule_lease, terminate_lease
from finance.domain.ledger import Stream
from finance.domain.operations import accrue_operator_bonus

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
Booking = Callable[[ParkBooks, str], object]  # a change of the books under the event's cause


class NoPayer(Exception):
    """A billable ticket that names neither a payer nor a tenant: nothing can be invoiced, and nothing
    billable is dropped silently, so the event fails (and is dead-lettered with this reason)."""


@dataclass(frozen=True)
class Consumed:
    """A consumed event finance books: into the books of `park_id` (of `group_id`), under `cause`."""

    park_id: str
    group_id: str
    cause: str
    booking: Booking


def consumed(event: Event, cause: str) -> Consumed | None:
    """What finance books for an event, or None when it has nothing to book."""
    booking = booking_of(event)
    return None if booking is None else Consumed(park_of(event), event.group_id, cause, booking)


def park_of(event: Event) -> str:
    """The park whose books an event changes: a meeting is billed by the park that organised it."""
    return event.meeting_park_id if isinstance(event, MatchmakingMeetingAttended) else event.park_id


def booking_of(event: Event) -> Booking | None:
    match event:
        case LeaseSigned() | LeaseRenewed():
            lines = [
                ScheduleLine(
                    month=r.month, starts_on=r.starts_on, ends_on=r.ends_on, rent=r.rent, rule=r.rule
                )
                for r in event.schedule
            ]
            return lambda b, c: schedule_lease(b, event.lease_id, event.tenant_id, lines, c)
        case LeaseTerminated():
            on = event.terminated_at.date()
            return lambda b, c: terminate_lease(b, event.lease_id, event.terminated_on, on, c)
        case RentForEquityAgreed():
            return lambda b, c: acquire_stake(b, equity_for_rent(event), c)
        case TenantMetricsReported(valuation=Decimal() as valuation):
            on = event.reported_at.date()
            return lambda b, c: mark_to_valuation(b, event.tenant_id, valuation, on, c)
        case TicketResolved(billable=True) if event.billable_amount > 0:
            payer = event.payer_id or event.tenant_id
            if payer is None:
                raise NoPayer(
                    f"billable ticket {event.ticket_id} of park {event.park_id} names no payer_id nor "
                    f"tenant_id: {event.billable_amount} CNY cannot be invoiced"
                )
            what, on = f"billable ticket {event.ticket_id}", event.resolved_at.date()
            charge = Charge(payer, Stream.PROPERTY, event.billable_amount, on, what)
            return lambda b, c: charge_amount(b, charge, c)
        case MatchmakingMeetingAttended():
            fee = ChargeFee(
                event.tenant_id, FeeKind.MATCHMAKING_MEETING, Decimal(1), None, event.meeting_date
            )
            return lambda b, c: charge_fee(b, fee, c)
        case OperatorBonusEarned() if event.amount > 0:
            what, on = f"assessment {event.assessment_id} ({event.period})", event.assessed_at.date()
            bonus = cny(event.amount)
            return lambda b, c: accrue_operator_bonus(b, bonus, what, on, c, source=event.assessment_id)
    return None


def equity_for_rent(event: RentForEquityAgreed) -> AcquireStake:
    """The stake the park takes in a tenant for the rent it waives."""
    return AcquireStake(
        f"{event.lease_id}/equity",
        event.tenant_id,
        event.equity_percent,
        event.waived_amount,
        StakeOrigin.RENT_FOR_EQUITY,
        event.agreed_at.date(),
        lease_id=event.lease_id,
        months_waived=event.months_waived,
    )
