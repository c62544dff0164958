"""Request and response models of the finance API. Every input is bounded (`parkops_kernel.bounds`):
amounts CNY, > 0, at most two decimals and 10^12; dates within 1900-2199; texts without control
characters; ids as the platform spells them. Anything else is 422 naming the field."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Path
from parkops_contracts.events.finance import FundingInstrument
from parkops_kernel.bounds import BusinessDate, ClientId, Name, Percent, Quantity, Text
from pydantic import BaseModel, ConfigDict, Field

from finance.domain.fees import EnterpriseSize, FeeCatalogue, FeeKind
from finance.domain.ledger import Account, Stream
from finance.domain.money import EnteredAmount
from finance.domain.payers import PayerId
from finance.domain.receivables import DunningTier, InvoiceStatus
from finance.domain.reports import RevenueReport

# Value types of the books the API names as they are (the fee catalogue carries its business bounds, the
# revenue report is the domain's figures of a period as computed); routes take them from here, never
# from the domain.
__all__ = ["FeeCatalogue", "InvoiceStatus", "PayerId", "RevenueReport"]

Currency = Literal["CNY"]
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


class RecordedEvent(BaseModel):
    type: str
    data: dict[str, Any]


class CommandResult(BaseModel):
    """What a command did: its audit cause and the events it recorded (published through the outbox).
    A retry with the same `Idempotency-Key` answers this first answer again."""

    cause: str
    events: list[RecordedEvent]


ObjectId = Annotated[str, Path(max_length=200)]
