"""Bounded input types for request models: every number, date, string and list a client sends has a
range that means something, so nonsense is a 422 naming the field instead of a 500 or a stored absurdity.

Money is CNY with at most 2 decimals and at most 10^12 (a trillion); dates lie within 1900-2199;
integers fit int64 (the store's integer); strings carry no NUL or other control characters."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

MAX_MONEY = Decimal(10) ** 12
MAX_QUANTITY = Decimal(10) ** 6
INT64_MAX = 2**63 - 1
MAX_COUNT = 10**9
MAX_LIST = 1_000
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
_ID = re.compile(ID_PATTERN)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")


def is_id(value: str) -> bool:
    """Whether a string can be an id here at all: path ids that cannot be are simply not found."""
    return _ID.fullmatch(value) is not None


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain NUL or other control characters")
    return value


def _one_line(value: str) -> str:
    if _CONTROL_IN_LINE.search(value):
        raise ValueError("must be one line without control characters")
    return value


def _within_calendar(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must lie between {FIRST_DAY} and {LAST_DAY}")
    return value


def _not_in_future(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError("must not lie in the future")
    return value


ClientId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
"""An id a client chooses (a park, an external reference): letters, digits, `.`, `_`, `-`; 1-100."""
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_one_line)
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2_000), AfterValidator(_no_control)]
LongText = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_control)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=50), AfterValidator(_one_line)]

Money = Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=2, allow_inf_nan=False)]
PositiveMoney = Annotated[Decimal, Field(gt=0, le=MAX_MONEY, decimal_places=2, allow_inf_nan=False)]
SignedMoney = Annotated[Decimal, Field(ge=-MAX_MONEY, le=MAX_MONEY, decimal_places=2, allow_inf_nan=False)]
Rate = Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=4, allow_inf_nan=False)]
"""A price per unit (CNY/m²/month and the like): up to 4 decimals."""
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False)]
Ratio = Annotated[Decimal, Field(ge=0, le=1, decimal_places=6, allow_inf_nan=False)]
Quantity = Annotated[Decimal, Field(gt=0, le=MAX_QUANTITY, decimal_places=4, allow_inf_nan=False)]
Area = Annotated[Decimal, Field(gt=0, le=10**7, decimal_places=2, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
PositiveCount = Annotated[int, Field(ge=1, le=MAX_COUNT)]
Int64 = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]
Seconds = Annotated[int, Field(ge=1, le=10 * 366 * 86_400)]
"""A duration in seconds: at most ten years (an SLA target, a grace period)."""
Year = Annotated[int, Field(ge=1900, le=2199)]
Month = Annotated[int, Field(ge=1, le=12)]

BusinessDate = Annotated[date, AfterValidator(_within_calendar)]
BusinessTime = Annotated[datetime, AfterValidator(_within_calendar)]
PastDate = Annotated[date, AfterValidator(_within_calendar), AfterValidator(_not_in_future)]
"""A date that has happened (a founding date, a date of birth)."""
