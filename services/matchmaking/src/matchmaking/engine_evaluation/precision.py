"""Precision@k of the engine on a labelled set, beside a keyword-only and a random baseline."""

import random
from collections import defaultdict
from collections.abc import Callable

from matchmaking.domain.default_chain import default_chain_map
from matchmaking.domain.matcher import MatchIndex
from matchmaking.domain.profiles import Need, Offering
from matchmaking.domain.scoring import Weights
from matchmaking.domain.text import keywords
from matchmaking.engine_evaluation.labelled_set import LabelledSet

Ranker = Callable[[Need, int], list[str]]


def build_index(data: LabelledSet, weights: Weights | None = None) -> MatchIndex:
    index = MatchIndex(default_chain_map(), weights or Weights())
    for enterprise in data.enterprises:
        index.put_enterprise(enterprise)
    by_enterprise: dict[str, list[Offering]] = defaultdict(list)
    for offering in data.offerings:
        by_enterprise[offering.enterprise_id].append(offering)
    for enterprise_id, offerings in by_enterprise.items():
        index.put_offerings(enterprise_id, offerings)
    return index


def engine_ranker(index: MatchIndex) -> Ranker:
    return lambda need, k: [s.offering.offering_id for s in index.top(need, k)]


def keyword_ranker(data: LabelledSet, seed: int = 1) -> Ranker:
    """Offerings ranked by how many whole keywords they share with the need (ties at random)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, offering in enumerate(data.offerings):
        for word in keywords(offering.text):
            postings[word].append(i)
    rng = random.Random(seed)

    def rank(need: Need, k: int) -> list[str]:
        hits: dict[int, int] = defaultdict(int)
        for word in keywords(need.text):
            for i in postings.get(word, []):
                hits[i] += 1
        best = sorted(hits, key=lambda i: (-hits[i], rng.random()))[:k]
        return [data.offerings[i].offering_id for i in best]

    return rank


def random_ranker(data: LabelledSet, seed: int = 2) -> Ranker:
    rng = random.Random(seed)
    ids = [o.offering_id for o in data.offerings]
    return lambda need, k: rng.sample(ids, k)


def precision_at_k(data: LabelledSet, rank: Ranker, k: int = 10, needs: list[Need] | None = None) -> float:
    """Mean over needs of the share of the top k that are truly relevant (an empty slot counts as a miss)."""
    chosen = needs if needs is not None else data.needs
    total = sum(len(set(rank(n, k)) & data.relevant[n.need_id]) / k for n in chosen)
    return total / len(chosen)
