"""Park administration: the pricing policy, the commitment register, renovations, tenant metrics."""

from datetime import date, datetime

from parkops_contracts.events.leasing import TenantMetricsReported, UnitRenovated
from parkops_kernel.errors import Conflict, Unprocessable

from leasing.domain.commands import (
    RegisterCommitment,
    RenovateUnit,
    ReportMetrics,
    SetPricingPolicy,
    StartRenovation,
)
from leasing.domain.commitments import Commitment
from leasing.domain.park import Park
from leasing.domain.policy import PricingPolicy
from leasing.domain.space import Unit
from leasing.domain.tenants import Tenant


def set_pricing_policy(park: Park, command: SetPricingPolicy) -> PricingPolicy:
    """Replace the park's pricing policy; signed leases keep the rents they were signed at."""
    park.pricing_policy = command.policy
    return command.policy


def register_commitment(park: Park, command: RegisterCommitment, new_id: str, today: date) -> Commitment:
    """Add a commitment to the register (as `new_id` unless the command names it) unless it contradicts
    one still active (409 naming both)."""
    commitment_id = command.commitment_id or new_id
    commitment = Commitment.model_validate({**command.promise.model_dump(), "commitment_id": commitment_id})
    if commitment.commitment_id in park.commitments:
        raise Conflict(f"commitment {commitment.commitment_id} is already registered")
    clash = next(
        (c for c in park.commitments.values() if c.valid_until >= today and commitment.contradicts(c)),
        None,
    )
    if clash:
        raise Conflict(
            f"commitment {commitment.label()} contradicts active commitment {clash.label()}: both promise "
            f"a {clash.benefit.kind.value} benefit ({commitment.benefit.describe()} vs "
            f"{clash.benefit.describe()}) to overlapping tenants in overlapping periods"
        )
    park.commitments[commitment.commitment_id] = commitment
    return commitment


def start_renovation(park: Park, command: StartRenovation, today: date) -> Unit:
    """Take a vacant unit off the market for works: no lease or onboarding until it is renovated."""
    unit_id = command.unit_id
    unit = _vacant_unit(park, unit_id, today)
    if unit.renovating:
        raise Conflict(f"unit {unit_id} is already under renovation")
    unit.renovating = True
    return unit


def renovate_unit(park: Park, command: RenovateUnit, at: datetime) -> Unit:
    """Record a finished renovation: the unit gets its own base rent and is available (UnitRenovated)."""
    unit_id, base_rent, today = command.unit_id, command.base_rent, at.date()
    unit = _vacant_unit(park, unit_id, today)
    previous = unit.base_rent or park.pricing_policy.base_rent(unit.unit_type)
    unit.base_rent, unit.renovating = base_rent, False
    park.record(
        UnitRenovated(
            park_id=park.park_id,
            group_id=park.group_id,
            unit_id=unit_id,
            previous_base_rent=previous,
            base_rent=base_rent,
            renovated_at=at,
        )
    )
    return unit


def report_metrics(park: Park, command: ReportMetrics, at: datetime) -> Tenant:
    """Store a tenant's yearly figures (a second report of a year corrects it): TenantMetricsReported.

    Only a year the enterprise lived through can have figures: from its founding year to this one."""
    tenant_id, metrics = command.tenant_id, command.metrics
    tenant = park.tenant(tenant_id)
    if not tenant.founded_on.year <= metrics.year <= at.year:
        raise Unprocessable(
            f"year: {metrics.year} is outside {tenant.founded_on.year} (founding) to {at.year} (this year)",
            field="year",
        )
    tenant.metrics[metrics.year] = metrics
    park.record(
        TenantMetricsReported.model_validate(
            {
                "park_id": park.park_id,
                "group_id": park.group_id,
                "tenant_id": tenant_id,
                "reported_at": at,
                **metrics.model_dump(),
            }
        )
    )
    return tenant


def _vacant_unit(park: Park, unit_id: str, today: date) -> Unit:
    unit = park.unit(unit_id)
    tenant = next(
        (x.tenant_id for x in park.leases.values() if unit_id in x.unit_ids and x.occupies(today)), None
    )
    if tenant:
        raise Conflict(f"unit {unit_id} is occupied by tenant {tenant}; renovate it once it is vacant")
    return unit
