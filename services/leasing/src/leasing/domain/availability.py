"""Whether units can be let for a period: the rules that keep two leases off one unit on one day, and a
lease off the days before its units are on the market."""

from datetime import date

from parkops_kernel.errors import Conflict, Unprocessable

from leasing.domain.park import Park


def before_listing(unit: str, listed_on: date | None, starts_on: date) -> str | None:
    """Why a lease starting `starts_on` cannot hold `unit`, listed on `listed_on` (None: listed before
    listing dates were kept, so long ago), or None when it can. A lease covers no day before its units are
    listed: on such a day it would be on the rent roll and billed, yet the park's occupancy (listed units
    only) would not count the unit, so leasing, finance and kpi would disagree."""
    if listed_on is not None and starts_on < listed_on:
        return f"starts {starts_on}, before unit {unit} is listed ({listed_on})"
    return None


def ensure_free(park: Park, unit_ids: list[str], first: date, last: date) -> None:
    """422 naming `starts_on` if the period starts before a unit is listed; 409 if a unit is under
    renovation, or naming the conflicting lease, unless every unit is free from `first` to `last`. Only
    leases hold units: an onboarding names the units an enterprise asks for and holds none."""
    for unit_id in unit_ids:
        why = before_listing(unit_id, park.unit(unit_id).listed_on, first)
        if why:
            raise Unprocessable(f"starts_on: {why}", field="starts_on")
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
