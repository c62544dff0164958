"""The in-memory matching index of one park group: offerings ranked for a need, with explanations.

Retrieval runs in two stages. Candidates come from the text index (the need's most informative
n-grams) with a cheap partial score, text lower bound + chain adjacency; the best of them (5 per
result, at least 50) get the exact score, and the final k their explanation. Offerings sharing no
informative n-gram are still considered, best chain segment first, while their best possible score
could enter the top k; at most `CHAIN_ONLY_BUDGET` of them, so a huge segment cannot stall a query.
Up to `EXACT_UP_TO` offerings every one is scored exactly; beyond, the ranking is approximate (its
agreement with `score_all` is measured in the tests)."""

import heapq
from collections.abc import Iterable

from parkops_kernel.errors import NotFound

from matchmaking.domain.catalogue import Catalogue
from matchmaking.domain.chain import IndustryChainMap
from matchmaking.domain.profiles import Enterprise, Need
from matchmaking.domain.scoring import Evidence, Pair, Scored, Weights, explain, total
from matchmaking.domain.text_index import Query

POOL_MIN = 50
POOL_PER_RESULT = 5
CHAIN_ONLY_BUDGET = 500
EXACT_UP_TO = 1000  # park-sized corpora: score every offering exactly
TEXT_FLOOR = 0.25  # candidates far below the best text match cannot catch up on chain alone


class MatchIndex(Catalogue):
    def __init__(self, chain: IndustryChainMap, weights: Weights, group_wide: bool = True) -> None:
        super().__init__()
        self.chain = chain
        self.weights = weights
        self.group_wide = group_wide

    def top(self, need: Need, k: int = 10) -> list[Scored]:
        """The k best offerings for the need, best first, each with its score breakdown."""
        buyer = self._buyer(need)
        query = self._text.query(need.text)
        if len(self._offerings) <= EXACT_UP_TO:
            return self._ranked(
                self._exact(need, buyer, query, range(len(self._offerings)), k), need, buyer, query
            )
        relevant = self.chain.relevant_segments(need.segment, buyer.segment)
        sims = self._text.similarities(query)
        w_text, w_chain, segments = self.weights.text, self.weights.chain, self._segments
        floor = max(sims.values(), default=0.0) * TEXT_FLOOR
        partial = [
            (w_text * s + w_chain * relevant.get(segments[d] or "", 0.0), d)
            for d, s in sims.items()
            if s >= floor
        ]
        pool = [d for _, d in heapq.nlargest(max(POOL_MIN, POOL_PER_RESULT * k), partial)]
        best = self._exact(need, buyer, query, pool, k)
        seen, budget = set(pool), CHAIN_ONLY_BUDGET
        rest = self.weights.beyond_text_and_chain
        for segment, value in sorted(relevant.items(), key=lambda sv: -sv[1]):
            if len(best) == k and w_chain * value + rest <= best[0][0]:
                continue
            docs = [d for d in self._by_segment.get(segment, [])[:budget] if d not in seen]
            for score_doc in self._exact(need, buyer, query, docs, k):
                self._keep(best, k, score_doc)
            budget -= min(budget, len(self._by_segment.get(segment, [])))
            if not budget:
                break
        return self._ranked(best, need, buyer, query)

    def score_all(self, need: Need) -> list[Scored]:
        """Every eligible offering scored exactly, best first: the reference the index approximates."""
        buyer = self._buyer(need)
        query = self._text.query(need.text)
        best = self._exact(need, buyer, query, range(len(self._offerings)), len(self._offerings))
        return self._ranked(best, need, buyer, query)

    def _buyer(self, need: Need) -> Enterprise:
        buyer = self._enterprises.get(need.enterprise_id)
        if buyer is None:
            raise NotFound(f"enterprise {need.enterprise_id} not found")
        return buyer

    def _exact(
        self, need: Need, buyer: Enterprise, query: Query, docs: Iterable[int], k: int
    ) -> list[tuple[float, int]]:
        """The k best of these documents by exact score, as a min-heap of (score, -doc)."""
        best: list[tuple[float, int]] = []
        for doc in docs:
            score = self._score(need, buyer, query, doc)
            if score is not None:
                self._keep(best, k, (score, -doc))
        return best

    @staticmethod
    def _keep(best: list[tuple[float, int]], k: int, entry: tuple[float, int]) -> None:
        if len(best) < k:
            heapq.heappush(best, entry)
        elif entry > best[0]:
            heapq.heapreplace(best, entry)

    def _ranked(
        self, best: list[tuple[float, int]], need: Need, buyer: Enterprise, query: Query
    ) -> list[Scored]:
        return [self._explained(need, buyer, query, -neg_doc) for _, neg_doc in sorted(best, reverse=True)]

    def _score(self, need: Need, buyer: Enterprise, query: Query, doc: int) -> float | None:
        pair = self.eligible(need, buyer, doc, self.group_wide)
        if pair is None:
            return None
        offering, supplier = pair
        return total(
            Pair(need, buyer, offering, supplier),
            self.weights,
            self.chain.adjacency(need.segment, buyer.segment, offering.segment).value,
            self._text.cosine(query, doc),
            self.declined(buyer.enterprise_id, supplier.enterprise_id),
        )

    def _explained(self, need: Need, buyer: Enterprise, query: Query, doc: int) -> Scored:
        pair = self.eligible(need, buyer, doc, self.group_wide)
        assert pair is not None
        offering, supplier = pair
        evidence = Evidence(
            self.chain.adjacency(need.segment, buyer.segment, offering.segment),
            self._text.cosine(query, doc),
            self._text.shared_grams(query, doc),
            self.declined(buyer.enterprise_id, supplier.enterprise_id),
        )
        return explain(Pair(need, buyer, offering, supplier), self.weights, evidence)
