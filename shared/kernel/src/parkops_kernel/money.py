"""Money, the one module every service's domain uses: `Decimal` CNY with exactly two places, no float.

The one rounding rule: an amount that is *derived* (a rent line, a commission, a fee percentage, a
prorated month, a ticket's labour and materials, a stake's marked value) is computed exactly and rounded
once, when it is fixed, half-up to the cent (`ROUND_HALF_UP`, 0.005 -> 0.01). Totals are sums of amounts
already rounded. Amounts a client *enters* are never rounded: more than two decimals is a 422
(`parkops_kernel.bounds.Money`)."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator

CURRENCY = "CNY"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cny(amount: Decimal) -> Decimal:
    """Round an exact amount to the cent, half-up: the only rounding of money."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent`% of `amount`, rounded by the one rule."""
    return cny(amount * percent / 100)


def exact_cents(value: Decimal) -> Decimal:
    """An amount that must already be in cents (stored or computed by the rule), shown with two places."""
    if not value.is_finite():
        raise ValueError("amount must be a finite number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(CENT):
        raise ValueError("amount has more than 2 decimal places")
    try:
        return value.quantize(CENT)
    except ArithmeticError as exc:  # more digits than the decimal context holds
        raise ValueError("amount is too large") from exc


Cents = Annotated[Decimal, AfterValidator(exact_cents)]
"""A CNY amount with exactly two places (stored and shown as e.g. "1250.00")."""
