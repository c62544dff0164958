"""HTTP request and response schemas (input and output kept separate)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from parkops_contracts.events.matchmaking import MatchKind, ScoreComponent
from pydantic import BaseModel, ConfigDict, Field

from matchmaking.domain.proposal import Status

Text = Annotated[str, Field(min_length=1, max_length=2000, description="Chinese or English.")]
ItemId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Certifications = Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=50)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OfferingIn(Input):
    offering_id: ItemId | None = Field(default=None, description="Kept when given; generated otherwise.")
    text: Text
    segment: str | None = Field(default=None, description="A segment of the group's chain map.")
    capacity: float = Field(default=0, ge=0, description="What it can deliver per month.")
    certifications: Certifications = []
    kind: MatchKind = MatchKind.SUPPLY


class NeedIn(Input):
    need_id: ItemId | None = Field(default=None, description="Kept when given; generated otherwise.")
    text: Text
    segment: str | None = Field(default=None, description="The chain segment it buys from, if known.")
    volume: float = Field(default=0, ge=0, description="What it buys per month.")
    required_certifications: Certifications = []
    deadline: date | None = None
    kind: MatchKind = MatchKind.SUPPLY


class ProfileUpdate(Input):
    offerings: list[OfferingIn] = Field(default=[], max_length=200)
    needs: list[NeedIn] = Field(default=[], max_length=200)
    anchor: bool | None = Field(default=None, description="Operators only: an anchor firm.")


class OfferingPublic(BaseModel):
    offering_id: str
    text: str
    segment: str | None
    capacity: float
    certifications: list[str]
    kind: MatchKind


class NeedPublic(BaseModel):
    need_id: str
    text: str
    segment: str | None
    volume: float
    required_certifications: list[str]
    deadline: date | None
    kind: MatchKind


class ProfilePublic(BaseModel):
    tenant_id: str
    park_id: str
    group_id: str
    name: str
    segment: str | None
    anchor: bool
    active: bool
    offerings: list[OfferingPublic]
    needs: list[NeedPublic]


class ProposalPublic(BaseModel):
    proposal_id: str
    kind: MatchKind
    status: Status
    need_id: str
    buyer_id: str
    buyer_park_id: str
    offering_id: str
    supplier_id: str
    supplier_park_id: str
    score: float
    breakdown: list[ScoreComponent]
    meeting_id: str | None
    accepted_by: list[str]
    declined_by: str | None
    deal_value_cny: Decimal | None
    estimated_saving_cny: Decimal | None
    proposed_at: datetime


class Answer(Input):
    enterprise_id: str | None = Field(default=None, description="Operators: the side they answer for.")


class DealCreate(Input):
    value_cny: Decimal = Field(gt=0, max_digits=16, decimal_places=2)
    estimated_saving_cny: Decimal = Field(ge=0, max_digits=16, decimal_places=2)


class MeetingCreate(Input):
    title: str = Field(min_length=1, max_length=200)
    held_on: date
    top_k: int = Field(default=5, ge=1, le=50, description="Proposals per need.")


class MeetingPublic(BaseModel):
    meeting_id: str
    park_id: str
    title: str
    held_on: date
    participants: dict[str, str]
    proposal_ids: list[str]
    attended: list[str]


class AttendanceCreate(Input):
    tenant_id: str = Field(min_length=1)


class SegmentIO(Input):
    segment_id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$", description="`chain.segment`")
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)


class EdgeIO(Input):
    upstream: str
    downstream: str


class ChainMapIO(Input):
    segments: list[SegmentIO] = Field(min_length=1, max_length=500)
    edges: list[EdgeIO] = Field(default=[], max_length=5000)


class WeightsIO(Input):
    chain: float = Field(ge=0, le=1)
    text: float = Field(ge=0, le=1)
    certifications: float = Field(ge=0, le=1)
    capacity: float = Field(ge=0, le=1)
    proximity: float = Field(ge=0, le=1)
    anchor: float = Field(ge=0, le=1)
    declined_penalty: float = Field(ge=0, le=1)


class SettingsIO(Input):
    weights: WeightsIO
    group_wide: bool
