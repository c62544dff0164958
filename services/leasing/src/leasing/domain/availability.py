"""Whether units are free for a period: the rule that keeps two leases off one unit on one day."""

from datetime import date

from parkops_kernel.errors import Conflict

from leasing.domain.park import Park
from leasing.domain.space import UnitStatus


def ensure_free(park: Park, unit_ids: list[str], tenant_id: str, first: date, last: date) -> None:
    """409 naming the conflicting lease (or occupant) unless every unit is free from `first` to `last`."""
    for unit_id in unit_ids:
        unit = park.unit(unit_id)
        if unit.status is UnitStatus.RENOVATING:
            raise Conflict(f"unit {unit_id} is under renovation")
        if unit.tenant_id not in (None, tenant_id):
            raise Conflict(f"unit {unit_id} is occupied by tenant {unit.tenant_id} (onboarded there)")
        clash = next(
            (
                lease
                for lease in park.leases.values()
                if unit_id in lease.unit_ids and lease.overlaps(first, last)
            ),
            None,
        )
        if clash:
            raise Conflict(
                f"unit {unit_id} is not available from {first} to {last}: lease {clash.lease_id} of tenant "
                f"{clash.tenant_id} holds it from {clash.starts_on} to {clash.last_day}"
            )
