"""A park's KPI terms, set by the group admin: target overrides, operator agreement, operating costs.

Every change is recorded (who, when, what, before, after); the state is a plain document so that it can
be stored as an aggregate."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from parkops_contracts.events.leasing import ParkType
from parkops_kernel.errors import Unprocessable
from parkops_kernel.money import cny

from kpi.domain.agreement import Agreement, BonusBasis
from kpi.domain.commands import Author, SetAgreement, SetOperatingCost, SetTarget
from kpi.domain.periods import Period
from kpi.domain.targets import Target, defaults_for, validated


@dataclass
class ParkTerms:
    park_id: str
    group_id: str
    overrides: dict[str, Target] = field(default_factory=dict)
    agreement: Agreement | None = None
    operating_costs: dict[int, Decimal] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def targets(self, park_type: ParkType | None) -> dict[str, Target]:
        return defaults_for(park_type) | self.overrides

    def operating_cost(self, period: Period) -> Decimal | None:
        """The year's cost, pro rata for a quarter or a month."""
        yearly = self.operating_costs.get(period.year)
        if yearly is None:
            return None
        days_in_year = (date(period.year, 12, 31) - date(period.year, 1, 1)).days + 1
        return cny(yearly * ((period.end - period.start).days + 1) / days_in_year)

    def claim(self, group_id: str) -> None:
        """Terms stored under the park id by another group (written before parks were checked against
        the directory) count as absent: the owner's first change starts from empty terms."""
        if self.group_id != group_id:
            self.group_id, self.overrides, self.agreement = group_id, {}, None
            self.operating_costs, self.changes = {}, []

    def _record(self, author: Author, what: str, before: object, after: object) -> None:
        at = author.at.isoformat()
        self.changes.append({"at": at, "by": author.by, "what": what, "before": before, "after": after})

    def set_target(self, command: SetTarget) -> None:
        new = validated(command.kpi, command.target, command.weight)
        old = self.overrides.get(command.kpi)
        self.overrides[command.kpi] = new
        self._record(command.author, f"target {command.kpi}", _target_doc(old), _target_doc(new))

    def set_agreement(self, command: SetAgreement) -> None:
        agreement = Agreement.checked(command.kpis, command.bonus_basis, command.bonus_share)
        before = _agreement_doc(self.agreement)
        self.agreement = agreement
        self._record(command.author, "operator agreement", before, _agreement_doc(agreement))

    def set_operating_cost(self, command: SetOperatingCost) -> None:
        year, amount = command.year, command.amount
        if amount <= 0:
            raise Unprocessable(f"operating cost {amount} must be positive", field="amount")
        old = self.operating_costs.get(year)
        self.operating_costs[year] = amount
        self._record(command.author, f"operating cost {year}", None if old is None else str(old), str(amount))

    def to_document(self) -> dict[str, Any]:
        return {
            "park_id": self.park_id,
            "group_id": self.group_id,
            "overrides": {k: _target_doc(t) for k, t in self.overrides.items()},
            "agreement": _agreement_doc(self.agreement),
            "operating_costs": {str(y): str(a) for y, a in self.operating_costs.items()},
            "changes": self.changes,
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> "ParkTerms":
        agreement = doc.get("agreement")
        return cls(
            doc["park_id"],
            doc["group_id"],
            {k: Target(Decimal(t["target"]), Decimal(t["weight"])) for k, t in doc["overrides"].items()},
            None
            if agreement is None
            else Agreement(
                tuple(agreement["kpis"]),
                BonusBasis(agreement["bonus_basis"]),
                Decimal(agreement["bonus_share"]),
            ),
            {int(y): Decimal(a) for y, a in doc["operating_costs"].items()},
            list(doc["changes"]),
        )

    def agreement_document(self) -> dict[str, Any] | None:
        return _agreement_doc(self.agreement)


def _target_doc(target: Target | None) -> dict[str, str] | None:
    return None if target is None else {"target": str(target.target), "weight": str(target.weight)}


def _agreement_doc(agreement: Agreement | None) -> dict[str, Any] | None:
    if agreement is None:
        return None
    return {
        "kpis": list(agreement.kpis),
        "bonus_basis": agreement.bonus_basis.value,
        "bonus_share": str(agreement.bonus_share),
    }
