"""The sheets' columns, and a row's cells as leasing's request models take them: text as text, yes/no
flags in the office's words, and each field the model refuses as a refusal of its column."""

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from leasing.importer.sheets import Cell, Refusal, Row

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


def validated(row: Row, model: type[M], data: dict[str, Any], refusals: list[Refusal]) -> M | None:
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


def cells(row: Row, columns: Iterable[str]) -> dict[str, Any]:
    """The row's cells a request model takes: text as text (a unit number typed as 301 is "301"), blank
    cells left out (a required one is then "Field required")."""
    data: dict[str, Any] = {}
    for column in columns:
        value = row.cells.get(column)
        if value is not None:
            data[column] = as_text(value) if column in TEXT else value
    return data


def as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def placeholders(refs: list[str]) -> list[str]:
    """Ids standing for units (or a tenant) not created yet, while a row is validated: one per distinct
    reference, so a unit listed twice is still listed twice."""
    index: dict[str, int] = {}
    return [f"ref-{index.setdefault(ref, len(index))}" for ref in refs]


def flag(row: Row, column: str, refusals: list[Refusal]) -> bool | None:
    value = row.cells.get(column)
    if isinstance(value, bool):
        return value
    text = as_text(value).strip().lower() if value is not None else ""
    if text in YES or text in NO:
        return text in YES
    refusals.append(
        row.refusal(column, f"{value!r} is neither yes (是, 1, true) nor no (否, 0, false, blank)")
    )
    return None
