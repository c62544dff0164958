"""Request bounds: nonsense is refused naming the field before any use case runs."""

from decimal import Decimal
from typing import Any

import pytest
from finance.domain import fees
from finance.schemas import (
    FeeCatalogue,
    FeeCharge,
    FundingDealCreate,
    InvoiceCreate,
    PaymentCreate,
    StakeCreate,
)
from pydantic import BaseModel, ValidationError

INVOICE = {"payer_id": "t1", "stream": "rent", "amount": "100.00", "description": "rent"}
DEAL = {
    "tenant_id": "t1",
    "institution": "ICBC Suzhou",
    "instrument": "loan",
    "amount": "1000.00",
    "payer_id": "institution:bank-icbc",
}


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (InvoiceCreate, INVOICE | {"amount": "1e30"}, "amount"),
        (InvoiceCreate, INVOICE | {"amount": 10**40}, "amount"),
        (InvoiceCreate, INVOICE | {"amount": "1000000000000.01"}, "amount"),
        (InvoiceCreate, INVOICE | {"on": "0001-01-01"}, "on"),
        (InvoiceCreate, INVOICE | {"on": "2200-01-01"}, "on"),
        (InvoiceCreate, INVOICE | {"description": "rent\x00"}, "description"),
        (InvoiceCreate, INVOICE | {"payer_id": "institution:bank-icbc"}, "payer_id"),  # invoices: tenants
        (InvoiceCreate, INVOICE | {"payer_id": "a" * 101}, "payer_id"),
        (PaymentCreate, {"payer_id": "t1", "amount": "Infinity"}, "amount"),
        (PaymentCreate, {"payer_id": "x:t1", "amount": "1.00"}, "payer_id"),
        (FeeCharge, {"payer_id": "t1", "kind": "testing", "quantity": "1e20"}, "quantity"),
        (FeeCharge, {"payer_id": "t1", "kind": "testing", "quantity": "0"}, "quantity"),
        (FundingDealCreate, DEAL | {"rate_percent": "1e30"}, "rate_percent"),
        (FundingDealCreate, DEAL | {"institution": "ICBC\nSuzhou"}, "institution"),
        (StakeCreate, {"tenant_id": "t1", "percent": "100.5", "amount": "1.00"}, "percent"),
        (StakeCreate, {"tenant_id": "t1", "percent": "0", "amount": "1.00"}, "percent"),
    ],
)
def test_out_of_bounds_input_names_the_field(
    model: type[BaseModel], body: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body)
    assert [e["loc"][0] for e in refused.value.errors()] == [field]


def test_bounded_input_within_the_bounds_is_kept_in_cents() -> None:
    assert InvoiceCreate.model_validate(INVOICE | {"amount": "500"}).amount == Decimal("500.00")
    assert FundingDealCreate.model_validate(DEAL).payer_id == "institution:bank-icbc"
    assert FeeCharge.model_validate({"payer_id": "t1", "kind": "testing"}).quantity == 1


def test_the_catalogue_a_request_omits_is_the_books_default() -> None:
    assert FeeCatalogue().model_dump() == fees.FeeCatalogue().model_dump()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"platform_fee": {"small": "9000.00"}}, "platform fee: no price for medium, large"),
        ({"talent_placement_fee": "1000.01"}, "talent placement fee 1000.01 is outside 500-1000"),
        ({"commission_min_percent": "2", "commission_percent": "1.5"}, "commission % 1.5 is outside"),
    ],
)
def test_a_catalogue_outside_the_business_bounds_is_refused_naming_the_fee(
    change: dict[str, object], named: str
) -> None:
    with pytest.raises(ValidationError, match=named):
        FeeCatalogue.model_validate(change)
