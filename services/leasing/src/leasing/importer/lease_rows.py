"""The leases sheet: each row as `POST .../leases` and its termination, or the lease the park already holds
(same tenant, units and start)."""

from datetime import date

from leasing.domain.months import lease_end
from leasing.importer.cells import as_text, cells, placeholders, validated
from leasing.importer.checks import differences, repeated_key, unknown_units
from leasing.importer.sheets import Refusal, Row, split_list
from leasing.importer.steps import Holdings, LeaseStep, unit_key, unit_ref
from leasing.schemas.leases import LeaseCreate, LeasePublic, LeaseTerminate


def _lease_bodies(
    row: Row, refusals: list[Refusal]
) -> tuple[LeaseCreate | None, LeaseTerminate | None, bool]:
    """The row as `POST .../leases` and (with a termination date or reason) `POST .../termination`;
    the last value is whether the row passed."""
    refs = [unit_ref(r) for r in split_list(row.cells.get("units"))]
    data = cells(row, ("tenant", "starts_on", "term_months"))
    if data.pop("tenant", None) is not None:
        data["tenant_id"] = "ref-tenant"
    data["unit_ids"] = placeholders(refs)
    equity = cells(row, ("equity_months_waived", "equity_percent"))
    if equity:
        data["rent_for_equity"] = {k.removeprefix("equity_"): v for k, v in equity.items()}
    before = len(refusals)
    body = validated(row, LeaseCreate, data, refusals)
    termination = None
    ended = cells(row, ("terminated_on", "termination_reason"))
    if ended:
        ended["reason"] = ended.pop("termination_reason", None)
        termination = validated(row, LeaseTerminate, ended, refusals)
    if body and termination and not body.starts_on <= termination.terminated_on <= _end(body):
        why = f"{termination.terminated_on} is outside the lease term {body.starts_on} to {_end(body)}"
        refusals.append(row.refusal("terminated_on", why))
    return body, termination, len(refusals) == before


def _end(body: LeaseCreate) -> date:
    return lease_end(body.starts_on, body.term_months)


def lease_steps(
    rows: list[Row], park: Holdings, units: set[str], tenants: set[str], refusals: list[Refusal]
) -> list[LeaseStep]:
    seen: dict[str, int] = {}
    steps = []
    for row in rows:
        ref = as_text(row.cells.get("lease_ref"))
        if not ref:
            refusals.append(row.refusal("lease_ref", "Field required"))
        body, termination, fine = _lease_bodies(row, refusals)
        tenant = as_text(row.cells.get("tenant"))
        if tenant and tenant not in tenants:
            refusals.append(
                row.refusal("tenant", f"credit code {tenant} is neither in the tenants sheet nor in the park")
            )
            fine = False
        refs = [unit_ref(r) for r in split_list(row.cells.get("units"))]
        unknown = unknown_units(row, refs, units, refusals)
        duplicate = bool(ref) and repeated_key(seen, ref, row, "lease_ref", refusals)
        if unknown or duplicate or not ref or body is None or not fine:
            continue
        step = LeaseStep(row, ref, tenant, refs, body, termination, None)
        if _matches_held(step, park, refusals):
            steps.append(step)
    return steps


def _matches_held(step: LeaseStep, park: Holdings, refusals: list[Refusal]) -> bool:
    """Finds the park's lease this row describes (same tenant, units and start), if any; False (and a
    refusal) when that lease differs from the row."""
    names = {u.unit_id: unit_key(u.building, u.unit_number) for u in park.units}
    tenant_ids = {t.tenant_id: t.credit_code for t in park.tenants}
    there = next(
        (
            x
            for x in park.leases
            if tenant_ids.get(x.tenant_id) == step.tenant
            and sorted(names.get(u, u) for u in x.unit_ids) == sorted(step.units)
            and x.starts_on == step.body.starts_on
        ),
        None,
    )
    if there is None:
        return True
    ending = step.termination
    changed = _lease_changes(there, step)
    if there.terminated_on is None and ending is not None and there.status.value != "active":
        changed = f"it is {there.status.value} and cannot be terminated"
    if changed:
        refusals.append(
            step.row.refusal("-", f"differs from lease {there.lease_id} the park holds: {changed}")
        )
        return False
    step.present = there
    return True


def _lease_changes(there: LeasePublic, step: LeaseStep) -> str:
    equity, ending = step.body.rent_for_equity, step.termination
    held_equity = (there.equity.months_waived, there.equity.equity_percent) if there.equity else (None, None)
    pairs: list[tuple[str, object, object]] = [
        ("term_months", there.term_months, step.body.term_months),
        ("equity_months_waived", held_equity[0], equity and equity.months_waived),
        ("equity_percent", held_equity[1], equity and equity.equity_percent),
    ]
    if there.terminated_on:
        pairs.append(("terminated_on", there.terminated_on, ending and ending.terminated_on))
        pairs.append(("termination_reason", _reason(there), ending and ending.reason.value))
    return differences(pairs)


def _reason(lease: LeasePublic) -> str | None:
    return lease.termination_reason.value if lease.termination_reason else None
