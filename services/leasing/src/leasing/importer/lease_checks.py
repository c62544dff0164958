"""What leasing would refuse of the leases to sign, seen across the sheets and the park: two leases on one
unit and day, a unit type without a base rent, a lease starting before its units are listed."""

from datetime import date

from leasing.domain.availability import before_listing
from leasing.importer.sheets import Refusal
from leasing.importer.steps import Holdings, LeaseStep, unit_key


def no_overlap(leases: list[LeaseStep], park: Holdings, refusals: list[Refusal]) -> None:
    """No two leases hold one unit on one day: this sheet's leases among themselves, and against the
    park's leases that no row of the sheet describes (leasing would refuse the later signing)."""
    names = {u.unit_id: unit_key(u.building, u.unit_number) for u in park.units}
    described = {s.present.lease_id for s in leases if s.present}
    spans: list[tuple[str, date, date, str]] = [
        (names.get(u, u), x.starts_on, x.terminated_on or x.ends_on, f"lease {x.lease_id} of the park")
        for x in park.leases
        if x.lease_id not in described
        for u in x.unit_ids
    ]
    for step in sorted(leases, key=lambda s: (s.body.starts_on, s.row.number)):
        first, last = step.body.starts_on, step.last_day
        clash = [s for s in spans if s[0] in step.units and s[1] <= last and first <= s[2]]
        for unit, start, end, holder in clash:
            why = f"unit {unit} is also let from {start} to {end} by {holder}"
            refusals.append(step.row.refusal("units", why))
        spans += [(u, first, last, f"leases row {step.row.number}") for u in step.units]


def base_rents(
    leases: list[LeaseStep], park: Holdings, units: dict[str, str], refusals: list[Refusal]
) -> None:
    """leasing prices a lease from the park's base rent per unit type (or a renovated unit's own)."""
    if park.policy is None:
        return
    own = {unit_key(u.building, u.unit_number) for u in park.units if u.base_rent is not None}
    priced = {t.value for t in park.policy.base_rents}
    for step in leases:
        if step.signs:
            for ref in step.units:
                if ref not in own and ref in units and units[ref] not in priced:
                    why = f"the park's pricing policy has no base rent for {units[ref]} (unit {ref})"
                    refusals.append(step.row.refusal("units", why))


def listed_before(leases: list[LeaseStep], listed: dict[str, date | None], refusals: list[Refusal]) -> None:
    """leasing refuses a lease that starts before its units are listed (`before_listing`): an older
    lease needs its units' `listed_on` (blank: today)."""
    for step in leases:
        if step.signs:
            for ref in step.units:
                why = before_listing(ref, listed[ref], step.body.starts_on) if ref in listed else None
                if why:
                    refusals.append(step.row.refusal("starts_on", why))
