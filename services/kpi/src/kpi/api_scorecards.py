"""HTTP routes of scorecards: per park and period, drill-down, time series, group portfolio, CSV."""

import json

from fastapi import APIRouter, Response
from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.access import FiguresScope

from kpi.access import PortfolioScope
from kpi.csv_export import portfolio_csv, scorecard_csv
from kpi.domain.periods import Period, parse_period
from kpi.domain.scoring import Scorecard
from kpi.domain.targets import CATALOG
from kpi.schemas import (
    DrillDown,
    FromQuery,
    KpiPath,
    KpiPublic,
    PeriodPath,
    Portfolio,
    PortfolioEntry,
    ScorecardPublic,
    SeriesPoint,
    ToQuery,
)
from kpi.scorecards import Scorecards

MAX_SERIES = 120


def series_bounds(start: str, end: str) -> tuple[Period, Period]:
    """The first and last period of a series: of one format, the first not after the last."""
    first, last = parse_period(start, "from"), parse_period(end, "to")
    same_format = len(start) == len(end) and ("Q" in start) == ("Q" in end)
    if not same_format or first > last:
        raise Unprocessable("from and to must be periods of the same format, from <= to", field="from")
    return first, last


def build_scorecard_router(scorecards: Scorecards) -> APIRouter:
    """A park's scorecard of a period, its drill-down per KPI and a KPI's series over periods."""
    router = APIRouter(tags=["scorecards"])

    @router.get("/parks/{park_id}/scorecards/{period}")
    async def scorecard(access: FiguresScope, period: PeriodPath) -> ScorecardPublic:
        trend = scorecards.trend(scorecards.ledger(access), parse_period(period))
        return ScorecardPublic.of(trend[-1], trend)

    @router.get("/parks/{park_id}/scorecards/{period}/csv")
    async def scorecard_as_csv(access: FiguresScope, period: PeriodPath) -> Response:
        card = scorecards.card(scorecards.ledger(access), parse_period(period))
        return Response(scorecard_csv(card), media_type="text/csv")

    @router.get("/parks/{park_id}/scorecards/{period}/kpis/{kpi}")
    async def drill_down(access: FiguresScope, period: PeriodPath, kpi: KpiPath) -> DrillDown:
        card = scorecards.card(scorecards.ledger(access), parse_period(period))
        measure = card.measures.get(kpi)
        if measure is None:
            raise NotFound(f"no KPI or figure {kpi}; known: {', '.join(sorted(card.measures))}")
        return DrillDown(
            park_id=access.park_id,
            period=card.period,
            kpi=kpi,
            value=measure.value,
            counts=measure.counts,
            event_count=len(measure.event_ids),
            event_ids=list(measure.event_ids),
        )

    @router.get("/parks/{park_id}/kpis/{kpi}/series")
    async def series(access: FiguresScope, kpi: KpiPath, start: FromQuery, end: ToQuery) -> list[SeriesPoint]:
        """One point per period from `from` to `to` (both of one format: years, quarters, months or days),
        at most the last 120."""
        ledger = scorecards.ledger(access)
        first, period = series_bounds(start, end)
        points: list[SeriesPoint] = []
        while period >= first and len(points) < MAX_SERIES:
            card = scorecards.card(ledger, period)
            measure = card.measures.get(kpi)
            if measure is None:
                raise NotFound(f"no KPI or figure {kpi}")
            score = card.kpi(kpi).score if kpi in CATALOG else None
            points.append(SeriesPoint(period=period.label, value=measure.value, score=score))
            period = period.previous()
        return points[::-1]

    return router


def build_portfolio_router(scorecards: Scorecards) -> APIRouter:
    """A group's parks ranked by overall score (JSON or CSV)."""
    router = APIRouter(tags=["scorecards"])
    fragments: dict[tuple[str, str], tuple[Scorecard, str]] = {}

    def fragment(card: Scorecard) -> str:
        """A park's entry as JSON without its rank, kept while its scorecard is the cached one."""
        cached = fragments.get((card.park_id, card.period))
        if cached is None or cached[0] is not card:
            entry = PortfolioEntry(
                rank=0,
                park_id=card.park_id,
                overall_score=card.overall,
                pulling_down=[KpiPublic.of(card.kpi(k), card.measures[k]) for k in card.pulling_down()],
            )
            cached = fragments[(card.park_id, card.period)] = (
                card,
                entry.model_dump_json()[len('{"rank":0,') :],
            )
        return cached[1]

    @router.get("/groups/{group_id}/portfolio/{period}", response_model=Portfolio)
    async def portfolio(group: PortfolioScope, period: PeriodPath) -> Response:
        """Parks ranked by overall score; each entry lists the KPIs that pull it down, worst first."""
        ranked = await scorecards.portfolio(group.group_id, parse_period(period))
        parks = ",".join(f'{{"rank":{r.rank},{fragment(r.card)}' for r in ranked)
        head = json.dumps({"group_id": group.group_id, "period": period})[:-1]
        return Response(f'{head},"parks":[{parks}]}}', media_type="application/json")

    @router.get("/groups/{group_id}/portfolio/{period}/csv")
    async def portfolio_as_csv(group: PortfolioScope, period: PeriodPath) -> Response:
        ranked = await scorecards.portfolio(group.group_id, parse_period(period))
        return Response(portfolio_csv(ranked), media_type="text/csv")

    return router
