"""Service, revenue and community KPIs of a period: tickets, satisfaction, revenue mix, deals, funding.

Each is a sum of what its owner published (ADR 12): revenue of finance's `RevenueRecognized`, cost of its
`CostRecognized`, the park's subsidy of its `SubsidyReceived`, ratings of tickets' `TicketRated`, savings
of matchmaking's `DealClosed`; kpi only divides and scores."""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import chain

from parkops_kernel import figures
from parkops_kernel.money import cny

from kpi.domain.ledger import ParkLedger
from kpi.domain.measure import HOURS, Measure, money_ratio, ratio
from kpi.domain.periods import Period
from kpi.domain.records import DealRecord, MoneyLine

OPERATING_STREAMS = frozenset({"rent", "property", "industry_services", "value_added_services"})
"""Operating revenue: what the park earns by operating (investment gains and subsidies are not)."""
SERVICE_STREAMS = frozenset({"industry_services", "value_added_services"})


def satisfaction(scores: Sequence[int]) -> Decimal | None:
    """Tickets' rule, written once in the kernel (`parkops_kernel.figures`): ratings of 4-5 among every
    rating given (each resolution's rating counts once)."""
    return ratio(*figures.satisfied_of(scores))


def _mean_hours(seconds: int, count: int) -> Decimal | None:
    return (Decimal(seconds) / count / 3600).quantize(HOURS) if count else None


def tickets(ledger: ParkLedger, period: Period) -> dict[str, Measure]:
    """Tickets resolved in the period (a ticket's latest resolution) and ratings given in it."""
    book = ledger.tickets
    t = book.resolved_in(period)
    satisfied, given = book.rated_in(period)  # shown beside the share

    def resolved() -> Iterator[str]:
        return book.resolution_ids(period)

    counts: dict[str, int | Decimal] = {"resolved": t["resolved"]}
    return {
        "response_hours": Measure.of(_mean_hours(t["response_s"], t["resolved"]), counts, resolved),
        "resolution_hours": Measure.of(_mean_hours(t["resolution_s"], t["resolved"]), counts, resolved),
        "repair_response_hours": Measure.of(
            _mean_hours(t["repair_response_s"], t["repairs"]),
            {"repairs": t["repairs"]},
            lambda: book.resolution_ids(period, repairs_only=True),
        ),
        "sla_compliance": Measure.of(ratio(t["met"], t["resolved"]), counts | {"met": t["met"]}, resolved),
        "satisfaction": Measure.of(
            ratio(satisfied, given),
            {"ratings": given, "satisfied": satisfied},
            lambda: book.rating_ids(period),
        ),
    }


def _in(lines: dict[str, MoneyLine], period: Period) -> list[MoneyLine]:
    return [line for line in lines.values() if period.contains(line.on)]


def _total(lines: list[MoneyLine]) -> Decimal:
    return cny(sum((line.amount for line in lines), Decimal(0)))


def revenue(ledger: ParkLedger, period: Period) -> dict[str, Measure]:
    """Revenue by stream (every recognition dated in the period, reversals negative); the service streams'
    share of operating revenue; operating revenue ÷ the costs recognised in the period (no cost, no
    data); the park's subsidies ÷ (operating revenue + subsidies)."""
    streams = ledger.revenue.by_kind(period)
    by_stream: dict[str, int | Decimal] = {k: cny(s.total) for k, s in streams.items()}
    lines = sum(s.count for s in streams.values())
    total = cny(sum((s.total for s in streams.values()), Decimal(0)))
    operating = cny(sum((Decimal(v) for k, v in by_stream.items() if k in OPERATING_STREAMS), Decimal(0)))
    service = cny(sum((Decimal(v) for k, v in by_stream.items() if k in SERVICE_STREAMS), Decimal(0)))
    operating_lines = sum(s.count for k, s in streams.items() if k in OPERATING_STREAMS)

    def operating_ids() -> Iterator[str]:
        return ledger.revenue.ids(period, OPERATING_STREAMS)

    def cost_ids() -> Iterator[str]:
        return ledger.costs.ids(period)

    kinds = ledger.costs.by_kind(period).values()
    costs, cost = sum(c.count for c in kinds), cny(sum((c.total for c in kinds), Decimal(0)))
    subsidies = _in(ledger.subsidies, period)
    subsidy = _total(subsidies)
    return {
        "revenue": Measure.of(total, by_stream | {"lines": lines}, lambda: ledger.revenue.ids(period)),
        "operating_revenue": Measure.of(operating, {"lines": operating_lines}, operating_ids),
        "service_revenue_share": Measure.of(
            money_ratio(service, operating) if operating > 0 else None,
            {"service_revenue": service, "operating_revenue": operating},
            operating_ids,
        ),
        "operating_cost": Measure.of(cost if costs else None, {"costs": costs}, cost_ids),
        "revenue_cost_ratio": Measure.of(
            money_ratio(operating, cost) if costs else None,
            {"operating_revenue": operating, "operating_cost": cost, "costs": costs},
            lambda: chain(operating_ids(), cost_ids()),
        ),
        "subsidy_dependency": Measure.of(
            money_ratio(subsidy, operating + subsidy) if operating + subsidy > 0 else None,
            {"subsidies": subsidy, "operating_revenue": operating},
            lambda: chain((s.event_id for s in subsidies), operating_ids()),
        ),
    }


def savings(deals: list[DealRecord]) -> dict[str, int | Decimal]:
    """Deals closed and their savings as the parties reported them (a figure, not scored)."""
    percents = [d.saving_percent for d in deals if d.saving_percent is not None]
    figures: dict[str, int | Decimal] = {
        "deals": len(deals),
        "value": cny(sum((d.value for d in deals), Decimal(0))),
        "savings": cny(sum((d.saving for d in deals), Decimal(0))),
        "deals_with_saving_percent": len(percents),
    }
    if percents:
        figures["mean_saving_percent"] = (sum(percents, Decimal(0)) / len(percents)).quantize(HOURS)
    return figures


def community(ledger: ParkLedger, period: Period) -> dict[str, Measure]:
    """Matches accepted and deals closed for the park's enterprises; financing closed through the park."""
    matches, funding = _in(ledger.matches, period), _in(ledger.funding, period)
    deals = [d for d in ledger.deals.values() if period.contains(d.on)]
    reported = savings(deals)
    return {
        "matches_accepted": Measure.of(
            Decimal(len(matches)), {"matches": len(matches)}, [m.event_id for m in matches]
        ),
        "deals_closed": Measure.of(Decimal(len(deals)), reported, [d.event_id for d in deals]),
        "purchasing_savings": Measure.of(Decimal(reported["savings"]), reported, [d.event_id for d in deals]),
        "funding_closed": Measure.of(_total(funding), {"deals": len(funding)}, [f.event_id for f in funding]),
    }
