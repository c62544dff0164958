"""Validating the three sheets before anything is written, and the plan of writes they make.

Each row goes through leasing's own request model (`UnitCreate`, `TenantCreate`, `LeaseCreate`,
`LeaseTerminate`: the bounds the API applies), then across the sheets and against what the park already
holds: duplicate keys, references to units and tenants that exist nowhere, a row that differs from what
the park holds under its key, leases that would hold one unit on the same day, a unit type without a base
rent. Every refusal is kept (sheet, row, column, reason); the plan is written only when there is none.

Natural keys: a unit is `building/unit_number` (unique in a park), a tenant its credit code, a lease its
`lease_ref` (the office's contract number); a lease already in the park is recognised by its tenant,
units and start date."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from leasing.domain.availability import before_listing
from leasing.domain.months import lease_end
from leasing.importer.sheets import Cell, Refusal, Row, Workbook, split_list
from leasing.schemas.leases import LeaseCreate, LeasePublic, LeaseTerminate, PricingPolicy
from leasing.schemas.space import TenantCreate, TenantPublic, UnitCreate, UnitPublic

M = TypeVar("M", bound=BaseModel)

UNIT_COLUMNS = ("building", "floor", "unit_number", "unit_type", "area_m2", "listed_on")
TENANT_COLUMNS = (
    "name",
    "credit_code",
    "industry_code",
    "high_tech",
    "founded_on",
    "headcount",
    "units",
    "onboarded_on",
)
LEASE_COLUMNS = (
    "lease_ref",
    "tenant",
    "units",
    "starts_on",
    "term_months",
    "equity_months_waived",
    "equity_percent",
    "terminated_on",
    "termination_reason",
)
COLUMNS = {"units": UNIT_COLUMNS, "tenants": TENANT_COLUMNS, "leases": LEASE_COLUMNS}
OPTIONAL = frozenset(
    {
        "listed_on",
        "high_tech",
        "equity_months_waived",
        "equity_percent",
        "terminated_on",
        "termination_reason",
    }
)
TEXT = {"building", "unit_number", "unit_type", "name", "credit_code", "industry_code", "lease_ref", "tenant"}
YES = {"1", "true", "yes", "y", "是", "x", "✓"}
NO = {"0", "false", "no", "n", "否", ""}
# A request model's field, as the sheet's column
_COLUMN_OF = {"unit_ids": "units", "tenant_id": "tenant", "reason": "termination_reason"}
_EQUITY_COLUMN_OF = {"months_waived": "equity_months_waived", "equity_percent": "equity_percent"}


@dataclass(frozen=True)
class Holdings:
    """What the park already holds, as leasing's GETs answer it."""

    units: list[UnitPublic]
    tenants: list[TenantPublic]
    leases: list[LeasePublic]
    policy: (
        PricingPolicy | None
    )  # None: not readable by the caller (the base-rent check is then the server's)


@dataclass
class UnitStep:
    row: Row
    key: str
    body: UnitCreate
    present: str | None  # the unit id when the park holds it already


@dataclass
class TenantStep:
    row: Row
    credit_code: str
    body: TenantCreate
    units: list[str]
    present: str | None


@dataclass
class LeaseStep:
    row: Row
    ref: str
    tenant: str
    units: list[str]
    body: LeaseCreate
    termination: LeaseTerminate | None
    present: LeasePublic | None

    @property
    def last_day(self) -> date:
        end = lease_end(self.body.starts_on, self.body.term_months)
        return self.termination.terminated_on if self.termination else end

    @property
    def signs(self) -> bool:
        return self.present is None

    @property
    def terminates(self) -> bool:
        return self.termination is not None and (self.present is None or self.present.terminated_on is None)


Step = UnitStep | TenantStep | LeaseStep


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


def unit_key(building: str, unit_number: str) -> str:
    return f"{building}/{unit_number}"


def unit_ref(text: str) -> str:
    """A reference to a unit as `building/unit_number`, spaces around either part ignored."""
    building, _, number = text.partition("/")
    return unit_key(building.strip(), number.strip())


def plan(book: Workbook, park: Holdings, today: date) -> Plan:
    """Every refusal of the workbook, or (with none) the steps that import it, in the order they run."""
    out = Plan(refusals=list(book.refusals))
    rows = book.rows
    units = _units(rows.get("units", []), park, today, out.refusals)
    unit_types = {s.key: s.body.unit_type.value for s in units} | {
        unit_key(u.building, u.unit_number): u.unit_type.value for u in park.units
    }
    # references are checked against every row of a sheet: a row refused for itself is reported once
    known_units = set(unit_types) | {
        unit_key(_text(r.cells.get("building")), _text(r.cells.get("unit_number")))
        for r in rows.get("units", [])
    }
    tenants = _tenants(rows.get("tenants", []), park, known_units, today, out.refusals)
    known_tenants = {t.credit_code for t in park.tenants} | {
        _text(r.cells.get("credit_code")) for r in rows.get("tenants", [])
    }
    leases = _leases(rows.get("leases", []), park, known_units, known_tenants, out.refusals)
    _no_overlap(leases, park, out.refusals)
    _base_rents(leases, park, unit_types, out.refusals)
    listed: dict[str, date | None] = {s.key: s.body.listed_on or today for s in units}
    listed |= {unit_key(u.building, u.unit_number): u.listed_on for u in park.units}
    _listed_before(leases, listed, out.refusals)
    out.steps = [*units, *tenants, *sorted(leases, key=lambda s: (s.body.starts_on, s.row.number))]
    return out


def _validated(row: Row, model: type[M], data: dict[str, Any], refusals: list[Refusal]) -> M | None:
    """The row as leasing's request model, or None and a refusal per field it refuses."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        for error in e.errors():
            refusals.append(
                row.refusal(_column(error["loc"]), str(error["msg"]).removeprefix("Value error, "))
            )
        return None


def _column(loc: tuple[int | str, ...]) -> str:
    if loc and loc[0] == "rent_for_equity":
        return _EQUITY_COLUMN_OF.get(str(loc[1]), "equity_percent") if len(loc) > 1 else "equity_percent"
    return _COLUMN_OF.get(str(loc[0]), str(loc[0])) if loc else "-"


def _cells(row: Row, columns: Iterable[str]) -> dict[str, Any]:
    """The row's cells a request model takes: text as text (a unit number typed as 301 is "301"), blank
    cells left out (a required one is then "Field required")."""
    data: dict[str, Any] = {}
    for column in columns:
        value = row.cells.get(column)
        if value is not None:
            data[column] = _text(value) if column in TEXT else value
    return data


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _duplicate(seen: dict[str, int], key: str, row: Row, column: str, refusals: list[Refusal]) -> bool:
    if key in seen:
        refusals.append(row.refusal(column, f"{key} is already on row {seen[key]}"))
        return True
    seen[key] = row.number
    return False


def _differences(pairs: Iterable[tuple[str, object, object]]) -> str:
    """`floor 3 in the park, 4 here; ...` for each field whose values differ."""
    return "; ".join(
        f"{name} {there} in the park, {here} here" for name, there, here in pairs if there != here
    )


def _units(rows: list[Row], park: Holdings, today: date, refusals: list[Refusal]) -> list[UnitStep]:
    held = {unit_key(u.building, u.unit_number): u for u in park.units}
    seen: dict[str, int] = {}
    steps = []
    for row in rows:
        body = _validated(row, UnitCreate, _cells(row, UNIT_COLUMNS), refusals)
        if body is None:
            continue
        if "/" in body.building:
            refusals.append(
                row.refusal("building", "must not contain / (units are named building/unit_number)")
            )
            continue
        if body.listed_on and body.listed_on > today:
            refusals.append(row.refusal("listed_on", "after today"))
            continue
        key = unit_key(body.building, body.unit_number)
        if _duplicate(seen, key, row, "unit_number", refusals):
            continue
        there = held.get(key)
        if there is not None:
            changed = _differences(
                [
                    ("floor", there.floor, body.floor),
                    ("unit_type", there.unit_type.value, body.unit_type.value),
                    ("area_m2", there.area_m2, body.area_m2),
                ]
                + (
                    [("listed_on", there.listed_on, body.listed_on)]
                    if body.listed_on and there.listed_on
                    else []
                )
            )
            if changed:
                refusals.append(
                    row.refusal("-", f"differs from unit {there.unit_id} the park holds: {changed}")
                )
                continue
        steps.append(UnitStep(row, key, body, there.unit_id if there else None))
    return steps


def _placeholders(refs: list[str]) -> list[str]:
    """Ids standing for units (or a tenant) not created yet, while a row is validated: one per distinct
    reference, so a unit listed twice is still listed twice."""
    index: dict[str, int] = {}
    return [f"ref-{index.setdefault(ref, len(index))}" for ref in refs]


def _flag(row: Row, column: str, refusals: list[Refusal]) -> bool | None:
    value = row.cells.get(column)
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower() if value is not None else ""
    if text in YES or text in NO:
        return text in YES
    refusals.append(
        row.refusal(column, f"{value!r} is neither yes (是, 1, true) nor no (否, 0, false, blank)")
    )
    return None


def _unknown_units(row: Row, refs: list[str], known: set[str], refusals: list[Refusal]) -> bool:
    missing = [ref for ref in refs if ref not in known]
    for ref in missing:
        refusals.append(row.refusal("units", f"unit {ref} is neither in the units sheet nor in the park"))
    return bool(missing)


def _tenants(
    rows: list[Row], park: Holdings, units: set[str], today: date, refusals: list[Refusal]
) -> list[TenantStep]:
    held = {t.credit_code: t for t in park.tenants}
    seen: dict[str, int] = {}
    steps = []
    for row in rows:
        refs = [unit_ref(r) for r in split_list(row.cells.get("units"))]
        data = _cells(
            row, ("name", "credit_code", "industry_code", "founded_on", "headcount", "onboarded_on")
        )
        data["high_tech"] = _flag(row, "high_tech", refusals)
        data["unit_ids"] = _placeholders(refs)
        body = _validated(row, TenantCreate, data, refusals)
        unknown = _unknown_units(row, refs, units, refusals)
        if body is None or data["high_tech"] is None:
            continue
        if _duplicate(seen, body.credit_code, row, "credit_code", refusals) or unknown:
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
    return _differences(
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


def _lease_bodies(
    row: Row, refusals: list[Refusal]
) -> tuple[LeaseCreate | None, LeaseTerminate | None, bool]:
    """The row as `POST .../leases` and (with a termination date or reason) `POST .../termination`;
    the last value is whether the row passed."""
    refs = [unit_ref(r) for r in split_list(row.cells.get("units"))]
    data = _cells(row, ("tenant", "starts_on", "term_months"))
    if data.pop("tenant", None) is not None:
        data["tenant_id"] = "ref-tenant"
    data["unit_ids"] = _placeholders(refs)
    equity = _cells(row, ("equity_months_waived", "equity_percent"))
    if equity:
        data["rent_for_equity"] = {k.removeprefix("equity_"): v for k, v in equity.items()}
    before = len(refusals)
    body = _validated(row, LeaseCreate, data, refusals)
    termination = None
    ended = _cells(row, ("terminated_on", "termination_reason"))
    if ended:
        ended["reason"] = ended.pop("termination_reason", None)
        termination = _validated(row, LeaseTerminate, ended, refusals)
    if body and termination and not body.starts_on <= termination.terminated_on <= _end(body):
        why = f"{termination.terminated_on} is outside the lease term {body.starts_on} to {_end(body)}"
        refusals.append(row.refusal("terminated_on", why))
    return body, termination, len(refusals) == before


def _end(body: LeaseCreate) -> date:
    return lease_end(body.starts_on, body.term_months)


def _leases(
    rows: list[Row], park: Holdings, units: set[str], tenants: set[str], refusals: list[Refusal]
) -> list[LeaseStep]:
    seen: dict[str, int] = {}
    steps = []
    for row in rows:
        ref = _text(row.cells.get("lease_ref"))
        if not ref:
            refusals.append(row.refusal("lease_ref", "Field required"))
        body, termination, fine = _lease_bodies(row, refusals)
        tenant = _text(row.cells.get("tenant"))
        if tenant and tenant not in tenants:
            refusals.append(
                row.refusal("tenant", f"credit code {tenant} is neither in the tenants sheet nor in the park")
            )
            fine = False
        refs = [unit_ref(r) for r in split_list(row.cells.get("units"))]
        unknown = _unknown_units(row, refs, units, refusals)
        duplicate = bool(ref) and _duplicate(seen, ref, row, "lease_ref", refusals)
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
    return _differences(pairs)


def _reason(lease: LeasePublic) -> str | None:
    return lease.termination_reason.value if lease.termination_reason else None


def _no_overlap(leases: list[LeaseStep], park: Holdings, refusals: list[Refusal]) -> None:
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


def _base_rents(
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


def _listed_before(leases: list[LeaseStep], listed: dict[str, date | None], refusals: list[Refusal]) -> None:
    """leasing refuses a lease that starts before its units are listed (`before_listing`): an older
    lease needs its units' `listed_on` (blank: today)."""
    for step in leases:
        if step.signs:
            for ref in step.units:
                why = before_listing(ref, listed[ref], step.body.starts_on) if ref in listed else None
                if why:
                    refusals.append(step.row.refusal("starts_on", why))
