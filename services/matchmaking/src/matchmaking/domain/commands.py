"""What a caller or an event asks matchmaking to do: one frozen command object per use case.

Commands hold plain values only (tuples, not sets), so that equal requests compare and digest equal."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from parkops_contracts.events.matchmaking import MatchKind

from matchmaking.domain.chain import Segment
from matchmaking.domain.profiles import Need, Offering
from matchmaking.domain.scoring import Weights


@dataclass(frozen=True)
class SeedProfile:
    """An onboarded enterprise gets a profile on the chain segment of its industry code."""

    tenant_id: str
    park_id: str
    group_id: str
    name: str
    industry_code: str


@dataclass(frozen=True)
class RetireProfile:
    """The enterprise's lease ended: it takes no part in new matches."""

    park_id: str
    tenant_id: str


@dataclass(frozen=True)
class DeclaredOffering:
    offering_id: str | None  # None: the service names it
    text: str
    segment: str | None
    capacity: float
    certifications: tuple[str, ...]
    kind: MatchKind

    def named(self, new_id: Callable[[], str], tenant_id: str) -> Offering:
        return Offering(
            self.offering_id or new_id(),
            tenant_id,
            self.text,
            self.segment,
            self.capacity,
            frozenset(self.certifications),
            self.kind,
        )


@dataclass(frozen=True)
class DeclaredNeed:
    need_id: str | None  # None: the service names it
    text: str
    segment: str | None
    volume: float
    required_certifications: tuple[str, ...]
    deadline: date | None
    kind: MatchKind

    def named(self, new_id: Callable[[], str], tenant_id: str) -> Need:
        return Need(
            self.need_id or new_id(),
            tenant_id,
            self.text,
            self.segment,
            self.volume,
            frozenset(self.required_certifications),
            self.deadline,
            self.kind,
        )


@dataclass(frozen=True)
class DeclareProfile:
    """Replace what an enterprise offers and needs; operators also set `anchor` (None: unchanged)."""

    tenant_id: str
    offerings: tuple[DeclaredOffering, ...]
    needs: tuple[DeclaredNeed, ...]
    anchor: bool | None

    def items(self, new_id: Callable[[], str]) -> tuple[list[Offering], list[Need]]:
        """The declared offerings and needs, those without an id named by `new_id`."""
        return (
            [o.named(new_id, self.tenant_id) for o in self.offerings],
            [n.named(new_id, self.tenant_id) for n in self.needs],
        )


@dataclass(frozen=True)
class ProposeForNeed:
    """The k best offerings for one of the enterprise's needs, each a proposal."""

    tenant_id: str
    need_id: str
    k: int


@dataclass(frozen=True)
class AnswerProposal:
    """Accept or decline: a tenant user for its enterprise, staff for the side they name."""

    proposal_id: str
    enterprise_id: str | None


@dataclass(frozen=True)
class CloseDeal:
    """The deal an accepted match led to (staff)."""

    proposal_id: str
    value_cny: Decimal
    estimated_saving_cny: Decimal
    saving_percent: Decimal | None = None  # as agreed; else derived from the amounts


@dataclass(frozen=True)
class PlanMeeting:
    """A monthly meeting: the top k proposals per open need of the park (staff)."""

    title: str
    held_on: date
    top_k: int


@dataclass(frozen=True)
class RecordAttendance:
    """An invited enterprise attended (staff); charged once."""

    meeting_id: str
    tenant_id: str


@dataclass(frozen=True)
class EditChainMap:
    """The group's segments and their upstream -> downstream edges, replaced (group admins)."""

    segments: tuple[Segment, ...]
    edges: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ConfigureMatching:
    """The score weights and whether matching crosses the group's parks (group admins)."""

    weights: Weights
    group_wide: bool
