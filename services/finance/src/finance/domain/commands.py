"""The commands of the books: what a use case asks, as one frozen value each (the date it takes effect
and every id already decided). The `cause` (a CloudEvents id or a request's audit id) travels beside
the command: the same command may come from an event or from staff."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from parkops_contracts.events.finance import FundingInstrument

from finance.domain.equity import StakeOrigin
from finance.domain.fees import EnterpriseSize, FeeKind
from finance.domain.ledger import Stream


@dataclass(frozen=True)
class Charge:
    """Bill a payer an amount of a revenue stream (deferred over `deferred_months` when in advance)."""

    payer_id: str
    stream: Stream
    amount: Decimal
    on: date
    description: str
    invoice_id: str | None = None
    lease_id: str | None = None
    deferred_months: int = 0


@dataclass(frozen=True)
class ChargeFee:
    """Bill a catalogue fee: quantity x the park's price (the platform fee by enterprise size)."""

    payer_id: str
    kind: FeeKind
    quantity: Decimal
    size: EnterpriseSize | None
    on: date


@dataclass(frozen=True)
class CloseFunding:
    """A financing deal the park brokered; the commission is billed to `payer_id`."""

    deal_id: str
    tenant_id: str
    institution: str
    instrument: FundingInstrument
    amount: Decimal
    payer_id: str
    rate_percent: Decimal | None
    on: date


@dataclass(frozen=True)
class GrantSubsidy:
    subsidy_id: str
    tenant_id: str
    policy: str
    amount: Decimal
    on: date


@dataclass(frozen=True)
class AcquireStake:
    stake_id: str
    tenant_id: str
    percent: Decimal
    cost_basis: Decimal
    origin: StakeOrigin
    on: date
    lease_id: str | None = None  # rent for equity: the lease whose rent paid for it
    months_waived: int = 0  # rent for equity: the months of that lease it replaces


@dataclass(frozen=True)
class ReceivePayment:
    """A payment: the named invoice settled first, then the payer's oldest; the rest is credit."""

    payment_id: str
    payer_id: str | None
    amount: Decimal
    invoice_id: str | None
    on: date


@dataclass(frozen=True)
class CreditNote:
    """Take `by` off an invoice on a date, with the memo the ledger keeps."""

    by: Decimal
    on: date
    memo: str
