"""The codecs (aggregate <-> document) the runtime's AggregateStore writes matchmaking's aggregates with,
one collection each, and the wiring: nothing else knows the store.

Documents are plain dictionaries of JSON-like values (dates as ISO strings; no nested arrays; ids are
values, never field names); the store adds `_id`, `_version` and the idempotency keys."""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from parkops_contracts.base import Event
from parkops_contracts.events.matchmaking import MatchKind, ScoreComponent
from parkops_runtime.aggregates import AggregateStore, Codec, PlainCodec
from parkops_runtime.clock import Clock
from parkops_runtime.directory import Directory, StoredDirectory
from parkops_runtime.mongo import state_of
from parkops_runtime.service import ServiceRuntime

from matchmaking.domain.chain import IndustryChainMap, Segment
from matchmaking.domain.group import GroupConfig
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.meeting_batch import MeetingBatch
from matchmaking.domain.profiles import Enterprise, Need, Offering, Profile
from matchmaking.domain.proposal import Proposal, Status
from matchmaking.domain.scoring import Weights
from matchmaking.service import GroupKnown, Stores

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
    return Profile(Enterprise(**doc["enterprise"]), offerings, needs)


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
    return GroupConfig(doc["_id"], chain, Weights(**doc["weights"]), doc["group_wide"])


DECIMALS = ("deal_value_cny", "estimated_saving_cny", "saving_percent")
"""A proposal's decimals, stored as strings (a deal closed before the saving % was kept has none)."""


def proposal_doc(p: Proposal) -> Doc:
    doc = {k: v for k, v in asdict(p).items() if k not in ("events", "proposal_id")}
    doc["breakdown"] = [c.model_dump() for c in p.breakdown]
    for money in DECIMALS:
        doc[money] = str(doc[money]) if doc[money] is not None else None
    return doc


def proposal_of(doc: Doc) -> Proposal:
    fields = state_of(doc)
    fields["breakdown"] = [ScoreComponent(**c) for c in doc["breakdown"]]
    fields["kind"], fields["status"] = MatchKind(doc["kind"]), Status(doc["status"])
    for money in DECIMALS:
        fields[money] = Decimal(doc[money]) if doc.get(money) is not None else None
    return Proposal(proposal_id=doc["_id"], **fields)


def meeting_doc(m: Meeting) -> Doc:
    doc = {k: v for k, v in asdict(m).items() if k not in ("events", "meeting_id")}
    doc["held_on"] = m.held_on.isoformat()
    doc["participants"] = [{"tenant_id": t, "park_id": p} for t, p in m.participants.items()]
    return doc


def meeting_of(doc: Doc) -> Meeting:
    fields = state_of(doc)
    fields["held_on"] = date.fromisoformat(doc["held_on"])
    fields["participants"] = {p["tenant_id"]: p["park_id"] for p in doc["participants"]}
    return Meeting(meeting_id=doc["_id"], **fields)


A = TypeVar("A")


@dataclass(frozen=True)
class DocumentCodec(Generic[A]):
    """A `Codec` made of the functions above."""

    encode: Callable[[A], Doc]
    decode: Callable[[Doc], A]
    take_events: Callable[[A], Sequence[Event]]


def no_events(_: object) -> Sequence[Event]:
    """Group configurations record no events (every replica reads them from the store)."""
    return ()


def recorded(aggregate: Profile | Proposal | Meeting) -> Sequence[Event]:
    """The events a profile, a proposal or a meeting recorded since it was loaded, handed over once."""
    events, aggregate.events = aggregate.events, []
    return events


PROFILES = DocumentCodec[Profile](profile_doc, profile_of, recorded)
GROUPS = DocumentCodec(group_doc, group_of, no_events)
PROPOSALS = DocumentCodec[Proposal](proposal_doc, proposal_of, recorded)
MEETINGS = DocumentCodec[Meeting](meeting_doc, meeting_of, recorded)


class Collections:
    """The four collections of matchmaking, each written through its AggregateStore; the lists of
    proposals and meetings are read from them too (every replica reads the same documents)."""

    def __init__(self, runtime: ServiceRuntime, clock: Clock) -> None:
        self._runtime, self._clock = runtime, clock
        self.stores = Stores(
            self._store("profiles", PROFILES),
            self._store("groups", GROUPS),
            self._store("proposals", PROPOSALS),
            self._store("meetings", MEETINGS),
        )
        self.batches = AggregateStore(  # meeting batches as jobs (`matchmaking.meeting_batches`)
            runtime.aggregates("meeting_batches"),
            PlainCodec(MeetingBatch),
            runtime.outbound,
            kind="meeting-batch",
            clock=clock,
        )

    async def proposals_in(self, group_id: str, park_id: str) -> list[Proposal]:
        """The group's proposals with a side in the park."""
        sides = [{"buyer_park_id": park_id}, {"supplier_park_id": park_id}]
        return await self._find("proposals", PROPOSALS, {"group_id": group_id, "$or": sides})

    async def proposals(self, proposal_ids: list[str]) -> list[Proposal]:
        if not proposal_ids:
            return []
        return await self._find("proposals", PROPOSALS, {"_id": {"$in": proposal_ids}})

    async def meetings_in(self, group_id: str, park_id: str) -> list[Meeting]:
        return await self._find("meetings", MEETINGS, {"group_id": group_id, "park_id": park_id})

    def _store(self, name: str, codec: Codec[A]) -> AggregateStore[A]:
        return AggregateStore(
            self._runtime.aggregates(name), codec, self._runtime.outbound, kind=name[:-1], clock=self._clock
        )

    async def _find(self, name: str, codec: Codec[A], flt: Doc) -> list[A]:
        cursor = self._runtime.aggregates(name).collection.find(flt)
        return [codec.decode(doc) async for doc in cursor]


def group_known(directory: Directory) -> GroupKnown:
    """A group owns a park the directory knows (each entry, park or tenant, names its group)."""
    assert isinstance(directory, StoredDirectory)

    async def known(group_id: str) -> bool:
        return await directory.collection.find_one({"group_id": group_id}, {"_id": 1}) is not None

    return known
