"""The events of the lease lifecycle, built from a lease."""

from datetime import datetime

from parkops_contracts.events.leasing import RentForEquityAgreed

from leasing.domain.lease import Lease
from leasing.domain.park import Park

# The lease's fields its events carry under the same names.
AS_STORED = {"unit_ids", "starts_on", "ends_on", "term_months", "monthly_base_rent"}


def lease_of(park: Park, lease: Lease) -> dict[str, object]:
    """What every event of a lease names: its park, the park's group, the lease and its tenant."""
    return {
        "park_id": park.park_id,
        "group_id": park.group_id,
        "lease_id": lease.lease_id,
        "tenant_id": lease.tenant_id,
    }


def lease_terms(park: Park, lease: Lease) -> dict[str, object]:
    """What LeaseSigned and LeaseRenewed both tell of the lease."""
    return {
        **lease_of(park, lease),
        **lease.model_dump(include=AS_STORED),
        "leased_area_m2": lease.area_m2,
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
