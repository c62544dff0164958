"""A park's KPI terms, set by the group admin: target overrides, operator agreement, operating costs.

Every change is recorded (who, when, what, before, after); the state is a plain document so that it can
be stored as an aggregate."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from parkops_contracts.events.leasing import ParkType
from parkops_kernel.errors import Unprocessable

from kpi.domain.periods import Period
from kpi.domain.targets import CATALOG, Target, defaults_for, validated


class BonusBasis(StrEnum):
    REVENUE = "revenue"
    TAX_GROWTH = "tax_growth"


@dataclass(frozen=True)
class Agreement:
    """The KPIs the operator must all meet in a period, and its bonus as a share of the basis."""

    kpis: tuple[str, ...]
    bonus_basis: BonusBasis
    bonus_share: Decimal

    @classmethod
    def checked(cls, kpis: list[str], bonus_basis: BonusBasis, bonus_share: Decimal) -> "Agreement":
        unknown = sorted(set(kpis) - set(CATALOG))
        if unknown or not kpis:
            raise Unprocessable(f"the agreement needs known KPIs; unknown: {unknown}", field="kpis")
        if not Decimal(0) < bonus_share <= Decimal(1):
            raise Unprocessable(f"bonus share {bonus_share} is outside (0, 1]", field="bonus_share")
        return cls(tuple(dict.fromkeys(kpis)), bonus_basis, bonus_share)


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
        return (yearly * ((period.end - period.start).days + 1) / days_in_year).quantize(Decimal("0.01"))

    def _record(self, by: str, at: datetime, what: str, before: object, after: object) -> None:
        self.changes.append({"at": at.isoformat(), "by": by, "what": what, "before": before, "after": after})

    def set_target(self, kpi: str, target: Decimal, weight: Decimal, by: str, at: datetime) -> None:
        new = validated(kpi, target, weight)
        old = self.overrides.get(kpi)
        self.overrides[kpi] = new
        self._record(by, at, f"target {kpi}", _target_doc(old), _target_doc(new))

    def set_agreement(self, agreement: Agreement, by: str, at: datetime) -> None:
        before = _agreement_doc(self.agreement)
        self.agreement = agreement
        self._record(by, at, "operator agreement", before, _agreement_doc(agreement))

    def set_operating_cost(self, year: int, amount: Decimal, by: str, at: datetime) -> None:
        if amount <= 0:
            raise Unprocessable(f"operating cost {amount} must be positive", field="amount")
        old = self.operating_costs.get(year)
        self.operating_costs[year] = amount
        self._record(by, at, f"operating cost {year}", None if old is None else str(old), str(amount))

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
