"""Request and response models of the finance API. Every input is bounded (`parkops_kernel.bounds`):
amounts CNY, > 0, at most two decimals and 10^12; dates within 1900-2199; texts without control
characters; ids as the platform spells them. Anything else is 422 naming the field."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from fastapi import Path
from parkops_contracts.events.finance import FundingInstrument
from parkops_kernel.bounds import (
    ID_PATTERN,
    BusinessDate,
    ClientId,
    Name,
    Percent,
    PositiveMoney,
    Quantity,
    Text,
)
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from finance.domain.billing_runs import RunState
from finance.domain.fees import EnterpriseSize, FeeKind, default_platform_fees, within_business_bounds
from finance.domain.ledger import Account, Stream
from finance.domain.payers import INSTITUTION
from finance.domain.receivables import DunningTier, InvoiceStatus

# The value types (enums) of the books the API names as they are; routes take them from here, never
# from the domain.
__all__ = ["InvoiceStatus", "RunState"]

Currency = Literal["CNY"]
EnteredAmount = Annotated[PositiveMoney, AfterValidator(lambda amount: amount.quantize(Decimal("0.01")))]
"""An amount a client entered: > 0, at most 10^12 and two decimals (422 otherwise); shown with two."""
PayerId = Annotated[str, StringConstraints(pattern=rf"^(?:{INSTITUTION})?{ID_PATTERN.removeprefix('^')}")]
"""A tenant id of the park, or `institution:<id>` for a bank or fund paying a financing commission."""
StakePercent = Annotated[Percent, Field(gt=0)]
PERIOD = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"
"""A calendar month, `YYYY-MM`, within 1900-2199."""
YEAR_OR_MONTH = r"^(19|20|21)\d{2}(-(0[1-9]|1[0-2]))?$"


class Priced(BaseModel):
    amount: EnteredAmount
    currency: Currency = "CNY"
    on: BusinessDate | None = Field(default=None, description="Business date; today when omitted.")


class InvoiceCreate(Priced):
    payer_id: ClientId = Field(description="A tenant of the park.")
    stream: Stream
    description: Text


class PaymentCreate(Priced):
    payment_id: ClientId | None = None
    invoice_id: ClientId | None = Field(default=None, description="Settled first; then the payer's oldest.")
    payer_id: PayerId | None = Field(
        default=None,
        description="A tenant of the park or `institution:<id>`; needed when no invoice is named.",
    )


class FeeCharge(BaseModel):
    payer_id: ClientId = Field(description="A tenant of the park.")
    kind: FeeKind
    quantity: Quantity = Decimal(1)
    size: EnterpriseSize | None = Field(default=None, description="For the platform fee.")
    on: BusinessDate | None = None


class FundingDealCreate(Priced):
    deal_id: ClientId | None = None
    tenant_id: ClientId = Field(description="The tenant of the park that raised the funding.")
    institution: Name
    instrument: FundingInstrument
    payer_id: PayerId = Field(
        description="Who pays the commission: the tenant (its id) or the bank or fund (`institution:<id>`)."
    )
    rate_percent: Percent | None = Field(default=None, description="The park's default rate when omitted.")


class SubsidyCreate(Priced):
    subsidy_id: ClientId | None = None
    tenant_id: ClientId = Field(description="A tenant of the park.")
    policy: Name


class CashEntryCreate(Priced):
    description: Text


class StakeCreate(Priced):
    stake_id: ClientId | None = None
    tenant_id: ClientId = Field(description="A tenant of the park.")
    percent: StakePercent


class StakeExit(Priced):
    pass


class BillingRunCreate(BaseModel):
    period: str = Field(pattern=PERIOD, description="YYYY-MM; not before the park was registered.")


class DunningRunCreate(BaseModel):
    as_of: BusinessDate


# A park's prices and rates; outside the business bounds (`finance.domain.fees`) 422 naming the fee.
class FeeCatalogue(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    platform_fee: dict[EnterpriseSize, EnteredAmount] = Field(
        default_factory=default_platform_fees, description="CNY per enterprise per year."
    )
    talent_placement_fee: EnteredAmount = Field(
        default=Decimal("800.00"), description="CNY per person placed."
    )
    matchmaking_meeting_fee: EnteredAmount = Decimal("5000.00")
    testing_fee: EnteredAmount = Field(default=Decimal("20000.00"), description="CNY per project.")
    property_fee_per_m2: EnteredAmount = Field(default=Decimal("5.00"), description="CNY per m² per month.")
    application_fee_percent: Percent = Field(default=Decimal("8"), description="% of the subsidy.")
    commission_min_percent: Percent = Decimal("1")
    commission_max_percent: Percent = Decimal("3")
    commission_percent: Percent = Field(default=Decimal("1.5"), description="Used when a deal names none.")

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        within_business_bounds(self)
        return self


class Shown(BaseModel):
    """A response read off the books' state (`Shown.model_validate(state, from_attributes=True)`)."""

    model_config = ConfigDict(from_attributes=True)


class Invoice(Shown):
    invoice_id: str
    payer_id: str
    stream: Stream
    description: str
    amount: Decimal
    paid: Decimal
    issued_on: date
    due_on: date
    status: InvoiceStatus
    cause: str = Field(description="The audit cause: the CloudEvents id or the request that issued it.")
    lease_id: str | None
    dunned: list[DunningTier] = Field(description="The dunning tiers it reached.")


class ScheduleLine(Shown):
    month: int
    starts_on: date
    ends_on: date
    rent: Decimal


class LeaseSchedule(Shown):
    lease_id: str
    tenant_id: str
    lines: list[ScheduleLine]
    billed: dict[int, Decimal] = Field(description="Lease month -> amount invoiced.")
    terminated_on: date | None
    cause: str


class Line(Shown):
    account: Account
    amount: Decimal = Field(description="Positive debit, negative credit.")


class Entry(Shown):
    entry_id: str
    posted_on: date
    cause: str = Field(description="The CloudEvents id or API request that caused this entry.")
    memo: str
    lines: list[Line]


class RevenueReport(Shown):
    """A year's or month's revenue figures; ratios rounded half-up to 4 places, null when dividing by 0."""

    period: str = Field(description="YYYY or YYYY-MM.")
    revenue_by_stream: dict[Stream, Decimal] = Field(
        description="Revenue of each stream, investment returns included."
    )
    operating_revenue: Decimal = Field(
        description="Rent + property + industry services + value-added services (no investment returns)."
    )
    service_revenue: Decimal = Field(description="Industry services + value-added services.")
    service_share: Decimal | None = Field(description="Service revenue / operating revenue.")
    service_share_target_met: bool = Field(description="The service share is above 30%.")
    operating_cost: Decimal = Field(description="Operating costs booked, the operator's bonus included.")
    revenue_to_cost: Decimal | None = Field(description="Operating revenue / operating cost.")
    subsidy_received: Decimal = Field(description="Subsidies the park received.")
    subsidy_dependency: Decimal | None = Field(
        description="Subsidy received / (operating revenue + subsidy received)."
    )


class InvoicesPublic(BaseModel):
    invoices: list[Invoice]


class LedgerPublic(BaseModel):
    trial_balance: Decimal
    balances: dict[str, Decimal]
    entries: list[Entry]


class AgingPublic(BaseModel):
    as_of: date
    buckets: dict[str, Decimal]
    outstanding: Decimal


class BillingRunPublic(Shown):
    """A billing run of a park and period as a job (`Prefer: respond-async`): read it again at
    `/parks/{park_id}/billing-runs/{period}` from any replica until it has finished."""

    park_id: str
    period: str = Field(description="YYYY-MM; one run per park and period.")
    state: RunState = Field(description="queued, running, succeeded or failed.")
    done: int = Field(description="Leases billed so far.")
    total: int = Field(description="Leases of the park when the run started (0 while queued).")
    invoices: int = Field(description="Invoices issued so far.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime = Field(description="Last progress; a running run silent for 60 s is taken over.")
    error: str | None = Field(description="Why it failed; starting it again retries it.")


class RecordedEvent(BaseModel):
    type: str
    data: dict[str, Any]


class CommandResult(BaseModel):
    """What a command did: its audit cause and the events it recorded (published through the outbox).
    A retry with the same `Idempotency-Key` answers this first answer again."""

    cause: str
    events: list[RecordedEvent]


ObjectId = Annotated[str, Path(max_length=200)]
