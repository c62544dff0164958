"""The tenants sheet: each row as `POST .../tenants` (onboarded into units of the units sheet or the park),
or the tenant the park already holds under its credit code."""

from datetime import date

from leasing.importer.cells import cells, flag, placeholders, validated
from leasing.importer.checks import differences, repeated_key, unknown_units
from leasing.importer.sheets import Refusal, Row, split_list
from leasing.importer.steps import Holdings, TenantStep, unit_key, unit_ref
from leasing.schemas.space import TenantCreate, TenantPublic


def tenant_steps(
    rows: list[Row], park: Holdings, units: set[str], today: date, refusals: list[Refusal]
) -> list[TenantStep]:
    held = {t.credit_code: t for t in park.tenants}
    seen: dict[str, int] = {}
    steps = []
    for row in rows:
        refs = [unit_ref(r) for r in split_list(row.cells.get("units"))]
        data = cells(row, ("name", "credit_code", "industry_code", "founded_on", "headcount", "onboarded_on"))
        data["high_tech"] = flag(row, "high_tech", refusals)
        data["unit_ids"] = placeholders(refs)
        body = validated(row, TenantCreate, data, refusals)
        unknown = unknown_units(row, refs, units, refusals)
        if body is None or data["high_tech"] is None:
            continue
        if repeated_key(seen, body.credit_code, row, "credit_code", refusals) or unknown:
            continue
        if body.onboarded_on is None or body.onboarded_on > today:
            why = (
                "required: the day the enterprise was onboarded"
                if body.onboarded_on is None
                else "after today"
            )
            refusals.append(row.refusal("onboarded_on", why))
            continue
        there = held.get(body.credit_code)
        if there is not None:
            changed = _tenant_changes(there, body, refs, park)
            if changed:
                refusals.append(
                    row.refusal("-", f"differs from tenant {there.tenant_id} the park holds: {changed}")
                )
                continue
        elif _asked_units_let(row, refs, body.onboarded_on, park, refusals):
            continue
        steps.append(TenantStep(row, body.credit_code, body, refs, there.tenant_id if there else None))
    return steps


def _tenant_changes(there: TenantPublic, body: TenantCreate, refs: list[str], park: Holdings) -> str:
    names = {u.unit_id: unit_key(u.building, u.unit_number) for u in park.units}
    held_units = ";".join(sorted(names.get(u, u) for u in there.unit_ids))
    return differences(
        [
            ("name", there.name, body.name),
            ("industry_code", there.industry_code, body.industry_code),
            ("high_tech", there.high_tech, body.high_tech),
            ("founded_on", there.founded_on, body.founded_on),
            ("headcount", there.headcount, body.headcount),
            ("units", held_units, ";".join(sorted(refs))),
            ("onboarded_on", there.onboarded_on, body.onboarded_on),
        ]
    )


def _asked_units_let(row: Row, refs: list[str], day: date, park: Holdings, refusals: list[Refusal]) -> bool:
    """leasing refuses an onboarding into a unit that a lease of the park holds on or after its date, or
    that is under renovation (tenants are onboarded before this import's leases are signed)."""
    by_id = {u.unit_id: u for u in park.units}
    found = False
    for ref in refs:
        unit = next((u for u in park.units if unit_key(u.building, u.unit_number) == ref), None)
        if unit is not None and unit.status.value == "renovating":
            refusals.append(row.refusal("units", f"unit {ref} is under renovation"))
            found = True
        for lease in park.leases:
            if ref in {
                unit_key(by_id[u].building, by_id[u].unit_number) for u in lease.unit_ids if u in by_id
            }:
                last = lease.terminated_on or lease.ends_on
                if last >= day:
                    why = f"unit {ref} is let by lease {lease.lease_id} until {last}, after onboarded_on"
                    refusals.append(row.refusal("units", why))
                    found = True
    return found
