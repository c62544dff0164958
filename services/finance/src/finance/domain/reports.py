"""Per park and period: revenue mix, service-revenue share, revenue ÷ operating cost, subsidy dependency.

Operating revenue = rent + property + industry services + value-added services (investment returns are
reported beside it, not in it). Service revenue = industry + value-added services; the target is a share
above 30% of operating revenue. Ratios are rounded half-up to 4 places; `None` when undefined (÷ 0)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from parkops_kernel.money import ZERO

from finance.domain.ledger import (
    REVENUE_ACCOUNTS,
    SERVICE_STREAMS,
    Account,
    Ledger,
    Months,
    Stream,
    period_balances,
    revenue_account,
)

SERVICE_SHARE_TARGET = Decimal("0.30")
RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class RevenueReport:
    period: str
    revenue_by_stream: dict[Stream, Decimal]
    operating_revenue: Decimal
    service_revenue: Decimal
    service_share: Decimal | None
    service_share_target_met: bool
    operating_cost: Decimal
    revenue_to_cost: Decimal | None
    subsidy_received: Decimal
    subsidy_dependency: Decimal | None


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == ZERO:
        return None
    return (numerator / denominator).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


REPORTED = frozenset({*REVENUE_ACCOUNTS, Account.OPERATING_COST, Account.SUBSIDY_RECEIVED})
"""The accounts a revenue report reads."""


def revenue_report(ledger: Ledger, period: str) -> RevenueReport:
    """`period` is a year (`2026`) or a month (`2026-03`)."""
    return report_of_months(ledger.months(), period)


def report_of_months(months: Months, period: str) -> RevenueReport:
    """The report from the monthly balances of the `REPORTED` accounts (the others are not read)."""
    balances = period_balances(months, period)
    by_stream = {s: -balances.get(revenue_account(s), ZERO) for s in Stream}
    operating = sum((v for s, v in by_stream.items() if s is not Stream.INVESTMENT), ZERO)
    service = sum((by_stream[s] for s in SERVICE_STREAMS), ZERO)
    cost = balances.get(Account.OPERATING_COST, ZERO)
    subsidy = -balances.get(Account.SUBSIDY_RECEIVED, ZERO)
    share = ratio(service, operating)
    return RevenueReport(
        period=period,
        revenue_by_stream=by_stream,
        operating_revenue=operating,
        service_revenue=service,
        service_share=share,
        service_share_target_met=share is not None and share > SERVICE_SHARE_TARGET,
        operating_cost=cost,
        revenue_to_cost=ratio(operating, cost),
        subsidy_received=subsidy,
        subsidy_dependency=ratio(subsidy, operating + subsidy),
    )
