"""Aggregates <-> store documents. Plain dictionaries of JSON-like values (dates as ISO strings;
no nested arrays, which FerretDB 1.x refuses; ids are values, never field names)."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from parkops_contracts.events.matchmaking import MatchKind, ScoreComponent

from matchmaking.domain.chain import IndustryChainMap, Segment
from matchmaking.domain.group import GroupConfig
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.profiles import Enterprise, Need, Offering, Profile
from matchmaking.domain.proposal import Proposal, Status
from matchmaking.domain.scoring import Weights

Doc = dict[str, Any]


def profile_doc(profile: Profile) -> Doc:
    return {
        "enterprise": asdict(profile.enterprise),
        "offerings": [{**asdict(o), "certifications": sorted(o.certifications)} for o in profile.offerings],
        "needs": [
            {
                **asdict(n),
                "required_certifications": sorted(n.required_certifications),
                "deadline": n.deadline.isoformat() if n.deadline else None,
            }
            for n in profile.needs
        ],
    }


def profile_of(doc: Doc) -> Profile:
    offerings = [
        Offering(**{**o, "certifications": frozenset(o["certifications"]), "kind": MatchKind(o["kind"])})
        for o in doc["offerings"]
    ]
    needs = [
        Need(
            **{
                **n,
                "required_certifications": frozenset(n["required_certifications"]),
                "deadline": date.fromisoformat(n["deadline"]) if n["deadline"] else None,
                "kind": MatchKind(n["kind"]),
            }
        )
        for n in doc["needs"]
    ]
    return Profile(Enterprise(**doc["enterprise"]), offerings, needs, doc["_version"])


def group_doc(config: GroupConfig) -> Doc:
    return {
        "segments": [asdict(s) for s in config.chain.segments.values()],
        "edges": [{"upstream": u, "downstream": d} for u, d in sorted(config.chain.edges)],
        "weights": asdict(config.weights),
        "group_wide": config.group_wide,
    }


def group_of(doc: Doc) -> GroupConfig:
    chain = IndustryChainMap.of(
        [Segment(**s) for s in doc["segments"]], [(e["upstream"], e["downstream"]) for e in doc["edges"]]
    )
    return GroupConfig(doc["_id"], chain, Weights(**doc["weights"]), doc["group_wide"], doc["_version"])


def proposal_doc(p: Proposal) -> Doc:
    doc = {k: v for k, v in asdict(p).items() if k not in ("events", "version", "proposal_id")}
    doc["breakdown"] = [c.model_dump() for c in p.breakdown]
    for money in ("deal_value_cny", "estimated_saving_cny"):
        doc[money] = str(doc[money]) if doc[money] is not None else None
    return doc


def proposal_of(doc: Doc) -> Proposal:
    fields = {k: v for k, v in doc.items() if not k.startswith("_")}
    fields["breakdown"] = [ScoreComponent(**c) for c in doc["breakdown"]]
    fields["kind"], fields["status"] = MatchKind(doc["kind"]), Status(doc["status"])
    for money in ("deal_value_cny", "estimated_saving_cny"):
        fields[money] = Decimal(doc[money]) if doc[money] is not None else None
    return Proposal(proposal_id=doc["_id"], version=doc["_version"], **fields)


def meeting_doc(m: Meeting) -> Doc:
    doc = {k: v for k, v in asdict(m).items() if k not in ("events", "version", "meeting_id")}
    doc["held_on"] = m.held_on.isoformat()
    doc["participants"] = [{"tenant_id": t, "park_id": p} for t, p in m.participants.items()]
    return doc


def meeting_of(doc: Doc) -> Meeting:
    fields = {k: v for k, v in doc.items() if not k.startswith("_")}
    fields["held_on"] = date.fromisoformat(doc["held_on"])
    fields["participants"] = {p["tenant_id"]: p["park_id"] for p in doc["participants"]}
    return Meeting(meeting_id=doc["_id"], version=doc["_version"], **fields)
