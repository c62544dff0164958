"""The operator agreement of a park: the KPIs the operator must all meet, and its bonus."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from parkops_kernel.errors import Unprocessable

from kpi.domain.targets import CATALOG


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
    def checked(cls, kpis: Sequence[str], bonus_basis: BonusBasis, bonus_share: Decimal) -> "Agreement":
        unknown = sorted(set(kpis) - set(CATALOG))
        if unknown or not kpis:
            raise Unprocessable(f"the agreement needs known KPIs; unknown: {unknown}", field="kpis")
        if not Decimal(0) < bonus_share <= Decimal(1):
            raise Unprocessable(f"bonus share {bonus_share} is outside (0, 1]", field="bonus_share")
        return cls(tuple(dict.fromkeys(kpis)), bonus_basis, bonus_share)
