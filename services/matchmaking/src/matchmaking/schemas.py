"""HTTP request and response schemas (input and output kept separate)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import Path, Query
from parkops_contracts.events.matchmaking import MatchKind, ScoreComponent
from parkops_kernel.bounds import MAX_MONEY, BusinessDate, ClientId, Code, Money, Name, PositiveMoney, Text
from pydantic import BaseModel, ConfigDict, Field

from matchmaking.domain.proposal import Status

Description = Annotated[Text, Field(description="Chinese or English.")]
SegmentId = Annotated[
    str, Field(pattern=r"^[a-z0-9_]{1,50}\.[a-z0-9_]{1,50}$", description="`chain.segment`")
]
Certifications = Annotated[list[Code], Field(max_length=50)]
Amount = Annotated[float, Field(ge=0, le=float(MAX_MONEY), allow_inf_nan=False)]
"""A monthly capacity or volume in the item's own unit: at most 10^12."""
Weight = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
PathId = Annotated[str, Path(max_length=200)]
TopK = Annotated[int, Query(ge=1, le=50, description="How many proposals.")]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OfferingIn(Input):
    offering_id: ClientId | None = Field(
        default=None, description="Kept when given (it names the offering only within its enterprise)."
    )
    text: Description
    segment: SegmentId | None = Field(default=None, description="A segment of the group's chain map.")
    capacity: Amount = Field(default=0, description="What it can deliver per month.")
    certifications: Certifications = []
    kind: MatchKind = MatchKind.SUPPLY


class NeedIn(Input):
    need_id: ClientId | None = Field(
        default=None, description="Kept when given (it names the need only within its enterprise)."
    )
    text: Description
    segment: SegmentId | None = Field(default=None, description="The chain segment it buys from, if known.")
    volume: Amount = Field(default=0, description="What it buys per month.")
    required_certifications: Certifications = []
    deadline: BusinessDate | None = None
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
    enterprise_id: ClientId | None = Field(default=None, description="Staff: the side they answer for.")


class DealCreate(Input):
    value_cny: PositiveMoney
    estimated_saving_cny: Money


class MeetingCreate(Input):
    title: Name
    held_on: BusinessDate
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
    tenant_id: ClientId


class SegmentIO(Input):
    segment_id: SegmentId
    name_zh: Annotated[Name, Field(max_length=100)]
    name_en: Annotated[Name, Field(max_length=100)]


class EdgeIO(Input):
    upstream: SegmentId
    downstream: SegmentId


class ChainMapIO(Input):
    segments: list[SegmentIO] = Field(min_length=1, max_length=500)
    edges: list[EdgeIO] = Field(default=[], max_length=5000)


class WeightsIO(Input):
    chain: Weight
    text: Weight
    certifications: Weight
    capacity: Weight
    proximity: Weight
    anchor: Weight
    declined_penalty: Weight


class SettingsIO(Input):
    weights: WeightsIO
    group_wide: bool
