"""A match proposal: both sides accept (MatchAccepted) or one declines (MatchDeclined); an accepted
match may become a deal (DealClosed)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from parkops_contracts.base import Event
from parkops_contracts.events.matchmaking import (
    DealClosed,
    MatchAccepted,
    MatchDeclined,
    MatchKind,
    MatchmakingEvent,
    MatchProposed,
    ScoreComponent,
)
from parkops_kernel.errors import Conflict, NotFound, Unprocessable

from matchmaking.domain.profiles import Enterprise, ItemKey, item_key
from matchmaking.domain.scoring import Scored

HUNDREDTH = Decimal("0.01")


def saving_percent(value_cny: Decimal, saving_cny: Decimal) -> Decimal:
    """The buyer's purchasing cost cut, in % of what it paid before the deal: the saving ÷ (the deal's
    value + the saving) x 100, rounded half-up to 2 decimals (a deal of 85 saving 15 cut cost 15.00%)."""
    return (saving_cny * 100 / (value_cny + saving_cny)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def agreed_saving_percent(value_cny: Decimal, saving_cny: Decimal, agreed: Decimal | None) -> Decimal:
    """The % the parties agreed, else the rule above. An agreed % must say what the amount says: 0 for no
    saving, above 0 (and below 100: the buyer still pays) for a saving."""
    if agreed is None:
        return saving_percent(value_cny, saving_cny)
    if not Decimal(0) <= agreed < 100 or (agreed == 0) != (saving_cny == 0):
        raise Unprocessable(
            f"saving_percent {agreed} does not fit a saving of {saving_cny} CNY "
            "(0 for no saving; above 0 and below 100 for a saving)",
            field="saving_percent",
        )
    return agreed


PairKey = tuple[ItemKey, ItemKey]
"""(the buyer's need, the supplier's offering), each named with its owner."""


def pair_of(scored: Scored, buyer: Enterprise) -> PairKey:
    return item_key(buyer, scored.need.need_id), item_key(scored.supplier, scored.offering.offering_id)


class Status(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DEAL_CLOSED = "deal_closed"


def to_the_millisecond(at: datetime) -> datetime:
    """The store keeps times to the millisecond: a time kept finer would read differently on the replica
    that wrote it (from memory) than on the others (from the store)."""
    return at.replace(microsecond=at.microsecond - at.microsecond % 1000)


@dataclass
class Proposal:
    proposal_id: str
    group_id: str
    kind: MatchKind
    need_id: str
    buyer_id: str
    buyer_park_id: str
    offering_id: str
    supplier_id: str
    supplier_park_id: str
    score: float
    breakdown: list[ScoreComponent]
    proposed_at: datetime
    meeting_id: str | None = None
    status: Status = Status.PROPOSED
    accepted_by: list[str] = field(default_factory=list)
    declined_by: str | None = None
    deal_value_cny: Decimal | None = None
    estimated_saving_cny: Decimal | None = None
    saving_percent: Decimal | None = None
    closed_at: datetime | None = None
    """When the deal closed (DealClosed's `closed_at`); none for a deal closed before it was kept."""
    events: list[Event] = field(default_factory=list)

    @classmethod
    def propose(
        cls, proposal_id: str, scored: Scored, buyer: Enterprise, at: datetime, meeting_id: str | None = None
    ) -> "Proposal":
        """Record a scored pair as a proposal (MatchProposed), its score breakdown kept with it. The time
        is kept to the millisecond (`to_the_millisecond`)."""
        at = to_the_millisecond(at)
        breakdown = [
            ScoreComponent(name=c.name, value=c.value, weight=c.weight, reason=c.reason)
            for c in scored.components
        ]
        supplier = scored.supplier
        proposal = cls(
            proposal_id,
            buyer.group_id,
            scored.need.kind,
            scored.need.need_id,
            buyer.enterprise_id,
            buyer.park_id,
            scored.offering.offering_id,
            supplier.enterprise_id,
            supplier.park_id,
            scored.score,
            breakdown,
            at,
            meeting_id,
        )
        proposal._record(MatchProposed, proposed_at=at)
        return proposal

    @property
    def pair(self) -> PairKey:
        buyer = (self.group_id, self.buyer_park_id, self.buyer_id, self.need_id)
        return buyer, (self.group_id, self.supplier_park_id, self.supplier_id, self.offering_id)

    def involves(self, enterprise_id: str) -> bool:
        return enterprise_id in (self.buyer_id, self.supplier_id)

    def has_side_in(self, park_id: str) -> bool:
        return park_id in (self.buyer_park_id, self.supplier_park_id)

    def is_side(self, park_id: str, enterprise_id: str) -> bool:
        """Whether this enterprise of this park is the buyer or the supplier."""
        return (park_id, enterprise_id) in (
            (self.buyer_park_id, self.buyer_id),
            (self.supplier_park_id, self.supplier_id),
        )

    def counterpart(self, enterprise_id: str) -> str:
        return self.supplier_id if enterprise_id == self.buyer_id else self.buyer_id

    def park_of(self, enterprise_id: str) -> str:
        if enterprise_id == self.buyer_id:
            return self.buyer_park_id
        if enterprise_id == self.supplier_id:
            return self.supplier_park_id
        raise NotFound(f"enterprise {enterprise_id} is not a side of proposal {self.proposal_id}")

    def accept(self, by: str, at: datetime) -> None:
        """One side accepts; when both have, the match is accepted (MatchAccepted)."""
        self._require_side_and_status(by, Status.PROPOSED, "it cannot be accepted")
        if by in self.accepted_by:
            raise Conflict(f"{by} already accepted proposal {self.proposal_id}")
        self.accepted_by.append(by)
        if {self.buyer_id, self.supplier_id} <= set(self.accepted_by):
            self.status = Status.ACCEPTED
            self._record(MatchAccepted, accepted_at=at)

    def decline(self, by: str, at: datetime) -> None:
        """Either side declines while the proposal is open (MatchDeclined)."""
        self._require_side_and_status(by, Status.PROPOSED, "it cannot be declined")
        self.status, self.declined_by = Status.DECLINED, by
        self._record(MatchDeclined, declined_at=at)

    def close_deal(
        self,
        value_cny: Decimal,
        estimated_saving_cny: Decimal,
        at: datetime,
        agreed_percent: Decimal | None = None,
    ) -> None:
        """Record the deal an accepted match led to, with the saving the parties agreed: amount and %
        (DealClosed)."""
        self._require_status(Status.ACCEPTED, "only an accepted one closes")
        if value_cny <= 0:
            raise Unprocessable("value_cny: must be positive")
        if estimated_saving_cny < 0:
            raise Unprocessable("estimated_saving_cny: must not be negative")
        percent = agreed_saving_percent(value_cny, estimated_saving_cny, agreed_percent)
        self.status = Status.DEAL_CLOSED
        self.deal_value_cny, self.estimated_saving_cny = value_cny, estimated_saving_cny
        self.saving_percent, self.closed_at = percent, to_the_millisecond(at)
        self._record(DealClosed, value_cny=value_cny, closed_at=self.closed_at)

    def _require_side_and_status(self, by: str, status: Status, otherwise: str) -> None:
        self.park_of(by)  # 404 unless `by` is a side
        self._require_status(status, otherwise)

    def _require_status(self, status: Status, otherwise: str) -> None:
        if self.status is not status:
            raise Conflict(f"proposal {self.proposal_id} is {self.status.value}; {otherwise}")

    def _record(self, event: type[MatchmakingEvent], **facts: object) -> None:
        """Record an event about this proposal, in the buyer's park: each field the event shares a name
        with the proposal (proposal_id, kind, buyer_id, supplier_park_id, meeting_id...) is the
        proposal's, `facts` give the others."""
        shared = {name: getattr(self, name) for name in event.model_fields if hasattr(self, name)}
        self.events.append(event.model_validate({**shared, "park_id": self.buyer_park_id, **facts}))
