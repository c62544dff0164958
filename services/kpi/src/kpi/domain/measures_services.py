"""Service, revenue and community KPIs of a period: tickets, satisfaction, revenue mix, deals, funding."""

from decimal import Decimal

from parkops_kernel.money import cny

from kpi.domain.ledger import ParkLedger
from kpi.domain.measure import HOURS, Measure, ratio
from kpi.domain.periods import Period
from kpi.domain.records import MoneyLine, Resolution

SERVICE_STREAMS = frozenset({"industry_services", "value_added_services"})
SATISFIED_FROM = 4  # a rating of 4 or 5 out of 5 counts as satisfied


def _mean_hours(seconds: list[int]) -> Decimal | None:
    return (Decimal(sum(seconds)) / len(seconds) / 3600).quantize(HOURS) if seconds else None


def tickets(ledger: ParkLedger, period: Period) -> dict[str, Measure]:
    """Tickets resolved in the period (a ticket's latest resolution) and ratings given in it."""
    resolved: list[Resolution] = [
        r for r in ledger.resolutions.values() if period.contains(r.resolved_at.date())
    ]
    repairs = [r for r in resolved if r.repair]
    met = [r for r in resolved if r.sla_met]
    ratings = [r for r in ledger.ratings.values() if period.contains(r.rated_on)]
    satisfied = [r for r in ratings if r.score >= SATISFIED_FROM]
    ids = [r.event_id for r in resolved]
    counts: dict[str, int | Decimal] = {"resolved": len(resolved)}
    return {
        "response_hours": Measure.of(_mean_hours([r.response_seconds for r in resolved]), counts, ids),
        "resolution_hours": Measure.of(_mean_hours([r.resolution_seconds for r in resolved]), counts, ids),
        "repair_response_hours": Measure.of(
            _mean_hours([r.response_seconds for r in repairs]),
            {"repairs": len(repairs)},
            [r.event_id for r in repairs],
        ),
        "sla_compliance": Measure.of(ratio(len(met), len(resolved)), counts | {"met": len(met)}, ids),
        "satisfaction": Measure.of(
            ratio(len(satisfied), len(ratings)),
            {"ratings": len(ratings), "satisfied": len(satisfied)},
            [r.event_id for r in ratings],
        ),
    }


def _in(lines: dict[str, MoneyLine], period: Period) -> list[MoneyLine]:
    return [line for line in lines.values() if period.contains(line.on)]


def _total(lines: list[MoneyLine]) -> Decimal:
    return cny(sum((line.amount for line in lines), Decimal(0)))


def revenue(ledger: ParkLedger, period: Period, operating_cost: Decimal | None) -> dict[str, Measure]:
    """Revenue by stream (invoices issued plus revenue recognised outside invoices), the service streams'
    share, revenue ÷ operating cost (when the park's cost for the period is known), subsidy dependency."""
    lines = _in(ledger.revenue, period)
    by_stream: dict[str, int | Decimal] = {}
    for line in lines:
        by_stream[line.kind] = cny(Decimal(by_stream.get(line.kind, 0)) + line.amount)
    total = _total(lines)
    service = sum((Decimal(v) for k, v in by_stream.items() if k in SERVICE_STREAMS), Decimal(0))
    subsidies = _in(ledger.subsidies, period)
    ids = [line.event_id for line in lines]
    cost: dict[str, int | Decimal] = {"revenue": total}
    if operating_cost is not None:
        cost["operating_cost"] = operating_cost
    return {
        "revenue": Measure.of(total, by_stream | {"lines": len(lines)}, ids),
        "service_revenue_share": Measure.of(
            ratio(service, total), {"service_revenue": cny(service), "revenue": total}, ids
        ),
        "revenue_cost_ratio": Measure.of(ratio(total, operating_cost) if operating_cost else None, cost, ids),
        "subsidy_dependency": Measure.of(
            ratio(_total(subsidies), total),
            {"subsidies": _total(subsidies), "revenue": total},
            [s.event_id for s in subsidies],
        ),
    }


def community(ledger: ParkLedger, period: Period) -> dict[str, Measure]:
    """Matches accepted and deals closed for the park's enterprises; financing closed through the park."""
    matches, deals, funding = (_in(x, period) for x in (ledger.matches, ledger.deals, ledger.funding))
    return {
        "matches_accepted": Measure.of(
            Decimal(len(matches)), {"matches": len(matches)}, [m.event_id for m in matches]
        ),
        "deals_closed": Measure.of(
            Decimal(len(deals)), {"deals": len(deals), "value": _total(deals)}, [d.event_id for d in deals]
        ),
        "funding_closed": Measure.of(_total(funding), {"deals": len(funding)}, [f.event_id for f in funding]),
    }
