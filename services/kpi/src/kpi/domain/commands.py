"""The commands of the kpi service: what a group admin asks of a park's terms and publications."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from kpi.domain.agreement import BonusBasis


@dataclass(frozen=True)
class Author:
    """Who asked for a change, and when: recorded with the change."""

    by: str
    at: datetime


@dataclass(frozen=True)
class SetTarget:
    kpi: str
    target: Decimal
    weight: Decimal
    author: Author


@dataclass(frozen=True)
class SetAgreement:
    kpis: tuple[str, ...]
    bonus_basis: BonusBasis
    bonus_share: Decimal
    author: Author


@dataclass(frozen=True)
class SetOperatingCost:
    year: int
    amount: Decimal
    author: Author


@dataclass(frozen=True)
class PublishAssessment:
    """Publish the operator's assessment of a period (a period label, e.g. 2026-Q3)."""

    period: str
    author: Author


@dataclass(frozen=True)
class ScanForLowEfficiency:
    """Flag units vacant longer than `max_vacant_days` and tenants paying less tax per m² than the minimum,
    as of a day."""

    as_of: date
    max_vacant_days: int
    min_tax_per_m2: Decimal
    author: Author
