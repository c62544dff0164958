"""The read side of scorecards: the parks' facts (`kpi.projections`) and terms, scorecards cached per park
and period.

A cached scorecard is reused while neither the park's ledger (its version counts the facts applied)
nor its terms changed, which keeps a group portfolio of many parks a matter of dictionary lookups.
Terms are read from memory: the fold of kpi's own `KpiTermsChanged` (part of the replicated view,
`kpi.view`), and this replica's own changes put at once, so scorecards never read the store."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from parkops_contracts.base import Event
from parkops_contracts.events.kpi import KpiTermsChanged
from parkops_kernel.errors import Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.directory import Directory

from kpi.domain.assessment import TermsUsed, assessment_event
from kpi.domain.ledger import ParkLedger
from kpi.domain.periods import Period
from kpi.domain.scoring import Scorecard, scorecard
from kpi.domain.terms import ParkTerms
from kpi.projections import Projections


@dataclass(frozen=True)
class Ranked:
    rank: int
    card: Scorecard


class TermsMemory:
    """Every park's terms: folded from `KpiTermsChanged` as any replica recorded them, a copy of this
    replica's own change as soon as it is stored (its event, folded later, then changes nothing), and the
    stored terms read at start-up (the terms with more changes win)."""

    def __init__(self) -> None:
        self._terms: dict[str, ParkTerms] = {}

    def load(self, stored: Iterable[ParkTerms]) -> None:
        """Every park's stored terms (at start-up; terms stored before they were events are only there)."""
        for terms in stored:
            self.put(terms)

    def fold(self, event: KpiTermsChanged) -> None:
        """A change of terms from kpi's topic (one folded before, or put already, changes nothing)."""
        terms = self._terms.get(event.park_id)
        if terms is None:
            terms = self._terms[event.park_id] = ParkTerms(event.park_id, event.group_id)
        terms.fold(event)

    def state(self) -> dict[str, ParkTerms]:
        """What a snapshot keeps (`kpi.view`)."""
        return self._terms

    def restore(self, state: dict[str, ParkTerms]) -> None:
        self._terms = state

    def put(self, terms: ParkTerms) -> None:
        """Terms as just stored; never older ones (each change records one more entry) over newer."""
        current = self._terms.get(terms.park_id)
        if (
            current is None
            or current.group_id != terms.group_id
            or len(current.changes) <= len(terms.changes)
        ):
            self._terms[terms.park_id] = terms

    def get(self, park_id: str, group_id: str) -> ParkTerms:
        """The group's terms of the park; terms another group stored under the park id count as absent."""
        terms = self._terms.get(park_id)
        return terms if terms is not None and terms.group_id == group_id else ParkTerms(park_id, group_id)


class Scorecards:
    def __init__(self, projections: Projections, terms: TermsMemory, directory: Directory) -> None:
        self.projections = projections
        self.terms = terms
        self._directory = directory
        self._cache: dict[tuple[str, str, str], tuple[int, int, Scorecard]] = {}

    def ledger(self, access: ParkAccess) -> ParkLedger:
        """The park's facts as its owner's services reported them (the access layer decided the owner)."""
        return self.projections.ledger(access.park_id, access.group_id)

    def card(self, ledger: ParkLedger, period: Period) -> Scorecard:
        terms = self.terms.get(ledger.park_id, ledger.group_id)
        key = (ledger.group_id, ledger.park_id, period.label)
        cached = self._cache.get(key)
        if cached and cached[0] == ledger.version and cached[1] == len(terms.changes):
            return cached[2]
        card = scorecard(ledger, period, terms.targets(ledger.park_type))
        self._cache[key] = (ledger.version, len(terms.changes), card)
        return card

    def trend(self, ledger: ParkLedger, period: Period, periods: int = 4) -> list[Scorecard]:
        """This period's scorecard and those of the periods before it, oldest first."""
        cards = []
        for _ in range(periods):
            cards.append(self.card(ledger, period))
            period = period.previous()
        return cards[::-1]

    def assessment(
        self,
        ledger: ParkLedger,
        period: Period,
        at: datetime,
        used: TermsUsed | None = None,
        by: str | None = None,
    ) -> Event:
        """The operator's assessment of the period from the facts known now, under the park's terms of
        today (422 without an agreement) or under the terms `used` by a published one."""
        if used is not None:
            return assessment_event(scorecard(ledger, period, used[0]), *used, at, by)
        terms = self.terms.get(ledger.park_id, ledger.group_id)
        if terms.agreement is None:
            raise Unprocessable(f"park {ledger.park_id} has no operator agreement")
        targets = terms.targets(ledger.park_type)
        return assessment_event(self.card(ledger, period), targets, terms.agreement, at, by)

    async def portfolio(self, group_id: str, period: Period) -> list[Ranked]:
        """The group's parks, best overall score first (unscored last): those the directory says it owns."""
        cards = []
        for ledger in self.projections.ledgers_of(group_id):
            park = await self._directory.park(ledger.park_id)
            if park is not None and park.group_id == group_id:
                cards.append(self.card(ledger, period))
        cards.sort(key=lambda c: (c.overall is None, -(c.overall or 0), c.park_id))
        return [Ranked(i + 1, card) for i, card in enumerate(cards)]
