"""Events published by the finance service (billing, payments, fees, commissions, equity, revenue).

Every amount is CNY as a decimal string with two places; each event names the `cause`, the CloudEvents
id or API request that led to it (audit trail). Kafka key = the park: one park's books stay ordered."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from parkops_contracts.base import Event


class RevenueStream(StrEnum):
    RENT = "rent"
    PROPERTY = "property"
    INDUSTRY_SERVICES = "industry_services"
    VALUE_ADDED_SERVICES = "value_added_services"
    INVESTMENT = "investment"


class FundingInstrument(StrEnum):
    LOAN = "loan"
    EQUITY_ROUND = "equity_round"
    SUPPLY_CHAIN_FINANCE = "supply_chain_finance"


class FinanceEvent(Event):
    SERVICE: ClassVar[str] = "finance"
    KEY_FIELD: ClassVar[str] = "park_id"

    cause: str = Field(description="The CloudEvents id or API request that caused this fact.")


class InvoiceIssued(FinanceEvent):
    """An invoice was issued to a payer (a tenant, or the payer a financing deal names)."""

    invoice_id: str
    payer_id: str
    stream: RevenueStream
    description: str
    amount: Decimal = Field(gt=0)
    issued_on: date
    due_on: date
    lease_id: str | None = None


class Allocation(BaseModel):
    model_config = ConfigDict(frozen=True)

    invoice_id: str
    amount: Decimal = Field(gt=0)


class PaymentReceived(FinanceEvent):
    """A payment arrived; it settles open invoices oldest first, the rest is credit carried forward."""

    payment_id: str
    payer_id: str
    amount: Decimal = Field(gt=0)
    allocations: list[Allocation]
    credited: Decimal = Field(ge=0, description="Left over after allocation: the payer's new credit.")
    received_on: date


class InvoiceOverdue(FinanceEvent):
    """An open invoice reached a dunning tier: reminder (1-30 days late), escalation, final notice (60+)."""

    invoice_id: str
    payer_id: str
    tier: str
    days_past_due: int = Field(ge=1)
    outstanding: Decimal = Field(gt=0)
    as_of: date


class FundingClosed(FinanceEvent):
    """A tenant's financing request referred by the park closed with a bank or fund."""

    deal_id: str
    tenant_id: str
    institution: str
    instrument: FundingInstrument
    amount: Decimal = Field(gt=0)
    payer_id: str = Field(description="Who pays the park's commission (named by the deal).")
    closed_on: date


class CommissionEarned(FinanceEvent):
    """The park's commission on a closed financing deal, invoiced to the deal's payer."""

    deal_id: str
    rate_percent: Decimal
    amount: Decimal = Field(gt=0)
    payer_id: str
    invoice_id: str


class SubsidyGranted(FinanceEvent):
    """A government subsidy the park applied for on a tenant's behalf was granted."""

    subsidy_id: str
    tenant_id: str
    policy: str
    amount: Decimal = Field(gt=0)
    granted_on: date


class EquityStakeAcquired(FinanceEvent):
    """The park (or its fund) holds a stake in a tenant; cost basis = rent waived or cash invested."""

    stake_id: str
    tenant_id: str
    percent: Decimal = Field(gt=0, le=100)
    cost_basis: Decimal = Field(ge=0)
    origin: str = Field(description="rent_for_equity or park_fund.")
    acquired_on: date


class RevenueRecognized(FinanceEvent):
    """Revenue posted to the park's ledger on a business date: finance's one figure of revenue, per stream
    and day. Every recognition is one: an invoice's revenue when earned, the platform fee month by month,
    rent for equity in the months it replaces, a realised gain; a cancellation or credit note reverses
    with a negative amount. The sum over a period is the period's revenue (kpi scores it as it is)."""

    stream: RevenueStream
    amount: Decimal = Field(description="CNY; negative for a reversal.")
    source_id: str = Field(description="What earned or reversed it: an invoice, credit note or stake id.")
    recognized_on: date


class InvoiceCancelled(FinanceEvent):
    """An unpaid invoice was cancelled: it is no longer owed, and its revenue is reversed."""

    invoice_id: str
    payer_id: str
    stream: RevenueStream
    amount: Decimal = Field(gt=0, description="The invoice's amount, no longer owed.")
    cancelled_on: date


class CreditNoteIssued(FinanceEvent):
    """Part or all of an invoice was credited (e.g. rent billed beyond a terminated lease's last day)."""

    credit_note_id: str
    invoice_id: str
    payer_id: str
    stream: RevenueStream
    amount: Decimal = Field(gt=0)
    issued_on: date
    reason: str


class CostKind(StrEnum):
    OPERATING = "operating"
    OPERATOR_BONUS = "operator_bonus"


class CostRecognized(FinanceEvent):
    """An operating cost of the park was booked on a business date (costs entered in finance, the
    operator's bonus accrued): finance's one figure of cost, summed over a period."""

    cost_id: str
    kind: CostKind
    amount: Decimal = Field(gt=0)
    incurred_on: date
    description: str = ""


class SubsidyReceived(FinanceEvent):
    """A government subsidy paid to the park itself: income, but not operating revenue (unlike
    `SubsidyGranted`, a tenant's subsidy on which the park earns its policy-application fee)."""

    subsidy_id: str
    policy: str
    amount: Decimal = Field(gt=0)
    received_on: date


PUBLISHED: tuple[type[Event], ...] = (
    InvoiceIssued,
    PaymentReceived,
    InvoiceOverdue,
    FundingClosed,
    CommissionEarned,
    SubsidyGranted,
    EquityStakeAcquired,
    RevenueRecognized,
    InvoiceCancelled,
    CreditNoteIssued,
    CostRecognized,
    SubsidyReceived,
)
