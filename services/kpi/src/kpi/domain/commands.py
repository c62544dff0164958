"""The commands of the kpi service: what a group admin asks of a park's terms and publications."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from kpi.domain.agreement import BonusBasis


@dataclass(frozen=True, slots=True)
class Author:
    """Who asked for a change, and when: recorded with the change."""

    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SetAgreement:
    """Agree with the operator the KPIs it must all meet and its bonus (a share of the basis)."""

    kpis: tuple[str, ...]
    """Known KPIs (`kpi.domain.targets.CATALOG`), each once."""
    bonus_basis: BonusBasis
    bonus_share: Decimal
    """Of the basis, in (0, 1]."""
    author: Author


@dataclass(frozen=True, slots=True)
class SetTarget:
    """Override a KPI's target and weight for the park (each KPI's range is checked)."""

    kpi: str
    target: Decimal
    weight: Decimal
    author: Author


@dataclass(frozen=True, slots=True)
class PublishAssessment:
    period: str
    """The label of a closed period (2026, 2026-Q3, 2026-07 ...; ended before the day it is assessed):
    the operator's assessment of it is published once."""
    author: Author


@dataclass(frozen=True, slots=True)
class ScanForLowEfficiency:
    """Flag units vacant longer than `max_vacant_days` and tenants paying less tax per m² than the minimum,
    as of a day."""

    as_of: date
    max_vacant_days: int
    min_tax_per_m2: Decimal
    author: Author
