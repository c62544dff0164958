"""Spreadsheets as a park office sends them, built for the importer's tests."""

from pathlib import Path
from typing import Any

from openpyxl import Workbook


def xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """One sheet per name, its rows as given (the first is the header); saved at `path`."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path
