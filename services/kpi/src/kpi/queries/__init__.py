"""The reads of the kpi service, never a write: occupancy, terms, scorecards (JSON and CSV), drill-down,
series, a group's portfolio, published assessments beside their recomputation.

Every answer is an HTTP model (`kpi.schemas`) or text; the caller's access (`parkops_runtime.access`)
has already resolved the park and its owning group."""

import json
from datetime import date, datetime

from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.clock import Clock, today, utc_now

from kpi.domain.assessment import PublishedAssessment, terms_used
from kpi.domain.measures_services import savings
from kpi.domain.occupancy import OccupancyOn
from kpi.domain.periods import Period, parse_period
from kpi.domain.scoring import Scorecard
from kpi.domain.targets import CATALOG
from kpi.projections import Projections
from kpi.queries.csv_export import portfolio_csv, scorecard_csv
from kpi.queries.present import (
    assessment_public,
    kpi_public,
    occupancy_public,
    purchasing_public,
    scorecard_public,
    terms_public,
)
from kpi.queries.scorecards import Scorecards
from kpi.schemas import (
    AssessmentPublic,
    DrillDown,
    OccupancyPublic,
    PortfolioEntry,
    ScorecardPublic,
    SeriesPoint,
    TermsPublic,
)

MAX_SERIES = 120


def series_bounds(start: str, end: str) -> tuple[Period, Period]:
    """The first and last period of a series: of one format, the first not after the last."""
    first, last = parse_period(start, "from"), parse_period(end, "to")
    same_format = len(start) == len(end) and ("Q" in start) == ("Q" in end)
    if not same_format or first > last:
        raise Unprocessable("from and to must be periods of the same format, from <= to", field="from")
    return first, last


class KpiQueries:
    def __init__(
        self,
        projections: Projections,
        scorecards: Scorecards,
        assessments: AggregateStore[PublishedAssessment],
        clock: Clock = utc_now,
    ) -> None:
        self._projections, self._scorecards, self._assessments = projections, scorecards, assessments
        self._clock = clock
        self._fragments: dict[tuple[str, str], tuple[Scorecard, str]] = {}

    def occupancy(self, access: ParkAccess, on: date | None = None) -> OccupancyPublic:
        """Occupancy on `on` (today by the clock when not asked) from leasing's spans."""
        ledger = self._projections.ledger(access.park_id, access.group_id)
        day = on or today(self._clock)
        return occupancy_public(
            self._projections.park(access.park_id, access.group_id),
            OccupancyOn.of(ledger.units, ledger.occupancy, day),
        )

    def terms(self, access: ParkAccess) -> TermsPublic:
        terms = self._scorecards.terms.get(access.park_id, access.group_id)
        return terms_public(terms, self._scorecards.ledger(access).park_type)

    def scorecard(self, access: ParkAccess, period: str) -> ScorecardPublic:
        trend = self._scorecards.trend(self._scorecards.ledger(access), parse_period(period))
        return scorecard_public(trend[-1], trend)

    def scorecard_csv(self, access: ParkAccess, period: str) -> str:
        return scorecard_csv(self._scorecards.card(self._scorecards.ledger(access), parse_period(period)))

    def drill_down(self, access: ParkAccess, period: str, kpi: str) -> DrillDown:
        card = self._scorecards.card(self._scorecards.ledger(access), parse_period(period))
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

    def series(self, access: ParkAccess, kpi: str, start: str, end: str) -> list[SeriesPoint]:
        ledger = self._scorecards.ledger(access)
        first, period = series_bounds(start, end)
        points: list[SeriesPoint] = []
        while period >= first and len(points) < MAX_SERIES:
            card = self._scorecards.card(ledger, period)
            measure = card.measures.get(kpi)
            if measure is None:
                raise NotFound(f"no KPI or figure {kpi}")
            score = card.kpi(kpi).score if kpi in CATALOG else None
            points.append(SeriesPoint(period=period.label, value=measure.value, score=score))
            period = period.previous()
        return points[::-1]

    async def portfolio_json(self, group_id: str, period: str) -> str:
        """The `Portfolio` as JSON, each park's entry kept as text while its scorecard is the cached one."""
        ranked = await self._scorecards.portfolio(group_id, parse_period(period))
        parks = ",".join(f'{{"rank":{r.rank},{self._fragment(r.card)}' for r in ranked)
        asked = parse_period(period)
        deals = [
            d
            for r in ranked
            for d in self._projections.ledger(r.card.park_id, r.card.group_id).deals.values()
            if asked.contains(d.on)
        ]
        group = purchasing_public(savings(deals)).model_dump_json()
        head = json.dumps({"group_id": group_id, "period": period})[:-1]
        return f'{head},"purchasing":{group},"parks":[{parks}]}}'

    def _fragment(self, card: Scorecard) -> str:
        """A park's entry as JSON without its rank."""
        cached = self._fragments.get((card.park_id, card.period))
        if cached is None or cached[0] is not card:
            entry = PortfolioEntry(
                rank=0,
                park_id=card.park_id,
                overall_score=card.overall,
                purchasing=purchasing_public(card.measures["purchasing_savings"].counts),
                pulling_down=[kpi_public(card.kpi(k), card.measures[k]) for k in card.pulling_down()],
            )
            text = entry.model_dump_json()[len('{"rank":0,') :]
            cached = self._fragments[(card.park_id, card.period)] = (card, text)
        return cached[1]

    async def portfolio_csv(self, group_id: str, period: str) -> str:
        return portfolio_csv(await self._scorecards.portfolio(group_id, parse_period(period)))

    async def assessment(self, access: ParkAccess, period: str) -> AssessmentPublic:
        """The published assessment beside the same assessment recomputed from the facts known now under
        the terms it was made with (today's for one published before assessments carried them).

        One stored under the park id by another group (before parks were checked) is not the owner's."""
        assessed, ledger = parse_period(period), self._scorecards.ledger(access)
        found = await self._assessments.get(f"{access.park_id}:{period}")
        if found is None or found.group_id != access.group_id or found.event is None:
            raise NotFound(f"no assessment of {access.park_id} for {period}")
        published = found.event
        at = datetime.fromisoformat(published["assessed_at"])
        used = terms_used(published)
        again = self._scorecards.assessment(
            ledger, assessed, at, used, published.get("assessed_by")
        ).model_dump(mode="json")
        if used is None:  # published before assessments carried their terms: nothing to compare them with
            again.pop("terms", None)
            again.pop("assessed_by", None)
        return assessment_public(found).model_copy(
            update={"recomputed": again, "recomputation_matches": again == published}
        )
