"""The explained score of one offering for one need: a weighted sum of named components.

Every component is a value in [0, 1] with the reason it has that value; the score is the sum of
value x weight, less a penalty when the two enterprises declined a proposal before."""

from dataclasses import dataclass

from matchmaking.domain.chain import Adjacency
from matchmaking.domain.profiles import Enterprise, Need, Offering


@dataclass(frozen=True, slots=True)
class Weights:
    """Per park group; the positive weights need not sum to 1 but usually do."""

    chain: float = 0.25
    text: float = 0.30
    certifications: float = 0.15
    capacity: float = 0.15
    proximity: float = 0.10
    anchor: float = 0.05
    declined_penalty: float = 0.30

    @property
    def beyond_text_and_chain(self) -> float:
        """The most the components other than text and chain can add."""
        return self.certifications + self.capacity + self.proximity + self.anchor


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    value: float
    weight: float
    reason: str

    @property
    def contribution(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True, slots=True)
class Scored:
    need: Need
    offering: Offering
    supplier: Enterprise
    score: float
    components: tuple[Component, ...]


def certification_fit(required: frozenset[str], offered: frozenset[str]) -> float:
    if not required:
        return 1.0
    return len(required & offered) / len(required)


def capacity_fit(volume: float, capacity: float) -> float:
    """Full when the capacity covers the volume; a shortfall counts half its covered share."""
    if volume <= 0 or capacity >= volume:
        return 1.0
    return capacity / volume / 2


def proximity(buyer: Enterprise, supplier: Enterprise) -> float:
    return 1.0 if buyer.park_id == supplier.park_id else 0.5


def anchor_bonus(buyer: Enterprise, supplier: Enterprise) -> float:
    return 1.0 if supplier.anchor or buyer.anchor else 0.0


@dataclass(frozen=True, slots=True)
class Pair:
    """An offering of a supplier for a need of a buyer: what one score is about."""

    need: Need
    buyer: Enterprise
    offering: Offering
    supplier: Enterprise


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the chain map, the text index and past declines say of one pair."""

    adjacency: Adjacency
    similarity: float
    shared_terms: list[str]
    declined_before: bool


def total(pair: Pair, weights: Weights, adjacency: float, similarity: float, declined_before: bool) -> float:
    """The score alone (the ranking's fast path); `explain` gives the same figure with its parts."""
    need, offering, buyer, supplier = pair.need, pair.offering, pair.buyer, pair.supplier
    return round(
        weights.chain * adjacency
        + weights.text * similarity
        + weights.certifications * certification_fit(need.required_certifications, offering.certifications)
        + weights.capacity * capacity_fit(need.volume, offering.capacity)
        + weights.proximity * proximity(buyer, supplier)
        + weights.anchor * anchor_bonus(buyer, supplier)
        - (weights.declined_penalty if declined_before else 0.0),
        4,
    )


def explain(pair: Pair, weights: Weights, evidence: Evidence) -> Scored:
    """Score one offering for one need with the components and reasons that make up the figure."""
    need, offering, buyer, supplier = pair.need, pair.offering, pair.buyer, pair.supplier
    adjacency, similarity = evidence.adjacency, evidence.similarity
    required, held, volume = need.required_certifications, offering.certifications, need.volume
    parts = [
        Component("chain", adjacency.value, weights.chain, adjacency.reason),
        Component("text", similarity, weights.text, _text_reason(evidence.shared_terms)),
        Component(
            "certifications",
            certification_fit(required, held),
            weights.certifications,
            _certifications_reason(required, held),
        ),
        Component(
            "capacity",
            capacity_fit(volume, offering.capacity),
            weights.capacity,
            f"capacity {offering.capacity:g} for volume {volume:g}" if volume > 0 else "no volume stated",
        ),
        Component(
            "proximity",
            proximity(buyer, supplier),
            weights.proximity,
            "same park" if buyer.park_id == supplier.park_id else "same park group, another park",
        ),
        Component("anchor", anchor_bonus(buyer, supplier), weights.anchor, _anchor_reason(buyer, supplier)),
    ]
    if evidence.declined_before:
        parts.append(
            Component("declined_before", -1.0, weights.declined_penalty, "this pair declined before")
        )
    score = total(pair, weights, adjacency.value, similarity, evidence.declined_before)
    return Scored(need, offering, supplier, score, tuple(parts))


def _text_reason(shared_terms: list[str]) -> str:
    return f"shared terms: {', '.join(shared_terms)}" if shared_terms else "no shared terms"


def _certifications_reason(required: frozenset[str], held: frozenset[str]) -> str:
    if not required:
        return "none required"
    missing = ", ".join(sorted(required - held))
    held_count = f"{len(required & held)} of {len(required)} required certifications held"
    return held_count + (f"; missing {missing}" if missing else "")


def _anchor_reason(buyer: Enterprise, supplier: Enterprise) -> str:
    if supplier.anchor:
        return "supplier is an anchor firm"
    return "buyer is an anchor firm" if buyer.anchor else "no anchor firm"
