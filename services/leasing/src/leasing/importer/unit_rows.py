"""The units sheet: each row as `POST .../units`, or the unit the park already holds under its key."""

from datetime import date

from leasing.importer.cells import UNIT_COLUMNS, cells, validated
from leasing.importer.checks import differences, repeated_key
from leasing.importer.sheets import Refusal, Row
from leasing.importer.steps import Holdings, UnitStep, unit_key
from leasing.schemas.space import UnitCreate


def unit_steps(rows: list[Row], park: Holdings, today: date, refusals: list[Refusal]) -> list[UnitStep]:
    held = {unit_key(u.building, u.unit_number): u for u in park.units}
    seen: dict[str, int] = {}
    steps = []
    for row in rows:
        body = validated(row, UnitCreate, cells(row, UNIT_COLUMNS), refusals)
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
        if repeated_key(seen, key, row, "unit_number", refusals):
            continue
        there = held.get(key)
        if there is not None:
            changed = differences(
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
