"""Money: `Decimal` CNY with exactly two places. No float is ever involved.

The one rounding rule: every amount that is *derived* (a commission, a fee percentage, a prorated
month, a stake's marked value) is computed exactly with `Decimal` and rounded once, when it is posted,
half-up to the cent (`ROUND_HALF_UP`, 0.005 -> 0.01). Amounts a client *enters* are never rounded: more
than two decimals is rejected (422), as are zero or negative amounts, amounts above 10^12 CNY and any
currency but CNY. An invoice derived from entered figures (quantity x price) obeys the same ceiling."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from parkops_kernel.bounds import MAX_MONEY, PositiveMoney
from parkops_kernel.errors import Unprocessable
from pydantic import AfterValidator

CURRENCY = "CNY"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cny(amount: Decimal) -> Decimal:
    """Round an exact amount to the cent, half-up: the only rounding in finance."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent`% of `amount`, rounded by the one rule."""
    return cny(amount * percent / 100)


def _exact_cents(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("amount must be a finite number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(CENT):
        raise ValueError("amount has more than 2 decimal places")
    try:
        return value.quantize(CENT)
    except InvalidOperation as exc:  # more digits than the decimal context holds
        raise ValueError("amount is too large") from exc


Money = Annotated[Decimal, AfterValidator(_exact_cents)]
"""A CNY amount with exactly two places (stored and shown as e.g. "1250.00")."""


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
        amount = _exact_cents(amount)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from exc
    if amount <= 0:
        raise Unprocessable(f"amount must be positive, got {amount}")
    return within_ceiling(amount, "amount")
