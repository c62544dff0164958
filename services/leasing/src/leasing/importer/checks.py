"""Checks every sheet makes of its rows: a natural key given twice, a row that differs from what the park
holds under its key, a reference to a unit that exists nowhere."""

from collections.abc import Iterable

from leasing.importer.sheets import Refusal, Row


def repeated_key(seen: dict[str, int], key: str, row: Row, column: str, refusals: list[Refusal]) -> bool:
    if key in seen:
        refusals.append(row.refusal(column, f"{key} is already on row {seen[key]}"))
        return True
    seen[key] = row.number
    return False


def differences(pairs: Iterable[tuple[str, object, object]]) -> str:
    """`floor 3 in the park, 4 here; ...` for each field whose values differ."""
    return "; ".join(
        f"{name} {there} in the park, {here} here" for name, there, here in pairs if there != here
    )


def unknown_units(row: Row, refs: list[str], known: set[str], refusals: list[Refusal]) -> bool:
    missing = [ref for ref in refs if ref not in known]
    for ref in missing:
        refusals.append(row.refusal("units", f"unit {ref} is neither in the units sheet nor in the park"))
    return bool(missing)
