"""Industry-chain map of a park group: segments and upstream -> downstream supply edges.

A supplier fits a need best when it sits in the segment the need buys from, next when it directly
supplies the buyer's own segment, then when it is a neighbour of the bought segment, and a little
when it is in the same industry chain at all."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from parkops_kernel.errors import Unprocessable

SAME_SEGMENT = 1.0
SUPPLIES_BUYER = 0.7
NEIGHBOUR = 0.4
SAME_CHAIN = 0.15


@dataclass(frozen=True, slots=True)
class Segment:
    segment_id: str
    name_zh: str
    name_en: str

    @property
    def chain(self) -> str:
        """Segments are namespaced by chain: `ic.wafer_fab` belongs to chain `ic`."""
        return self.segment_id.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Adjacency:
    value: float
    reason: str


@dataclass
class IndustryChainMap:
    segments: dict[str, Segment] = field(default_factory=dict)
    edges: frozenset[tuple[str, str]] = frozenset()
    _upstream: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _neighbours: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, segments: Iterable[Segment], edges: Iterable[tuple[str, str]]) -> "IndustryChainMap":
        """Build and validate a map: every edge joins two known segments and no edge is a loop."""
        by_id = {s.segment_id: s for s in segments}
        edge_set = frozenset(edges)
        for i, (up, down) in enumerate(sorted(edge_set)):
            for name, end in (("upstream", up), ("downstream", down)):
                if end not in by_id:
                    field_name = f"edges.{i}.{name}"
                    raise Unprocessable(f"{field_name}: unknown chain segment {end!r}", field_name)
            if up == down:
                raise Unprocessable(f"edges.{i}: a segment cannot supply itself ({up!r})", f"edges.{i}")
        chain = cls(by_id, edge_set)
        upstream: dict[str, set[str]] = {s: set() for s in by_id}
        neighbours: dict[str, set[str]] = {s: set() for s in by_id}
        for up, down in edge_set:
            upstream[down].add(up)
            neighbours[down].add(up)
            neighbours[up].add(down)
        chain._upstream = {s: frozenset(v) for s, v in upstream.items()}
        chain._neighbours = {s: frozenset(v) for s, v in neighbours.items()}
        return chain

    def require(self, segment_id: str | None, field_name: str) -> None:
        """422 naming the field when a segment is not on this map."""
        if segment_id is not None and segment_id not in self.segments:
            raise Unprocessable(f"{field_name}: unknown chain segment {segment_id!r}", field_name)

    def upstream_of(self, segment_id: str) -> frozenset[str]:
        return self._upstream.get(segment_id, frozenset())

    def neighbours_of(self, segment_id: str) -> frozenset[str]:
        return self._neighbours.get(segment_id, frozenset())

    def same_chain(self, a: str, b: str) -> bool:
        return a.split(".", 1)[0] == b.split(".", 1)[0]

    def relevant_segments(self, wanted: str | None, buyer: str | None) -> dict[str, float]:
        """Every segment with a non-zero adjacency for this need, with its best value."""
        found: dict[str, float] = {}
        anchors = [s for s in (wanted, buyer) if s]
        for segment in self.segments:
            if any(self.same_chain(segment, a) for a in anchors):
                found[segment] = SAME_CHAIN
        if buyer:
            for segment in self.upstream_of(buyer):
                found[segment] = SUPPLIES_BUYER
        if wanted:
            for segment in self.neighbours_of(wanted):
                found[segment] = max(found.get(segment, 0.0), NEIGHBOUR)
            found[wanted] = SAME_SEGMENT
        return found

    def adjacency(self, wanted: str | None, buyer: str | None, offered: str | None) -> Adjacency:
        """How well an offering's segment fits what the need buys and who buys it, with the reason."""
        if offered is None:
            return Adjacency(0.0, "offering has no chain segment")
        if wanted == offered:
            return Adjacency(SAME_SEGMENT, f"offers from {offered}, the segment the need buys from")
        if buyer and offered in self.upstream_of(buyer):
            return Adjacency(SUPPLIES_BUYER, f"{offered} directly supplies the buyer's segment {buyer}")
        if wanted and offered in self.neighbours_of(wanted):
            return Adjacency(NEIGHBOUR, f"{offered} is next to {wanted} on the chain")
        if any(self.same_chain(offered, s) for s in (wanted, buyer) if s):
            return Adjacency(SAME_CHAIN, f"{offered} is on the same industry chain")
        return Adjacency(0.0, f"{offered} is not on the need's chain")
