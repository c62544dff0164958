"""Aggregates -> response schemas: what the service and the queries answer."""

from dataclasses import asdict

from parkops_contracts.events.matchmaking import ScoreComponent

from matchmaking.domain.group import GroupConfig
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.profiles import Profile
from matchmaking.domain.proposal import Proposal
from matchmaking.domain.scoring import Scored
from matchmaking.schemas import (
    ChainMapIO,
    EdgeIO,
    MatchPublic,
    MeetingPublic,
    NeedPublic,
    OfferingPublic,
    ProfilePublic,
    ProposalPublic,
    SegmentIO,
    SettingsIO,
    WeightsIO,
)


def profile_public(profile: Profile) -> ProfilePublic:
    e = profile.enterprise
    return ProfilePublic(
        tenant_id=e.enterprise_id,
        park_id=e.park_id,
        group_id=e.group_id,
        name=e.name,
        segment=e.segment,
        anchor=e.anchor,
        active=e.active,
        offerings=[
            OfferingPublic(**{**asdict(o), "certifications": sorted(o.certifications)})
            for o in profile.offerings
        ],
        needs=[
            NeedPublic(**{**asdict(n), "required_certifications": sorted(n.required_certifications)})
            for n in profile.needs
        ],
    )


def proposal_public(p: Proposal) -> ProposalPublic:
    fields = {k: v for k, v in asdict(p).items() if k not in ("group_id", "events")}
    return ProposalPublic(**{**fields, "breakdown": p.breakdown})


def meeting_public(m: Meeting) -> MeetingPublic:
    fields = {k: v for k, v in asdict(m).items() if k not in ("group_id", "events")}
    return MeetingPublic(**fields)


def chain_public(config: GroupConfig) -> ChainMapIO:
    return ChainMapIO(
        segments=[SegmentIO(**asdict(s)) for s in config.chain.segments.values()],
        edges=[EdgeIO(upstream=u, downstream=d) for u, d in sorted(config.chain.edges)],
    )


def settings_public(config: GroupConfig) -> SettingsIO:
    return SettingsIO(weights=WeightsIO(**asdict(config.weights)), group_wide=config.group_wide)


def match_public(scored: Scored) -> MatchPublic:
    return MatchPublic(
        kind=scored.need.kind,
        need_id=scored.need.need_id,
        offering_id=scored.offering.offering_id,
        supplier_id=scored.supplier.enterprise_id,
        supplier_park_id=scored.supplier.park_id,
        score=scored.score,
        breakdown=[
            ScoreComponent(name=c.name, value=c.value, weight=c.weight, reason=c.reason)
            for c in scored.components
        ],
    )
