"""Double-entry ledger of one park: every business fact posts one balanced entry.

A line's `amount` is signed: positive = debit, negative = credit. An entry is accepted only when its
lines sum to zero, so the trial balance (the sum of every line ever posted) is zero at every moment.
Each entry names its `cause`: the CloudEvents id or API request that made it (audit trail)."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum

from parkops_contracts.events.finance import RevenueStream
from parkops_kernel.money import ZERO, Cents
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr


class Account(StrEnum):
    RECEIVABLES = "receivables"
    CASH = "cash"
    CUSTOMER_CREDIT = "customer_credit"  # liability: over-payments carried forward
    DEFERRED_REVENUE = "deferred_revenue"
    UNEARNED_RENT = "unearned_rent"  # liability: rent waived for equity, earned in the months it replaces
    REVENUE_RENT = "revenue:rent"
    REVENUE_PROPERTY = "revenue:property"
    REVENUE_INDUSTRY_SERVICES = "revenue:industry_services"
    REVENUE_VALUE_ADDED_SERVICES = "revenue:value_added_services"
    REVENUE_INVESTMENT = "revenue:investment"
    EQUITY_INVESTMENTS = "equity_investments"
    REVALUATION_RESERVE = "revaluation_reserve"  # unrealised gains on stakes, until exit
    OPERATING_COST = "operating_cost"
    ACCRUED_COST = "accrued_cost"  # liability: costs booked but not paid (e.g. operator bonus)
    SUBSIDY_RECEIVED = "subsidy_received"


Stream = RevenueStream
"""Revenue streams; `industry_services` and `value_added_services` count as service revenue."""
SERVICE_STREAMS = frozenset({Stream.INDUSTRY_SERVICES, Stream.VALUE_ADDED_SERVICES})


def revenue_account(stream: Stream) -> Account:
    return Account(f"revenue:{stream.value}")


REVENUE_ACCOUNTS: dict[Account, Stream] = {revenue_account(s): s for s in Stream}


class Line(BaseModel):
    model_config = ConfigDict(frozen=True)

    account: Account
    amount: Cents = Field(description="Positive debit, negative credit.")


class Entry(BaseModel):
    model_config = ConfigDict(frozen=True)

    entry_id: str
    posted_on: date
    cause: str = Field(description="The CloudEvents id or API request that caused this entry.")
    memo: str
    lines: tuple[Line, ...]

    @property
    def period(self) -> str:
        return self.posted_on.strftime("%Y-%m")


class UnbalancedEntry(ValueError):
    pass


def entry(entry_id: str, posted_on: date, cause: str, memo: str, *lines: tuple[Account, Decimal]) -> Entry:
    """Build an entry, dropping zero lines; raises UnbalancedEntry unless debits equal credits."""
    kept = tuple(Line(account=a, amount=m) for a, m in lines if m != ZERO)
    if sum((line.amount for line in kept), ZERO) != ZERO:
        raise UnbalancedEntry(f"entry {entry_id} ({memo}) does not balance: {kept}")
    return Entry(entry_id=entry_id, posted_on=posted_on, cause=cause, memo=memo, lines=kept)


Months = Mapping[str, Mapping[Account, Decimal]]
"""Net balance per account per month (`YYYY-MM`)."""


def period_balances(months: Months, period_prefix: str = "") -> dict[Account, Decimal]:
    """Net balance per account over the months that start with `period_prefix` ("2026", "2026-03")."""
    totals: dict[Account, Decimal] = {}
    for month, balances in months.items():
        if month.startswith(period_prefix):
            for account, amount in balances.items():
                totals[account] = totals.get(account, ZERO) + amount
    return totals


class Ledger(BaseModel):
    entries: list[Entry] = Field(default_factory=list)
    # Kept as entries are posted (and rebuilt when loaded), so a period's balances cost its months,
    # not every entry ever posted.
    _months: dict[str, dict[Account, Decimal]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        for posted in self.entries:
            self._count(posted)

    def post(self, new: Entry) -> None:
        if sum((line.amount for line in new.lines), ZERO) != ZERO:
            raise UnbalancedEntry(f"entry {new.entry_id} does not balance")
        self.entries.append(new)
        self._count(new)

    def _count(self, posted: Entry) -> None:
        month = self._months.setdefault(posted.period, {})
        for line in posted.lines:
            month[line.account] = month.get(line.account, ZERO) + line.amount

    def months(self) -> Months:
        return self._months

    def trial_balance(self) -> Decimal:
        """Sum of every posted line: zero, always."""
        return sum((line.amount for e in self.entries for line in e.lines), ZERO)

    def balances(self, period_prefix: str = "") -> dict[Account, Decimal]:
        """Net balance per account over entries whose period starts with `period_prefix` ("2026")."""
        return period_balances(self._months, period_prefix)
