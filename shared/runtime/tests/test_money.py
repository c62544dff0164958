"""The one money rule of every domain (`parkops_kernel.money`)."""

from decimal import Decimal

import pytest
from parkops_kernel.money import cny, exact_cents, percent_of


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [("0.005", "0.01"), ("0.004999", "0.00"), ("-0.005", "-0.01"), ("2.675", "2.68"), ("10", "10.00")],
)
def test_a_derived_amount_rounds_half_up_to_the_cent(exact: str, rounded: str) -> None:
    assert str(cny(Decimal(exact))) == rounded


def test_a_percentage_is_rounded_once_by_the_same_rule() -> None:
    assert percent_of(Decimal("0.50"), Decimal(1)) == Decimal("0.01")  # 0.005
    assert percent_of(Decimal("5000000000.00"), Decimal("1.5")) == Decimal("75000000.00")


def test_an_amount_in_cents_keeps_them_and_refuses_what_it_cannot_hold() -> None:
    assert str(exact_cents(Decimal("12.5"))) == "12.50"
    for bad in (Decimal("0.001"), Decimal("Infinity"), Decimal("NaN"), Decimal("1e40")):
        with pytest.raises(ValueError, match="amount"):
            exact_cents(bad)
