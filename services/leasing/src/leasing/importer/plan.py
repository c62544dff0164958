"""Validating the three sheets before anything is written, and the plan of writes they make.

Each row goes through leasing's own request model (`UnitCreate`, `TenantCreate`, `LeaseCreate`,
`LeaseTerminate`: the bounds the API applies), then across the sheets and against what the park already
holds: duplicate keys, references to units and tenants that exist nowhere, a row that differs from what
the park holds under its key, leases that would hold one unit on the same day, a unit type without a base
rent. Every refusal is kept (sheet, row, column, reason); the plan is written only when there is none.

Natural keys: a unit is `building/unit_number` (unique in a park), a tenant its credit code, a lease its
`lease_ref` (the office's contract number); a lease already in the park is recognised by its tenant,
units and start date."""

from datetime import date

from leasing.importer.cells import COLUMNS, OPTIONAL, as_text
from leasing.importer.lease_checks import base_rents, listed_before, no_overlap
from leasing.importer.lease_rows import lease_steps
from leasing.importer.sheets import Workbook
from leasing.importer.steps import Holdings, LeaseStep, Plan, Step, TenantStep, UnitStep, unit_key
from leasing.importer.tenant_rows import tenant_steps
from leasing.importer.unit_rows import unit_steps

# the importer's API: the columns it reads, what it is given and the plan it answers
__all__ = ["COLUMNS", "OPTIONAL", "Holdings", "LeaseStep", "Plan", "Step", "TenantStep", "UnitStep", "plan"]


def plan(book: Workbook, park: Holdings, today: date) -> Plan:
    """Every refusal of the workbook, or (with none) the steps that import it, in the order they run."""
    out = Plan(refusals=list(book.refusals))
    rows = book.rows
    units = unit_steps(rows.get("units", []), park, today, out.refusals)
    unit_types = {s.key: s.body.unit_type.value for s in units} | {
        unit_key(u.building, u.unit_number): u.unit_type.value for u in park.units
    }
    # references are checked against every row of a sheet: a row refused for itself is reported once
    known_units = set(unit_types) | {
        unit_key(as_text(r.cells.get("building")), as_text(r.cells.get("unit_number")))
        for r in rows.get("units", [])
    }
    tenants = tenant_steps(rows.get("tenants", []), park, known_units, today, out.refusals)
    known_tenants = {t.credit_code for t in park.tenants} | {
        as_text(r.cells.get("credit_code")) for r in rows.get("tenants", [])
    }
    leases = lease_steps(rows.get("leases", []), park, known_units, known_tenants, out.refusals)
    no_overlap(leases, park, out.refusals)
    base_rents(leases, park, unit_types, out.refusals)
    listed: dict[str, date | None] = {s.key: s.body.listed_on or today for s in units}
    listed |= {unit_key(u.building, u.unit_number): u.listed_on for u in park.units}
    listed_before(leases, listed, out.refusals)
    out.steps = [*units, *tenants, *sorted(leases, key=lambda s: (s.body.starts_on, s.row.number))]
    return out
