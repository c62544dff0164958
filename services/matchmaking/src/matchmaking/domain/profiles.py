"""Enterprise profiles: what an enterprise offers and what it needs, in Chinese or English.

The same shapes serve supply-chain matching, financing matching (a startup's funding need against an
investor's focus industries and stages) and technology matching (a technical problem against a
university's or institute's capabilities): `Kind` says which engine pool an item belongs to."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from parkops_contracts.base import Event
from parkops_contracts.events.matchmaking import MatchKind, ProfileChanged, ProfileNeed, ProfileOffering
from parkops_kernel.errors import Unprocessable

from matchmaking.domain.chain import IndustryChainMap
from matchmaking.domain.text import has_content

Kind = MatchKind


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


ItemKey = tuple[str, str, str, str]
"""(group, park, owner enterprise, item id): what names an offering or a need. Item ids are the
client's (kept when given): two enterprises may use the same one, so an id alone names nothing."""


def item_key(owner: Enterprise, item_id: str) -> ItemKey:
    return (owner.group_id, owner.park_id, owner.enterprise_id, item_id)


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
        message = "must contain words, not only spaces or punctuation"
        raise Unprocessable(f"{path}.text: {message}", f"{path}.text")
    chain.require(segment, f"{path}.segment")
    if amount < 0:
        field_name = f"{path}.capacity" if path.startswith("offerings") else f"{path}.volume"
        raise Unprocessable(f"{field_name}: must not be negative", field_name)


def check_unique(path: str, ids: list[str]) -> None:
    """An item id names one item of its owner: a second one with the same id is 422 naming it."""
    seen: set[str] = set()
    for i, item_id in enumerate(ids):
        if item_id in seen:
            field_name = f"{path}.{i}.{path[:-1]}_id"
            raise Unprocessable(f"{field_name}: {item_id!r} is used twice", field_name)
        seen.add(item_id)


@dataclass
class Profile:
    """The aggregate of one enterprise's matchmaking profile. Every change records ProfileChanged with the
    whole profile after it: what every replica's ranking index is folded from."""

    enterprise: Enterprise
    offerings: list[Offering] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    events: list[Event] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def seed(cls, enterprise: Enterprise, at: datetime) -> "Profile":
        """An onboarded enterprise's profile: nothing offered or needed yet."""
        profile = cls(enterprise)
        profile._changed(at)
        return profile

    def declare(
        self,
        offerings: list[Offering],
        needs: list[Need],
        chain: IndustryChainMap,
        at: datetime,
        anchor: bool | None = None,
    ) -> None:
        """Replace what the enterprise offers and needs, after checking every item; `anchor` marks (or
        unmarks) an anchor firm, whose suppliers follow it: matches involving it get the anchor bonus."""
        for i, o in enumerate(offerings):
            check_item(f"offerings.{i}", o.text, o.segment, o.capacity, chain)
        for i, n in enumerate(needs):
            check_item(f"needs.{i}", n.text, n.segment, n.volume, chain)
        check_unique("offerings", [o.offering_id for o in offerings])
        check_unique("needs", [n.need_id for n in needs])
        self.offerings = list(offerings)
        self.needs = list(needs)
        if anchor is not None:
            self.enterprise = replace(self.enterprise, anchor=anchor)
        self._changed(at)

    def retire(self, at: datetime) -> None:
        """The enterprise left the park: it is kept for history but takes no part in new matches."""
        if self.enterprise.active:
            self.enterprise = replace(self.enterprise, active=False)
            self._changed(at)

    def announce(self, at: datetime) -> None:
        """Tell the whole profile again, unchanged (a profile stored before ProfileChanged existed)."""
        self._changed(at)

    def need(self, need_id: str) -> Need | None:
        return next((n for n in self.needs if n.need_id == need_id), None)

    def _changed(self, at: datetime) -> None:
        e = self.enterprise
        self.events.append(
            ProfileChanged(
                park_id=e.park_id,
                group_id=e.group_id,
                tenant_id=e.enterprise_id,
                name=e.name,
                segment=e.segment,
                anchor=e.anchor,
                active=e.active,
                offerings=[
                    ProfileOffering(
                        offering_id=o.offering_id,
                        text=o.text,
                        segment=o.segment,
                        capacity=o.capacity,
                        certifications=sorted(o.certifications),
                        kind=o.kind,
                    )
                    for o in self.offerings
                ],
                needs=[
                    ProfileNeed(
                        need_id=n.need_id,
                        text=n.text,
                        segment=n.segment,
                        volume=n.volume,
                        required_certifications=sorted(n.required_certifications),
                        deadline=n.deadline,
                        kind=n.kind,
                    )
                    for n in self.needs
                ],
                changed_at=at,
            )
        )


def profile_of(event: ProfileChanged) -> Profile:
    """The profile a ProfileChanged says, whole."""
    enterprise = Enterprise(
        event.tenant_id, event.park_id, event.group_id, event.name, event.segment, event.anchor, event.active
    )
    offerings = [
        Offering(
            o.offering_id, event.tenant_id, o.text, o.segment, o.capacity, frozenset(o.certifications), o.kind
        )
        for o in event.offerings
    ]
    needs = [
        Need(
            n.need_id,
            event.tenant_id,
            n.text,
            n.segment,
            n.volume,
            frozenset(n.required_certifications),
            n.deadline,
            n.kind,
        )
        for n in event.needs
    ]
    return Profile(enterprise, offerings, needs)
