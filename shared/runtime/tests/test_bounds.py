"""Bounded input types: nonsense is a validation error, sensible values pass unchanged."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from parkops_kernel.bounds import (
    Area,
    BusinessDate,
    BusinessTime,
    ClientId,
    Code,
    Count,
    Int64,
    Money,
    Name,
    PastDate,
    Percent,
    PositiveMoney,
    Quantity,
    Rate,
    SignedMoney,
    Text,
    Year,
    is_id,
)
from pydantic import TypeAdapter, ValidationError

# Two days ahead, not one: the suite may cross midnight between collecting this and validating it.
IN_TWO_DAYS = datetime.now(UTC).date() + timedelta(days=2)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (Money, 1e30),
        (Money, "1e30"),
        (Money, Decimal(10) ** 12 + Decimal("0.01")),
        (Money, "10.005"),
        (Money, "-0.01"),
        (Money, "NaN"),
        (Money, "Infinity"),
        (PositiveMoney, "0"),
        (SignedMoney, "-1e13"),
        (Rate, "1.00001"),
        (Percent, "100.01"),
        (Quantity, "0"),
        (Area, "1e30"),
        (Int64, 10**40),
        (Int64, 2**63),
        (Count, 10**40),
        (Count, -1),
        (Year, 9999),
        (BusinessDate, "9999-12-31"),
        (BusinessDate, "0001-01-01"),
        (BusinessDate, "1899-12-31"),
        (BusinessTime, "9999-01-01T00:00:00Z"),
        (PastDate, IN_TWO_DAYS.isoformat()),
        (Name, "a\x00b"),
        (Name, "two\nlines"),
        (Name, "   "),
        (Name, "x" * 201),
        (Text, "nul\x00inside"),
        (Text, ""),
        (Code, "a\tb"),
        (ClientId, "p\x001"),
        (ClientId, "../etc"),
        (ClientId, ""),
        (ClientId, "x" * 101),
    ],
    ids=lambda v: repr(v)[:30] if not isinstance(v, type) else None,
)
def test_nonsense_is_rejected(kind: Any, value: Any) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(kind).validate_python(value)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (Money, "0.01", Decimal("0.01")),
        (Money, Decimal(10) ** 12, Decimal(10) ** 12),
        (SignedMoney, "-12.50", Decimal("-12.50")),
        (Rate, "3.1415", Decimal("3.1415")),
        (Int64, 2**63 - 1, 2**63 - 1),
        (Year, 2199, 2199),
        (BusinessDate, "1900-01-01", date(1900, 1, 1)),
        (BusinessDate, "2199-12-31", date(2199, 12, 31)),
        (PastDate, "2001-05-17", date(2001, 5, 17)),
        (Name, "  Suzhou IC Park  ", "Suzhou IC Park"),
        (Text, "line one\nline two", "line one\nline two"),
        (ClientId, "suzhou-ic_park.2", "suzhou-ic_park.2"),
    ],
)
def test_sensible_values_pass(kind: Any, value: Any, expected: Any) -> None:
    assert TypeAdapter(kind).validate_python(value) == expected


def test_the_messages_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="2 decimal places"):
        TypeAdapter(Money).validate_python("10.005")
    with pytest.raises(ValidationError, match="between 1900-01-01 and 2199-12-31"):
        TypeAdapter(BusinessDate).validate_python("9999-01-01")
    with pytest.raises(ValidationError, match="future"):
        TypeAdapter(PastDate).validate_python(IN_TWO_DAYS)
    with pytest.raises(ValidationError, match="control characters"):
        TypeAdapter(Text).validate_python("\x00")


@pytest.mark.parametrize(
    ("value", "expected"), [("p1", True), ("p\x001", False), ("p 1", False), ("-p", False), ("", False)]
)
def test_is_id(value: str, expected: bool) -> None:
    assert is_id(value) is expected
