"""Request and response models of the finance API. Amounts: CNY, > 0, at most two decimals (else 422)."""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from parkops_contracts.events.finance import FundingInstrument
from pydantic import BaseModel, Field

from finance.domain.fees import EnterpriseSize, FeeKind
from finance.domain.ledger import Entry, Stream
from finance.domain.money import EnteredAmount
from finance.domain.receivables import Invoice

Currency = Literal["CNY"]


class Priced(BaseModel):
    amount: EnteredAmount
    currency: Currency = "CNY"
    on: date | None = Field(default=None, description="Business date; today when omitted.")


class InvoiceCreate(Priced):
    payer_id: str = Field(min_length=1)
    stream: Stream
    description: str = Field(min_length=1, max_length=500)


class PaymentCreate(Priced):
    payment_id: str | None = None
    invoice_id: str | None = Field(default=None, description="Settled first; then the payer's oldest.")
    payer_id: str | None = Field(default=None, description="Needed when no invoice is named.")


class FeeCharge(BaseModel):
    payer_id: str = Field(min_length=1)
    kind: FeeKind
    quantity: Decimal = Field(default=Decimal(1), gt=0, decimal_places=2)
    size: EnterpriseSize | None = Field(default=None, description="For the platform fee.")
    on: date | None = None


class FundingDealCreate(Priced):
    deal_id: str | None = None
    tenant_id: str = Field(min_length=1)
    institution: str = Field(min_length=1)
    instrument: FundingInstrument
    payer_id: str = Field(min_length=1, description="Who pays the commission (bank, fund or tenant).")
    rate_percent: Decimal | None = Field(default=None, description="The park's default rate when omitted.")


class SubsidyCreate(Priced):
    subsidy_id: str | None = None
    tenant_id: str = Field(min_length=1)
    policy: str = Field(min_length=1)


class CashEntryCreate(Priced):
    description: str = Field(min_length=1, max_length=500)


class StakeCreate(Priced):
    stake_id: str | None = None
    tenant_id: str = Field(min_length=1)
    percent: Decimal = Field(gt=0, le=100)


class StakeExit(Priced):
    pass


class BillingRunCreate(BaseModel):
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")


class DunningRunCreate(BaseModel):
    as_of: date


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
    """What a command did: the events it recorded (published through the outbox); none when replayed."""

    cause: str
    replayed: bool
    events: list[RecordedEvent]
