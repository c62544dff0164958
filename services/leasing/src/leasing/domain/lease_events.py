"""The events of the lease lifecycle, built from a lease."""

from datetime import datetime

from parkops_contracts.events.leasing import RentForEquityAgreed

from leasing.domain.lease import Lease
from leasing.domain.park import Park


def lease_of(park: Park, lease: Lease) -> dict[str, object]:
    """What every event of a lease names: its park, the park's group, the lease and its tenant."""
    return {
        "park_id": park.park_id,
        "group_id": park.group_id,
        "lease_id": lease.lease_id,
        "tenant_id": lease.tenant_id,
    }


def lease_terms(park: Park, lease: Lease) -> dict[str, object]:
    return {
        **lease_of(park, lease),
        "unit_ids": lease.unit_ids,
        "leased_area_m2": lease.area_m2,
        "starts_on": lease.starts_on,
        "ends_on": lease.ends_on,
        "term_months": lease.term_months,
        "monthly_base_rent": lease.monthly_base_rent,
        "total_rent": lease.total_rent,
        "schedule": lease.schedule(),
    }


def explained(lease: Lease) -> list[str]:
    return [f"{line.rule.value}: {line.explanation}" for line in lease.rules]


def record_equity(park: Park, lease: Lease, at: datetime) -> None:
    if lease.equity is None:
        return
    deal = lease.equity.model_dump()  # months waived, equity percent, waived amount, implied valuation
    park.record(RentForEquityAgreed.model_validate({**lease_of(park, lease), **deal, "agreed_at": at}))
