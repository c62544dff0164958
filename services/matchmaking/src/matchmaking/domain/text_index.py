"""An inverted index of n-grams over offering texts: TF-IDF cosine similarity of a query to all.

Postings are compact arrays (document id, tf, tf / norm). Document norms depend on the IDF of the
whole corpus, so they are recomputed lazily whenever the corpus grew by a quarter since the last
time (amortised O(1) per added text); in between, new texts are normalised with the current IDF.
N-grams found in more than `STOP_SHARE` of the texts carry almost no information and are skipped
at query time. Postings are kept impact-ordered (heaviest weight first) at each refresh, and a
query walks at most `MAX_POSTINGS_PER_GRAM` of them per n-gram (plus those added since), the
usual impact-ordered pruning of search engines: a text where the n-gram weighs little cannot
be among the best matches on that n-gram."""

import math
from array import array
from dataclasses import dataclass, field

from matchmaking.domain.text import grams, sublinear

STOP_SHARE = 0.15
REFRESH_GROWTH = 1.25
MAX_QUERY_GRAMS = 8
MAX_POSTINGS_PER_GRAM = 1000


@dataclass(frozen=True, slots=True)
class Query:
    weights: dict[str, float]
    idfs: dict[str, float]
    norm: float


@dataclass(slots=True)
class _Postings:
    docs: "array[int]" = field(default_factory=lambda: array("i"))
    tfs: "array[float]" = field(default_factory=lambda: array("f"))
    weights: "array[float]" = field(default_factory=lambda: array("f"))
    ranked: int = 0  # postings[:ranked] are sorted by weight, best first; later ones are appended

    def impact_ordered(self, limit: int) -> list[tuple["array[int]", "array[float]"]]:
        """The `limit` heaviest postings of the sorted prefix and every posting added since."""
        head = min(limit, self.ranked)
        return [
            (self.docs[:head], self.weights[:head]),
            (self.docs[self.ranked :], self.weights[self.ranked :]),
        ]


class TextIndex:
    def __init__(self) -> None:
        self._postings: dict[str, _Postings] = {}
        self._doc_grams: list[tuple[str, ...]] = []
        self._doc_tfs: list[tuple[float, ...]] = []
        self._norms: list[float] = []
        self._refreshed_at = 0

    def __len__(self) -> int:
        return len(self._doc_grams)

    def idf(self, gram: str) -> float:
        postings = self._postings.get(gram)
        df = len(postings.docs) if postings else 0
        return math.log(1.0 + (len(self) + 1) / (df + 1))

    def add(self, text: str) -> int:
        """Index a text; returns its document id."""
        bag = grams(text)
        doc = len(self._doc_grams)
        self._doc_grams.append(tuple(bag))
        self._doc_tfs.append(tuple(sublinear(c) for c in bag.values()))
        # Before the first refresh every norm is computed again at the first query: none needed yet.
        norm = self._norm(doc) if self._refreshed_at else 1.0
        self._norms.append(norm)
        for gram, tf in zip(self._doc_grams[doc], self._doc_tfs[doc], strict=True):
            postings = self._postings.setdefault(gram, _Postings())
            postings.docs.append(doc)
            postings.tfs.append(tf)
            postings.weights.append(tf / norm)
        return doc

    def query(self, text: str) -> Query:
        """The TF-IDF vector of a query text, computed once and reused for every document."""
        weights: dict[str, float] = {}
        idfs: dict[str, float] = {}
        for gram, count in grams(text).items():
            idfs[gram] = self.idf(gram)
            weights[gram] = sublinear(count) * idfs[gram]
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return Query(weights, idfs, norm)

    def similarities(self, query: Query, max_grams: int = MAX_QUERY_GRAMS) -> dict[int, float]:
        """Candidate documents with a lower bound of their cosine similarity to the query.

        Only the query's `max_grams` most informative n-grams (highest weight, below the stop
        share) walk their postings; `cosine` gives the exact figure for the few that matter."""
        self._refresh_if_grown()
        stop_df = max(8, int(STOP_SHARE * len(self)))
        walked: list[tuple[_Postings, float]] = []
        for gram, weight in sorted(query.weights.items(), key=lambda gw: -gw[1]):
            postings = self._postings.get(gram)
            if postings is not None and len(postings.docs) <= stop_df:
                walked.append((postings, weight * query.idfs[gram] / query.norm))
            if len(walked) == max_grams:
                break
        scores: dict[int, float] = {}
        get = scores.get
        for postings, factor in walked:
            for docs, weights in postings.impact_ordered(MAX_POSTINGS_PER_GRAM):
                for doc, w in zip(docs, weights, strict=True):
                    scores[doc] = get(doc, 0.0) + factor * w
        return scores

    def cosine(self, query: Query, doc: int) -> float:
        """Exact TF-IDF cosine similarity of the query and one document."""
        self._refresh_if_grown()
        dot = 0.0
        q = query.weights
        for gram, tf in zip(self._doc_grams[doc], self._doc_tfs[doc], strict=True):
            weight = q.get(gram)
            if weight is not None:
                dot += weight * tf * query.idfs[gram]
        return min(1.0, dot / (query.norm * self._norms[doc]))

    def shared_grams(self, query: Query, doc: int, limit: int = 5) -> list[str]:
        """The most informative n-grams a query shares with a document (for explanations)."""
        common = query.weights.keys() & set(self._doc_grams[doc])
        return sorted(common, key=lambda g: (-query.idfs[g], g))[:limit]

    def _norm(self, doc: int, idfs: dict[str, float] | None = None) -> float:
        idf = idfs.__getitem__ if idfs is not None else self.idf
        total = sum(
            (tf * idf(g)) ** 2 for g, tf in zip(self._doc_grams[doc], self._doc_tfs[doc], strict=True)
        )
        return math.sqrt(total) or 1.0

    def _refresh_if_grown(self) -> None:
        if len(self) <= self._refreshed_at * REFRESH_GROWTH:
            return
        self._refreshed_at = len(self)
        idfs = {gram: self.idf(gram) for gram in self._postings}  # the same for every document
        self._norms = norms = [self._norm(doc, idfs) for doc in range(len(self))]
        for postings in self._postings.values():
            ranked = sorted(
                zip(postings.docs, postings.tfs, strict=True), key=lambda dt: -dt[1] / norms[dt[0]]
            )
            postings.docs = array("i", (d for d, _ in ranked))
            postings.tfs = array("f", (tf for _, tf in ranked))
            postings.weights = array("f", (tf / norms[d] for d, tf in ranked))
            postings.ranked = len(ranked)
