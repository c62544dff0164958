"""Amounts a client enters into finance: CNY only, finite, > 0, at most two decimals and 10^12 CNY
(422 otherwise), never rounded; an invoice derived from entered figures (quantity x price) obeys the same
ceiling. Money itself and its one rounding rule are the kernel's (`parkops_kernel.money`)."""

from decimal import Decimal, InvalidOperation
from typing import Annotated

from parkops_kernel.bounds import MAX_MONEY, PositiveMoney
from parkops_kernel.errors import Unprocessable
from parkops_kernel.money import CENT, CURRENCY, exact_cents
from pydantic import AfterValidator


def _in_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


EnteredAmount = Annotated[PositiveMoney, AfterValidator(_in_cents)]
"""An amount a client entered: > 0, at most 10^12 and two decimals (a request schema field: 422 otherwise)."""


def within_ceiling(amount: Decimal, field: str) -> Decimal:
    """A derived amount (an invoice of quantity x price) may not exceed what a client may enter."""
    if amount > MAX_MONEY:
        raise Unprocessable(f"{field}: the amount it yields, {amount} CNY, exceeds {MAX_MONEY} CNY", field)
    return amount


def entered_amount(value: Decimal | str, currency: str = CURRENCY) -> Decimal:
    """Validate an amount a client entered: CNY, finite, > 0, at most two decimals."""
    if currency != CURRENCY:
        raise Unprocessable(f"unknown currency {currency!r}: only {CURRENCY} is accepted")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise Unprocessable(f"amount {value!r} is not a number") from exc
    try:
        amount = exact_cents(amount)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from exc
    if amount <= 0:
        raise Unprocessable(f"amount must be positive, got {amount}")
    return within_ceiling(amount, "amount")
