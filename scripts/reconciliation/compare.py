"""Pure comparison: a figure as its owner and each consumer report it -> a row, and its differences.

Tolerance: the APIs round money to the cent and ratios to 4 places, so two reports agree when they are
within half a unit of that last place (0.005 CNY, 0.00005; areas like money, counts exactly). Two
answers of "no figure" (null: nothing to divide by) agree; a number against a null does not. A service
that does not show the figure at all is a difference of its own ("missing")."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    MONEY = "money"
    RATIO = "ratio"
    AREA = "area"
    COUNT = "count"


TOLERANCE = {
    Kind.MONEY: Decimal("0.005"),
    Kind.RATIO: Decimal("0.00005"),
    Kind.AREA: Decimal("0.005"),
    Kind.COUNT: Decimal(0),
}
TOLERANCE_TEXT = (
    "money and areas agree to the cent (within 0.005), ratios to 4 places (within 0.00005), counts exactly"
)


@dataclass(frozen=True)
class Reported:
    """One service's report of a figure: its value (None: no figure, e.g. nothing to divide by), or
    `shown=False` when the service does not show the figure at all."""

    service: str
    value: Decimal | None
    shown: bool = True

    @classmethod
    def missing(cls, service: str) -> "Reported":
        return cls(service, None, shown=False)

    def text(self) -> str:
        if not self.shown:
            return f"{self.service}: missing"
        return f"{self.service}: {'none' if self.value is None else self.value}"


@dataclass(frozen=True)
class Figure:
    name: str
    kind: Kind
    owner: Reported
    consumers: tuple[Reported, ...]


@dataclass(frozen=True)
class Row:
    figure: Figure
    differences: tuple[str, ...]

    @property
    def agrees(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class NotCompared:
    """A figure the services do not define comparably (or not yet): said, not guessed."""

    name: str
    reason: str


@dataclass(frozen=True)
class Report:
    rows: tuple[Row, ...]
    not_compared: tuple[NotCompared, ...] = ()

    @property
    def differences(self) -> list[Row]:
        return [row for row in self.rows if not row.agrees]


def agree(kind: Kind, owner: Decimal | None, other: Decimal | None) -> bool:
    if owner is None or other is None:
        return owner is None and other is None
    return abs(owner - other) <= TOLERANCE[kind]


def _difference(figure: Figure, other: Reported) -> str | None:
    owner = figure.owner
    if not owner.shown or not other.shown:
        who = owner if not owner.shown else other
        return f"{who.service} does not show it"
    if agree(figure.kind, owner.value, other.value):
        return None
    gap = "" if owner.value is None or other.value is None else f" (by {other.value - owner.value})"
    return f"{other.text()} vs {owner.text()}{gap}"


def compare(figure: Figure) -> Row:
    """The figure's row: one difference per consumer that disagrees with the owner (or is missing)."""
    found = (_difference(figure, other) for other in figure.consumers)
    differences = tuple(dict.fromkeys(d for d in found if d is not None))
    if not figure.consumers:
        differences = (f"no service but {figure.owner.service} reports it",)
    return Row(figure, differences)


def reconcile(figures: Iterable[Figure], not_compared: Iterable[NotCompared] = ()) -> Report:
    return Report(tuple(compare(f) for f in figures), tuple(not_compared))


def render(report: Report, title: str) -> str:
    """The report as text: one line per figure (owner first), the differences, what was not compared."""
    lines = [title, f"tolerance: {TOLERANCE_TEXT}", ""]
    width = max((len(row.figure.name) for row in report.rows), default=10)
    for row in report.rows:
        reports = "  ".join(r.text() for r in (row.figure.owner, *row.figure.consumers))
        mark = "ok  " if row.agrees else "DIFF"
        lines.append(f"{mark} {row.figure.name:<{width}}  {reports}")
        lines.extend(f"       difference: {d}" for d in row.differences)
    for item in report.not_compared:
        lines.append(f"n/a  {item.name}: {item.reason}")
    count = len(report.differences)
    lines += ["", f"{count} difference{'' if count == 1 else 's'} in {len(report.rows)} figures compared"]
    return "\n".join(lines)
