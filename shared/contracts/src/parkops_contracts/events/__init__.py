"""Every published event contract, by CloudEvents type."""

from parkops_contracts.base import Event
from parkops_contracts.events.finance import (
    CommissionEarned,
    EquityStakeAcquired,
    FundingClosed,
    InvoiceIssued,
    InvoiceOverdue,
    PaymentReceived,
    RevenueRecognized,
    SubsidyGranted,
)
from parkops_contracts.events.kpi import KpiTargetMissed, LowEfficiencySpaceFlagged, OperatorBonusEarned
from parkops_contracts.events.leasing import (
    LeaseRenewed,
    LeaseSigned,
    LeaseTerminated,
    ParkRegistered,
    RentForEquityAgreed,
    TenantMetricsReported,
    TenantOnboarded,
    UnitListed,
    UnitRenovated,
)
from parkops_contracts.events.matchmaking import (
    DealClosed,
    MatchAccepted,
    MatchDeclined,
    MatchmakingMeetingAttended,
    MatchProposed,
)
from parkops_contracts.events.tickets import (
    TicketAcknowledged,
    TicketAssigned,
    TicketOpened,
    TicketRated,
    TicketReopened,
    TicketResolved,
    TicketSlaBreached,
)

ALL_EVENTS: tuple[type[Event], ...] = (ParkRegistered, UnitListed, TenantOnboarded)
ALL_EVENTS += (
    LeaseSigned,
    LeaseRenewed,
    LeaseTerminated,
    RentForEquityAgreed,
    UnitRenovated,
    TenantMetricsReported,
)
ALL_EVENTS += (MatchProposed, MatchAccepted, MatchDeclined, DealClosed, MatchmakingMeetingAttended)
ALL_EVENTS += (
    TicketOpened,
    TicketAcknowledged,
    TicketAssigned,
    TicketResolved,
    TicketReopened,
    TicketSlaBreached,
    TicketRated,
)
ALL_EVENTS += (
    InvoiceIssued,
    PaymentReceived,
    InvoiceOverdue,
    FundingClosed,
    CommissionEarned,
    SubsidyGranted,
    EquityStakeAcquired,
    RevenueRecognized,
)
ALL_EVENTS += (OperatorBonusEarned, KpiTargetMissed, LowEfficiencySpaceFlagged)
BY_CE_TYPE: dict[str, type[Event]] = {cls.ce_type(): cls for cls in ALL_EVENTS}

__all__ = [
    "ALL_EVENTS",
    "BY_CE_TYPE",
    "LeaseRenewed",
    "LeaseSigned",
    "LeaseTerminated",
    "ParkRegistered",
    "RentForEquityAgreed",
    "TenantMetricsReported",
    "TenantOnboarded",
    "UnitListed",
    "UnitRenovated",
]
