"""The proposals for a monthly matchmaking meeting: top k per need, each enterprise pair once."""

from collections.abc import Iterable
from datetime import date

from matchmaking.domain.matcher import MatchIndex
from matchmaking.domain.profiles import Need
from matchmaking.domain.scoring import Scored


def open_needs(needs: Iterable[Need], on: date) -> list[Need]:
    """Needs still open on the meeting date: no deadline, or a deadline not before it."""
    return [n for n in needs if n.deadline is None or n.deadline >= on]


def pair_key(a: str, b: str) -> tuple[str, str]:
    """Unordered: A buying from B and B buying from A are one meeting slot."""
    return (a, b) if a <= b else (b, a)


def plan_meeting(index: MatchIndex, needs: Iterable[Need], k: int) -> list[Scored]:
    """Top k offerings per need; a pair of enterprises keeps only its best-scoring proposal."""
    return best_per_pair(ranked_for(index, needs, k))


def ranked_for(index: MatchIndex, needs: Iterable[Need], k: int) -> list[Scored]:
    """Top k offerings of each need, need after need (a meeting's needs may be ranked a slice at a
    time: `best_per_pair` of the slices' rankings is the plan)."""
    return [scored for need in needs for scored in index.top(need, k)]


def best_per_pair(ranked: Iterable[Scored]) -> list[Scored]:
    """Deduplicate proposals by enterprise pair (keeping the best), best first."""
    best: dict[tuple[str, str], Scored] = {}
    for scored in ranked:
        key = pair_key(scored.need.enterprise_id, scored.supplier.enterprise_id)
        kept = best.get(key)
        if kept is None or scored.score > kept.score:
            best[key] = scored
    return sorted(best.values(), key=lambda s: (-s.score, s.need.need_id, s.offering.offering_id))
