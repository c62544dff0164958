"""What a park group can match: enterprises, their offerings (by text-index document id, with
their chain segments), and the pairs that declined each other before."""

from collections import defaultdict

from matchmaking.domain.profiles import Enterprise, Need, Offering
from matchmaking.domain.text_index import TextIndex


class Catalogue:
    def __init__(self) -> None:
        self._text = TextIndex()
        self._offerings: list[Offering | None] = []
        self._segments: list[str | None] = []
        self._docs_of: dict[str, list[int]] = defaultdict(list)
        self._by_segment: dict[str | None, list[int]] = defaultdict(list)
        self._enterprises: dict[str, Enterprise] = {}
        self._declined: set[frozenset[str]] = set()

    def __len__(self) -> int:
        return sum(1 for o in self._offerings if o is not None)

    def put_enterprise(self, enterprise: Enterprise) -> None:
        self._enterprises[enterprise.enterprise_id] = enterprise

    def enterprise(self, enterprise_id: str) -> Enterprise | None:
        return self._enterprises.get(enterprise_id)

    def put_offerings(self, enterprise_id: str, offerings: list[Offering]) -> None:
        """Replace an enterprise's offerings (the old ones leave the index)."""
        for doc in self._docs_of.pop(enterprise_id, []):
            self._offerings[doc] = None
        for offering in offerings:
            doc = self._text.add(offering.text)
            self._offerings.append(offering)
            self._segments.append(offering.segment)
            self._docs_of[enterprise_id].append(doc)
            self._by_segment[offering.segment].append(doc)

    def record_decline(self, a: str, b: str) -> None:
        self._declined.add(frozenset((a, b)))

    def declined(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self._declined

    def eligible(
        self, need: Need, buyer: Enterprise, doc: int, group_wide: bool
    ) -> tuple[Offering, Enterprise] | None:
        """The offering and its supplier when they may be proposed for this need at all."""
        offering = self._offerings[doc]
        if offering is None or offering.kind != need.kind:
            return None
        supplier = self._enterprises.get(offering.enterprise_id)
        if supplier is None or not supplier.active or supplier.enterprise_id == buyer.enterprise_id:
            return None
        if not group_wide and supplier.park_id != buyer.park_id:
            return None
        return offering, supplier
