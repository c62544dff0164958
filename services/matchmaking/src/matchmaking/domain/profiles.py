"""Enterprise profiles: what an enterprise offers and what it needs, in Chinese or English.

The same shapes serve supply-chain matching, financing matching (a startup's funding need against an
investor's focus industries and stages) and technology matching (a technical problem against a
university's or institute's capabilities): `Kind` says which engine pool an item belongs to."""

from dataclasses import dataclass, field, replace
from datetime import date

from parkops_contracts.events.matchmaking import MatchKind as Kind
from parkops_runtime.errors import Unprocessable

from matchmaking.domain.chain import IndustryChainMap
from matchmaking.domain.text import has_content


@dataclass(frozen=True, slots=True)
class Enterprise:
    """Who an offering or need belongs to, as far as matching cares."""

    enterprise_id: str
    park_id: str
    group_id: str
    name: str
    segment: str | None = None
    anchor: bool = False
    active: bool = True


@dataclass(frozen=True, slots=True)
class Offering:
    offering_id: str
    enterprise_id: str
    text: str
    segment: str | None = None
    capacity: float = 0.0
    certifications: frozenset[str] = frozenset()
    kind: Kind = Kind.SUPPLY


@dataclass(frozen=True, slots=True)
class Need:
    need_id: str
    enterprise_id: str
    text: str
    segment: str | None = None
    volume: float = 0.0
    required_certifications: frozenset[str] = frozenset()
    deadline: date | None = None
    kind: Kind = Kind.SUPPLY


def check_item(path: str, text: str, segment: str | None, amount: float, chain: IndustryChainMap) -> None:
    """422 naming the field: empty text, unknown chain segment, negative capacity or volume."""
    if not has_content(text):
        raise Unprocessable(f"{path}.text: must contain words, not only spaces or punctuation")
    chain.require(segment, f"{path}.segment")
    if amount < 0:
        field_name = "capacity" if path.startswith("offerings") else "volume"
        raise Unprocessable(f"{path}.{field_name}: must not be negative")


@dataclass
class Profile:
    """The aggregate of one enterprise's matchmaking profile."""

    enterprise: Enterprise
    offerings: list[Offering] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    version: int = 0

    def declare(self, offerings: list[Offering], needs: list[Need], chain: IndustryChainMap) -> None:
        """Replace what the enterprise offers and needs, after checking every item."""
        for i, o in enumerate(offerings):
            check_item(f"offerings.{i}", o.text, o.segment, o.capacity, chain)
        for i, n in enumerate(needs):
            check_item(f"needs.{i}", n.text, n.segment, n.volume, chain)
        self.offerings = list(offerings)
        self.needs = list(needs)

    def retire(self) -> None:
        """The enterprise left the park: it is kept for history but takes no part in new matches."""
        self.enterprise = replace(self.enterprise, active=False)

    def mark_anchor(self, anchor: bool) -> None:
        """An anchor firm's suppliers follow it: matches involving it get the anchor bonus."""
        self.enterprise = replace(self.enterprise, anchor=anchor)

    def need(self, need_id: str) -> Need | None:
        return next((n for n in self.needs if n.need_id == need_id), None)
