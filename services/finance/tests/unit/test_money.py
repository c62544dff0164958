from decimal import Decimal

import pytest
from finance.domain.money import entered_amount
from parkops_kernel.errors import Unprocessable
from parkops_kernel.money import cny, percent_of


def test_rounding_is_half_up_to_the_cent() -> None:
    assert cny(Decimal("0.005")) == Decimal("0.01")
    assert cny(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67
    assert cny(Decimal("-0.005")) == Decimal("-0.01")
    assert percent_of(Decimal("5000000000"), Decimal("1.5")) == Decimal("75000000.00")


@pytest.mark.parametrize("value", ["0", "-1", "1.001", "NaN", "abc", "Infinity", "1e30", "1000000000000.01"])
def test_entered_amounts_must_be_positive_cents(value: str) -> None:
    with pytest.raises(Unprocessable):
        entered_amount(value)


def test_only_cny_is_accepted() -> None:
    with pytest.raises(Unprocessable, match="currency"):
        entered_amount("10", "USD")
    assert entered_amount("10.5") == Decimal("10.50")
    assert entered_amount("1.000") == Decimal("1.00")
