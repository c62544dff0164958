"""HTTP request and response schemas (input and output kept separate). Requests turn into the
domain's command objects here (`.command(...)`); no domain type is a field of a schema."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from fastapi import Path, Query
from parkops_contracts.events.matchmaking import MatchKind, ScoreComponent
from parkops_kernel.bounds import MAX_MONEY, BusinessDate, ClientId, Code, Money, Name, PositiveMoney, Text
from parkops_kernel.jobs import JobState
from pydantic import BaseModel, ConfigDict, Field

from matchmaking.domain import commands as cmd
from matchmaking.domain.chain import Segment
from matchmaking.domain.scoring import Weights

Description = Annotated[Text, Field(description="Chinese or English.")]
SegmentId = Annotated[
    str, Field(pattern=r"^[a-z0-9_]{1,50}\.[a-z0-9_]{1,50}$", description="`chain.segment`")
]
Certifications = Annotated[list[Code], Field(max_length=50)]
Amount = Annotated[float, Field(ge=0, le=float(MAX_MONEY), allow_inf_nan=False)]
"""A monthly capacity or volume in the item's own unit: at most 10^12."""
SavingPercent = Annotated[Decimal, Field(ge=0, lt=100, decimal_places=2, allow_inf_nan=False)]
"""A purchasing cost cut in %: at least 0, below 100 (the buyer still pays), at most 2 decimals."""
Weight = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
PathId = Annotated[str, Path(max_length=200)]
TopK = Annotated[int, Query(ge=1, le=50, description="How many proposals.")]


class Status(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DEAL_CLOSED = "deal_closed"


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

    def declared(self) -> cmd.DeclaredOffering:
        held = tuple(self.certifications)
        return cmd.DeclaredOffering(self.offering_id, self.text, self.segment, self.capacity, held, self.kind)


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

    def declared(self) -> cmd.DeclaredNeed:
        required = tuple(self.required_certifications)
        return cmd.DeclaredNeed(
            self.need_id, self.text, self.segment, self.volume, required, self.deadline, self.kind
        )


class ProfileUpdate(Input):
    offerings: list[OfferingIn] = Field(default=[], max_length=200)
    needs: list[NeedIn] = Field(default=[], max_length=200)
    anchor: bool | None = Field(default=None, description="Operators only: an anchor firm.")

    def command(self, tenant_id: str) -> cmd.DeclareProfile:
        offerings = tuple(o.declared() for o in self.offerings)
        return cmd.DeclareProfile(tenant_id, offerings, tuple(n.declared() for n in self.needs), self.anchor)


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
    saving_percent: Decimal | None = Field(description="The buyer's purchasing cost cut, % (2 decimals).")
    proposed_at: datetime
    closed_at: datetime | None = Field(
        default=None,
        description="When the deal closed (none before it closed, or for a deal closed before it was kept).",
    )


class MatchPublic(BaseModel):
    """One of a need's best offerings, as the ranking scores it now (nothing is proposed or stored)."""

    kind: MatchKind
    need_id: str
    offering_id: str
    supplier_id: str
    supplier_park_id: str
    score: float
    breakdown: list[ScoreComponent]


def proposals_for(tenant_id: str, need_id: str, k: int) -> cmd.ProposeForNeed:
    """The request for the k best proposals for one need (its terms are all in the path and query)."""
    return cmd.ProposeForNeed(tenant_id, need_id, k)


class Answer(Input):
    enterprise_id: ClientId | None = Field(default=None, description="Staff: the side they answer for.")

    def command(self, proposal_id: str) -> cmd.AnswerProposal:
        return cmd.AnswerProposal(proposal_id, self.enterprise_id)


class DealCreate(Input):
    value_cny: PositiveMoney
    estimated_saving_cny: Money
    saving_percent: SavingPercent | None = Field(
        default=None,
        description="The purchasing cost cut the parties agreed, % of what the buyer paid before "
        "(default: saving ÷ (value + saving) x 100, rounded half-up to 2 decimals).",
    )

    def command(self, proposal_id: str) -> cmd.CloseDeal:
        return cmd.CloseDeal(proposal_id, self.value_cny, self.estimated_saving_cny, self.saving_percent)


class MeetingCreate(Input):
    title: Name
    held_on: BusinessDate
    top_k: int = Field(default=5, ge=1, le=50, description="Proposals per need.")

    def command(self) -> cmd.PlanMeeting:
        return cmd.PlanMeeting(self.title, self.held_on, self.top_k)


class MeetingPublic(BaseModel):
    meeting_id: str
    park_id: str
    title: str
    held_on: date
    participants: dict[str, str]
    proposal_ids: list[str]
    attended: list[str]


class MeetingBatchPublic(BaseModel):
    """A meeting planned as a job (`Prefer: respond-async`): read it again at
    `/parks/{park_id}/meeting-batches/{meeting_id}` from any replica until it has finished; the meeting
    is then at `/parks/{park_id}/meetings/{meeting_id}`."""

    meeting_id: str = Field(description="The meeting it plans; from the Idempotency-Key when one is sent.")
    park_id: str
    title: str
    held_on: date
    state: JobState = Field(description="queued, running, succeeded or failed.")
    done: int = Field(description="Open needs ranked so far.")
    total: int = Field(description="Open needs of the park when the batch started (0 while queued).")
    proposals: int = Field(description="Proposals of the meeting written so far.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime = Field(description="Last progress; a running batch silent for 60 s is taken over.")
    error: str | None = Field(description="Why it failed; starting it again (same key) retries it.")


class AttendanceCreate(Input):
    tenant_id: ClientId

    def command(self, meeting_id: str) -> cmd.RecordAttendance:
        return cmd.RecordAttendance(meeting_id, self.tenant_id)


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

    def command(self) -> cmd.EditChainMap:
        segments = tuple(Segment(s.segment_id, s.name_zh, s.name_en) for s in self.segments)
        return cmd.EditChainMap(segments, tuple((e.upstream, e.downstream) for e in self.edges))


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

    def command(self) -> cmd.ConfigureMatching:
        return cmd.ConfigureMatching(Weights(**self.weights.model_dump()), self.group_wide)
