"""Events published by the matchmaking service (supply-chain, financing and technology matching).

`park_id` is the park of the enterprise the fact is about first: the buyer for proposals and deals,
the attendee for meeting attendance (who is charged the meeting fee)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from parkops_contracts.base import Event


class MatchKind(StrEnum):
    SUPPLY = "supply"
    FINANCING = "financing"
    TECHNOLOGY = "technology"


class ScoreComponent(BaseModel):
    """One named part of a proposal's score: value in [0, 1] (or -1 for a penalty) x weight."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: float
    weight: float
    reason: str


class MatchmakingEvent(Event):
    SERVICE: ClassVar[str] = "matchmaking"


class ProposalEvent(MatchmakingEvent):
    KEY_FIELD: ClassVar[str] = "proposal_id"  # one proposal's facts stay in order

    proposal_id: str


class MatchProposed(ProposalEvent):
    """A supplier's offering was proposed for a buyer's need, on demand or for a matchmaking meeting."""

    kind: MatchKind
    need_id: str
    buyer_id: str = Field(description="Tenant id of the enterprise with the need.")
    offering_id: str
    supplier_id: str = Field(description="Tenant id of the enterprise with the offering.")
    supplier_park_id: str
    score: float
    breakdown: list[ScoreComponent]
    meeting_id: str | None = None
    proposed_at: datetime


class AcceptedMatchEvent(ProposalEvent):
    """A fact about a proposal both sides accepted: which proposal, of which kind, between whom."""

    kind: MatchKind
    buyer_id: str
    supplier_id: str
    supplier_park_id: str


class MatchAccepted(AcceptedMatchEvent):
    """Both the buyer and the supplier accepted a proposal."""

    meeting_id: str | None = None
    accepted_at: datetime


class MatchDeclined(ProposalEvent):
    """One side declined a proposal; the pair is penalised in later rankings."""

    buyer_id: str
    supplier_id: str
    declined_by: str = Field(description="Tenant id of the side that declined.")
    declined_at: datetime


class DealClosed(AcceptedMatchEvent):
    """An accepted match became a deal, with its value and the buyer's estimated purchasing saving."""

    value_cny: Decimal = Field(gt=0)
    estimated_saving_cny: Decimal = Field(ge=0)
    saving_percent: Decimal | None = Field(
        default=None, ge=0, le=100, description="The buyer's purchasing cost cut, % of what it paid before."
    )
    closed_at: datetime


class MatchmakingMeetingAttended(MatchmakingEvent):
    """An enterprise attended a matchmaking meeting; finance charges the per-event meeting fee on it."""

    KEY_FIELD: ClassVar[str] = "meeting_id"

    meeting_id: str
    meeting_park_id: str = Field(description="The park that organised the meeting.")
    tenant_id: str
    meeting_date: date
    attended_at: datetime


class ProfileOffering(BaseModel):
    """One offering of an enterprise's profile, as declared."""

    model_config = ConfigDict(frozen=True)

    offering_id: str
    text: str
    segment: str | None = None
    capacity: float = 0.0
    certifications: list[str] = Field(default_factory=list)
    kind: MatchKind = MatchKind.SUPPLY


class ProfileNeed(BaseModel):
    """One need of an enterprise's profile, as declared."""

    model_config = ConfigDict(frozen=True)

    need_id: str
    text: str
    segment: str | None = None
    volume: float = 0.0
    required_certifications: list[str] = Field(default_factory=list)
    deadline: date | None = None
    kind: MatchKind = MatchKind.SUPPLY


class ProfileChanged(MatchmakingEvent):
    """An enterprise's matchmaking profile was created (from leasing's onboarding), declared, marked as an
    anchor firm or retired; the event carries the whole profile after the change, so every replica of
    matchmaking (and a rebuild from the topics alone) ranks over the same offerings and needs."""

    KEY_FIELD: ClassVar[str] = "tenant_id"

    tenant_id: str
    name: str
    segment: str | None = Field(default=None, description="The enterprise's own chain segment.")
    anchor: bool = False
    active: bool = Field(default=True, description="False once retired: it takes no part in new matches.")
    offerings: list[ProfileOffering] = Field(default_factory=list)
    needs: list[ProfileNeed] = Field(default_factory=list)
    changed_at: datetime


PUBLISHED: tuple[type[Event], ...] = (
    MatchProposed,
    MatchAccepted,
    MatchDeclined,
    DealClosed,
    MatchmakingMeetingAttended,
    ProfileChanged,
)
