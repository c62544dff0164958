"""Ask each service for its figures of a park and period over HTTP, and pair them up as `Figure`s.

Which service owns which figure: README, One owner per figure (ADR 12). Each `*_figures` function reads
one pair of services and only pairs numbers; the comparison is `compare`'s."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from scripts.reconciliation.compare import Figure, Kind, NotCompared, Report, Reported, reconcile
from scripts.reconciliation.periods import Period
from scripts.reconciliation.rent import rent_figures
from scripts.reconciliation.sources import (
    CannotReconcile,
    Part,
    Sources,
    kpi_count,
    kpi_entry,
    kpi_value,
    number,
)

STREAMS = ("rent", "property", "industry_services", "value_added_services", "investment")


async def reconciliation(sources: Sources, park: str, period: Period) -> Report:
    """Every figure two services show for `park` and `period`, as each reports it."""
    if await sources.get("leasing", f"/parks/{park}", absent_ok=True) is None:
        raise CannotReconcile(f"park {park!r} is unknown to leasing (or not visible with this token)")
    card = await sources.get("kpi", f"/parks/{park}/scorecards/{period.label}", absent_ok=True)
    if card is None:
        raise CannotReconcile(f"kpi has no scorecard of park {park!r} (the park is unknown to kpi)")
    figures: list[Figure] = []
    skipped: list[NotCompared] = []
    readers = (finance_figures, occupancy_figures, ticket_figures, deal_figures, rent_figures)
    for read in readers:
        found, not_compared = await read(sources, park, period, card)
        figures += found
        skipped += not_compared
    return reconcile(figures, skipped)


def _total(reports: list[dict[str, Any]], pick: str, stream: str | None = None) -> Decimal:
    values = [r["revenue_by_stream"][stream] if stream else r[pick] for r in reports]
    return sum((Decimal(str(v)) for v in values), Decimal(0))


async def finance_figures(sources: Sources, park: str, period: Period, card: dict[str, Any]) -> Part:
    """finance's revenue report (a quarter: its three months added) against kpi's scorecard."""
    path = f"/parks/{park}/reports/revenue"
    reports = [await sources.get("finance", path, period=label) for label in period.finance_labels]
    zero = Decimal("0.00")
    figures = [
        Figure(
            f"revenue: {s}",
            Kind.MONEY,
            Reported("finance", _total(reports, "", s)),
            (kpi_count(card, "revenue", s, absent=zero),),
        )
        for s in STREAMS
    ]
    sums = {
        "operating revenue": ("operating_revenue", kpi_value(card, "operating_revenue")),
        "operating cost": ("operating_cost", kpi_count(card, "revenue_cost_ratio", "operating_cost")),
        "subsidy received": ("subsidy_received", kpi_count(card, "subsidy_dependency", "subsidies")),
    }
    for name, (pick, kpi) in sums.items():
        figures.append(Figure(name, Kind.MONEY, Reported("finance", _total(reports, pick)), (kpi,)))
    if period.is_quarter:
        reason = "finance reports ratios for a year or a month, not a quarter (their parts are above)"
        return figures, [NotCompared("service-revenue share, revenue ÷ cost, subsidy dependency", reason)]
    ratios = {
        "service-revenue share": ("service_share", "service_revenue_share"),
        "revenue ÷ operating cost": ("revenue_to_cost", "revenue_cost_ratio"),
        "subsidy dependency": ("subsidy_dependency", "subsidy_dependency"),
    }
    for name, (pick, key) in ratios.items():
        owner = Reported("finance", number(reports[0][pick]))
        figures.append(Figure(name, Kind.RATIO, owner, (kpi_value(card, key),)))
    return figures, []


async def occupancy_figures(sources: Sources, park: str, period: Period, card: dict[str, Any]) -> Part:
    """leasing's occupancy on the period's last day (the day kpi's scorecard takes) against kpi's
    scorecard and kpi's own occupancy of that day."""
    on = period.end.isoformat()
    leasing = await sources.get("leasing", f"/parks/{park}/occupancy", on=on)
    kpi = await sources.get("kpi", f"/parks/{park}/occupancy", on=on)
    scored = kpi_entry(card, "occupancy_rate") or {"counts": {}}
    pairs = {  # name -> (kind, leasing's field, the scorecard's, kpi /occupancy's)
        "occupancy by area": (Kind.RATIO, "occupancy_by_area", None, "occupancy_by_area"),
        "occupancy by count": (Kind.RATIO, "occupancy_by_count", None, "occupancy_by_count"),
        "units listed": (Kind.COUNT, "units_total", "units_listed", "units_total"),
        "units occupied": (Kind.COUNT, "units_occupied", "units_occupied", "units_leased"),
        "area listed m²": (Kind.AREA, "area_total_m2", "area_total_m2", "area_total_m2"),
        "area occupied m²": (Kind.AREA, "area_occupied_m2", "area_occupied_m2", "area_leased_m2"),
    }
    card_values = {
        "occupancy by area": kpi_value(card, "occupancy_rate", "kpi scorecard"),
        "occupancy by count": kpi_value(card, "occupancy_by_count", "kpi scorecard"),
    }
    figures = []
    for name, (kind, own, counted, shown) in pairs.items():
        in_card = card_values.get(name) or _counted(scored, counted)
        consumers = (in_card, Reported("kpi occupancy", number(kpi[shown])))
        figures.append(Figure(f"{name} on {on}", kind, Reported("leasing", number(leasing[own])), consumers))
    return figures, []


def _counted(entry: dict[str, Any], count: str | None) -> Reported:
    if count is None or count not in entry["counts"]:
        return Reported.missing("kpi scorecard")
    return Reported("kpi scorecard", number(entry["counts"][count]))


def _midnight(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()


async def ticket_figures(sources: Sources, park: str, period: Period, card: dict[str, Any]) -> Part:
    """tickets' scorecard of the period's days (UTC, as kpi dates resolutions and ratings) against kpi's."""
    end = _midnight(period.end + timedelta(days=1))
    path = f"/parks/{park}/tickets/scorecard"
    shown = await sources.get("tickets", path, absent_ok=True, **{"from": _midnight(period.start), "to": end})
    pairs = {  # name -> (kind, tickets' field, kpi's KPI, its count or None for its value)
        "SLA compliance": (Kind.RATIO, "sla_compliance", "sla_compliance", None),
        "tickets resolved": (Kind.COUNT, "resolved", "sla_compliance", "resolved"),
        "tickets meeting the SLA": (Kind.COUNT, "sla_met", "sla_compliance", "met"),
        "satisfaction": (Kind.RATIO, "satisfaction_rate", "satisfaction", None),
        "ratings given": (Kind.COUNT, "rated", "satisfaction", "ratings"),
        "ratings of 4-5": (Kind.COUNT, "satisfied", "satisfaction", "satisfied"),
    }
    figures = []
    for name, (kind, own, key, count) in pairs.items():
        owner = Reported.missing("tickets") if shown is None else Reported("tickets", number(shown[own]))
        consumer = kpi_value(card, key) if count is None else kpi_count(card, key, count)
        figures.append(Figure(name, kind, owner, (consumer,)))
    return figures, []


def _closed_on(proposal: dict[str, Any]) -> date:
    return datetime.fromisoformat(proposal["closed_at"]).astimezone(UTC).date()


async def deal_figures(sources: Sources, park: str, period: Period, card: dict[str, Any]) -> Part:
    """matchmaking's deals closed in the period with a buyer of the park (DealClosed is the buyer park's)
    against kpi's purchasing savings."""
    path = f"/parks/{park}/proposals"
    proposals = await sources.get("matchmaking", path, absent_ok=True, status="deal_closed")
    deals = [p for p in proposals or [] if p["buyer_park_id"] == park]
    undated = [p["proposal_id"] for p in deals if p.get("closed_at") is None]
    if undated:
        reason = f"matchmaking does not show when {len(undated)} deal(s) closed: {', '.join(undated)}"
        return [], [NotCompared("purchasing savings", reason)]
    deals = [p for p in deals if period.contains(_closed_on(p))]
    totals = {
        "deals closed": (Kind.COUNT, Decimal(len(deals)), kpi_count(card, "purchasing_savings", "deals")),
        "deal value": (
            Kind.MONEY,
            _sum(deals, "deal_value_cny"),
            kpi_count(card, "purchasing_savings", "value"),
        ),
        "purchasing savings": (
            Kind.MONEY,
            _sum(deals, "estimated_saving_cny"),
            kpi_value(card, "purchasing_savings"),
        ),
    }
    figures = []
    for name, (kind, total, kpi) in totals.items():
        owner = Reported.missing("matchmaking") if proposals is None else Reported("matchmaking", total)
        figures.append(Figure(name, kind, owner, (kpi,)))
    return figures, []


def _sum(rows: list[dict[str, Any]], key: str) -> Decimal:
    return sum((Decimal(str(r[key] or 0)) for r in rows), Decimal("0.00"))
