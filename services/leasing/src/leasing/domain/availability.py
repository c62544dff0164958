"""Whether units are free for a period: the rule that keeps two leases off one unit on one day."""

from datetime import date

from parkops_kernel.errors import Conflict

from leasing.domain.park import Park


def ensure_free(park: Park, unit_ids: list[str], first: date, last: date) -> None:
    """409 naming the conflicting lease unless every unit is free from `first` to `last`. Only leases
    hold units: an onboarding names the units an enterprise asks for and holds none."""
    for unit_id in unit_ids:
        if park.unit(unit_id).renovating:
            raise Conflict(f"unit {unit_id} is under renovation")
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
