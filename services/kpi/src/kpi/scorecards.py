"""Scorecards of parks, computed from the in-memory ledgers and terms, cached per park and period.

A cached scorecard is reused while neither the park's ledger (its version counts the facts applied)
nor its terms changed, which keeps a group portfolio of many parks a matter of dictionary lookups."""

from dataclasses import dataclass

from parkops_runtime.auth import Principal, Role
from parkops_runtime.errors import NotFound

from kpi.domain.ledger import ParkLedger
from kpi.domain.periods import Period
from kpi.domain.scoring import Scorecard, scorecard
from kpi.projections import Projections
from kpi.terms_store import TermsStore

KPI_READERS = (Role.GROUP_ADMIN, Role.AUDITOR, Role.PARK_OPERATOR)


@dataclass(frozen=True)
class Ranked:
    rank: int
    card: Scorecard


class Scorecards:
    def __init__(self, projections: Projections, terms: TermsStore) -> None:
        self.projections = projections
        self.terms = terms
        self._cache: dict[tuple[str, str], tuple[int, int, Scorecard]] = {}

    def ledger(self, park_id: str, who: Principal) -> ParkLedger:
        """The park's ledger if the caller may read its KPIs (404 otherwise; tenant users: 403, a park's
        KPIs aggregate other enterprises)."""
        who.require_role(*KPI_READERS)
        ledger = self.projections.ledger(park_id)
        if ledger is None:
            raise NotFound(f"park {park_id} not found")
        who.require_park(ledger.group_id, park_id)
        return ledger

    def card(self, ledger: ParkLedger, period: Period) -> Scorecard:
        terms = self.terms.get(ledger.park_id, ledger.group_id)
        key = (ledger.park_id, period.label)
        cached = self._cache.get(key)
        if cached and cached[0] == ledger.version and cached[1] == len(terms.changes):
            return cached[2]
        card = scorecard(ledger, period, terms.targets(ledger.park_type), terms.operating_cost(period))
        self._cache[key] = (ledger.version, len(terms.changes), card)
        return card

    def trend(self, ledger: ParkLedger, period: Period, periods: int = 4) -> list[Scorecard]:
        """This period's scorecard and those of the periods before it, oldest first."""
        cards = []
        for _ in range(periods):
            cards.append(self.card(ledger, period))
            period = period.previous()
        return cards[::-1]

    def portfolio(self, group_id: str, period: Period, who: Principal) -> list[Ranked]:
        """The group's parks the caller sees, best overall score first (unscored last)."""
        who.require_role(*KPI_READERS)
        if group_id != who.group_id:
            raise NotFound(f"group {group_id} not found")
        cards = [
            self.card(ledger, period)
            for ledger in self.projections.ledgers()
            if ledger.group_id == group_id and who.sees_park(group_id, ledger.park_id)
        ]
        cards.sort(key=lambda c: (c.overall is None, -(c.overall or 0), c.park_id))
        return [Ranked(i + 1, card) for i, card in enumerate(cards)]
