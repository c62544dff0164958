"""Reading the three sheets: rows of cells by column name, numbered as the sheet shows them (the header is
row 1), from an .xlsx workbook or a directory of UTF-8 CSV files. Nothing here raises on bad input: a
file that cannot be read, a missing sheet or column, an unknown column are `Refusal`s."""

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from leasing.importer.names import column_name, sheet_name

SHEETS = ("units", "tenants", "leases")
LIST_SEPARATORS = re.compile("[;\uff1b]")  # the full-width one too: what a Chinese input method types
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

Cell = str | int | float | bool | date | None


@dataclass(frozen=True)
class Refusal:
    """One refused row (or file, sheet, column): where, which column, why."""

    sheet: str
    row: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}" if self.row is not None else self.sheet
        return f"{where}, {self.field}: {self.reason}"


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int
    cells: dict[str, Cell]

    def refusal(self, column: str, reason: str) -> Refusal:
        return Refusal(self.sheet, self.number, column, reason)


@dataclass
class Workbook:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    refusals: list[Refusal] = field(default_factory=list)


def read(path: Path, columns: dict[str, tuple[str, ...]], optional: frozenset[str] = frozenset()) -> Workbook:
    """The sheets of `path` (.xlsx file or directory of CSV files), each checked for its `columns` (all
    required in the header but the `optional` ones; no other)."""
    book = Workbook()
    try:
        raw = _csv_sheets(path) if path.is_dir() else _xlsx_sheets(path)
    except UnicodeDecodeError:
        book.refusals.append(Refusal(path.name, None, "-", "cannot be read: not UTF-8 (save as CSV UTF-8)"))
        return book
    except Exception as e:  # whatever openpyxl or csv make of a file that is no workbook
        book.refusals.append(Refusal(path.name, None, "-", f"cannot be read as {_kind(path)}: {e}"))
        return book
    for name in SHEETS:
        table = raw.get(name)
        if table is None:
            book.refusals.append(Refusal(name, None, "-", "sheet missing"))
            continue
        rows, refusals = _rows(name, table, columns[name], optional)
        book.rows[name], book.refusals = rows, book.refusals + refusals
    return book


def _kind(path: Path) -> str:
    return "a directory of CSV files" if path.is_dir() else "an .xlsx workbook"


def _rows(
    sheet: str, table: list[Sequence[Cell]], columns: tuple[str, ...], optional: frozenset[str]
) -> tuple[list[Row], list[Refusal]]:
    if not table:
        return [], [Refusal(sheet, 1, "-", "no header row")]
    header = [column_name(str(c)) if c is not None else "" for c in table[0]]
    refusals = [
        Refusal(sheet, 1, c, "column missing") for c in columns if c not in header and c not in optional
    ]
    refusals += [Refusal(sheet, 1, h, "unknown column") for h in header if h and h not in columns]
    seen = [h for h in header if h]
    refusals += [Refusal(sheet, 1, h, "column appears twice") for h in set(seen) if seen.count(h) > 1]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = {h: _clean(v) for h, v in zip(header, values, strict=False) if h}
        if any(v is not None for v in cells.values()):  # blank lines at the end of a sheet are no rows
            rows.append(Row(sheet, number, cells))
    return rows, refusals


def _clean(value: object) -> Cell:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        value = value.strip()
        day = _DAY.match(value)
        if day:  # 2024/3/1, 2024.03.01, 2024年3月1日 as ISO 2024-03-01
            return f"{int(day[1]):04d}-{int(day[2]):02d}-{int(day[3]):02d}"
        return value or None
    if isinstance(value, bool | int | float | date) or value is None:
        return value
    return str(value)


def _csv_sheets(directory: Path) -> dict[str, list[Sequence[Cell]]]:
    found: dict[str, list[Sequence[Cell]]] = {}
    for path in sorted(directory.glob("*.csv")):
        name = sheet_name(path.stem)
        if name in SHEETS:
            with path.open(encoding="utf-8-sig", newline="") as f:  # -sig: Excel's "CSV UTF-8" has a BOM
                found[name] = list(csv.reader(f))
    return found


def _xlsx_sheets(path: Path) -> dict[str, list[Sequence[Cell]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # no stubs; only an .xlsx needs it

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            sheet_name(ws.title): _values(ws.iter_rows(values_only=True))
            for ws in book.worksheets
            if sheet_name(ws.title) in SHEETS
        }
    finally:
        book.close()


def _values(rows: Iterable[Sequence[object]]) -> list[Sequence[Cell]]:
    return [[_clean(v) for v in row] for row in rows]


def split_list(value: Cell) -> list[str]:
    """A multi-valued cell: values separated by `;` (or the full-width one), blanks dropped."""
    if value is None:
        return []
    return [part.strip() for part in LIST_SEPARATORS.split(str(value)) if part.strip()]
