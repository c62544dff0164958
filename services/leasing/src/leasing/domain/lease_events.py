"""The events of the lease lifecycle, built from a lease."""

from datetime import datetime

from parkops_contracts.events.leasing import RentForEquityAgreed, UnitOccupied

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


def record_occupation(park: Park, lease: Lease) -> None:
    """UnitOccupied for each unit of the lease, from its start to its last day (its end, or the day it
    was terminated): leasing's one figure of occupancy, recorded on signing, renewal and termination."""
    for unit_id in lease.unit_ids:
        span = {
            "unit_id": unit_id,
            "area_m2": park.unit(unit_id).area_m2,
            "occupied_from": lease.starts_on,
            "occupied_until": lease.last_day,
        }
        park.record(UnitOccupied.model_validate({**lease_of(park, lease), **span}))
