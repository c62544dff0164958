from datetime import date

import pytest
from kpi.domain.periods import parse_period
from parkops_kernel.errors import Unprocessable


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-11-27", date(2026, 11, 27), date(2026, 11, 27)),
    ],
)
def test_a_period_is_a_year_a_quarter_or_a_month(label: str, start: date, end: date) -> None:
    period = parse_period(label)
    assert (period.start, period.end, period.label, period.year) == (start, end, label, start.year)


@pytest.mark.parametrize(
    "label",
    [
        "26",
        "2026-Q5",
        "2026-13",
        "2026-00",
        "2026-q1",
        "2026/11",
        "",
        "2026-02-30",
        "2026-11-1",
        "2026-Q1-01",
        "1899",
        "2200-01",
        "9999-12",
        "9999-Q4",
        "0000-01-01",
    ],
)
def test_any_other_period_format_or_a_year_outside_1900_2199_is_unprocessable(label: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        parse_period(label, "from")
    assert refused.value.field == "from"


def test_periods_before_1900_are_reached_only_by_stepping_back() -> None:
    assert parse_period("1900").previous().label == "1899"
    assert parse_period("1900-01-01").previous().label == "1899-12-31"


def test_the_previous_period_has_the_same_format() -> None:
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-07").previous().label == "2026-06"
    assert parse_period("2026").previous().label == "2025"
    assert parse_period("2026-03-01").previous().label == "2026-02-28"
