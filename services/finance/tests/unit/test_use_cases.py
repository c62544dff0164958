"""Every staff command of `FinanceService` through the real AggregateStore over the in-memory store:
what it books and publishes, the tenants it checks, and the one idempotency rule (a replay answers the
first answer and writes nothing, the same key with another request is 409, a key is its park's own)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from finance import schemas as http
from finance.domain.ledger import Account
from finance.repository import BooksCodec
from finance.service import FinanceService
from parkops_contracts.events.finance import (
    CommissionEarned,
    EquityStakeAcquired,
    InvoiceIssued,
    InvoiceOverdue,
    PaymentReceived,
    RevenueRecognized,
    SubsidyGranted,
)
from parkops_kernel.errors import Conflict, Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore, keyed_id
from parkops_runtime.auth import Principal, Role
from parkops_runtime.testing import MemoryAggregates

from .books_fixtures import START, MemoryDirectory, outbound, park, replica

D = Decimal
P1, P2 = park("p1", "g1", date(2025, 12, 1)), park("p2", "g2", date(2025, 12, 1))
STAFF = ParkAccess(Principal("op", Role.PARK_OPERATOR, "g1", frozenset({"p1"})), P1)
OTHER = ParkAccess(Principal("op", Role.PARK_OPERATOR, "g2", frozenset({"p2"})), P2)


def finance(memory: MemoryAggregates) -> FinanceService:
    return replica(memory, MemoryDirectory(P1, P2, tenants=(("p1", "t1"), ("p2", "t2"))))


def rent(amount: str = "100.00", on: date | None = START) -> http.InvoiceCreate:
    return http.InvoiceCreate.model_validate(
        {"payer_id": "t1", "stream": "rent", "amount": amount, "description": "rent", "on": on}
    )


async def test_an_invoice_is_issued_to_a_known_tenant_only() -> None:
    memory = MemoryAggregates()
    answer = await finance(memory).issue_invoice(STAFF, rent(), None)
    assert [e.type for e in answer.events] == ["InvoiceIssued", "RevenueRecognized"]
    assert [e.invoice_id for e in memory.events(InvoiceIssued)] == ["INV-000001"]
    assert memory.events(InvoiceIssued)[0].cause == answer.cause
    stranger = rent().model_copy(update={"payer_id": "t2"})  # a tenant of another park
    with pytest.raises(Unprocessable, match="payer_id: unknown tenant"):
        await finance(memory).issue_invoice(STAFF, stranger, None)
    assert memory.documents["p1"]["_version"] == 1


async def test_a_replay_answers_the_first_answer_and_writes_nothing() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    first = await service.issue_invoice(STAFF, rent(), "k1")
    stored = memory.documents["p1"]
    again = await finance(memory).issue_invoice(STAFF, rent("100"), "k1")  # another replica, 100 = 100.00
    assert again == first
    assert memory.documents["p1"] == stored
    assert len(memory.events(InvoiceIssued)) == 1


async def test_a_replay_is_answered_even_when_its_tenant_has_left_the_directory_since() -> None:
    memory, directory = MemoryAggregates(), MemoryDirectory(P1, tenants=(("p1", "t1"),))
    first = await replica(memory, directory).issue_invoice(STAFF, rent(), "k1")
    del directory.tenants[("p1", "t1")]
    stored = memory.documents["p1"]
    assert await replica(memory, directory).issue_invoice(STAFF, rent(), "k1") == first
    with pytest.raises(Unprocessable, match="payer_id: unknown tenant"):  # a new request is refused
        await replica(memory, directory).issue_invoice(STAFF, rent(), "k2")
    assert memory.documents["p1"] == stored


async def test_the_same_key_with_another_request_is_409_and_changes_nothing() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    await service.issue_invoice(STAFF, rent(), "k1")
    stored = memory.documents["p1"]
    with pytest.raises(Conflict, match="k1"):
        await service.issue_invoice(STAFF, rent("101.00"), "k1")
    cash = http.CashEntryCreate.model_validate({"amount": "100.00", "description": "rent"})
    with pytest.raises(Conflict, match="k1"):  # another command under the key
        await service.record_operating_cost(STAFF, cash, "k1")
    assert memory.documents["p1"] == stored


async def test_a_key_is_its_parks_own() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    in_p1 = await service.issue_invoice(STAFF, rent(), "k1")
    in_p2 = await service.issue_invoice(OTHER, rent().model_copy(update={"payer_id": "t2"}), "k1")
    assert in_p1.cause != in_p2.cause
    assert [e.park_id for e in memory.events(InvoiceIssued)] == ["p1", "p2"]


async def test_without_a_key_every_request_has_its_effect() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    first, second = (
        await service.issue_invoice(STAFF, rent(), None),
        await service.issue_invoice(STAFF, rent(), None),
    )
    assert first.cause != second.cause
    assert len(memory.events(InvoiceIssued)) == 2
    assert (await service.read(P1)).applied == set()  # the inbox holds consumed events' causes only


async def test_a_command_that_changes_nothing_writes_nothing() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    await service.issue_invoice(STAFF, rent(), None)
    answer = await service.run_billing(STAFF, http.BillingRunCreate(period="2026-02"), None)
    assert answer.events == []
    assert memory.documents["p1"]["_version"] == 1


async def test_a_payment_without_an_id_is_named_from_its_key() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    await service.issue_invoice(STAFF, rent(), None)
    pay = http.PaymentCreate.model_validate({"payer_id": "t1", "amount": "30.00"})
    keyed = await service.receive_payment(STAFF, pay, "pay-1")
    unkeyed = await service.receive_payment(STAFF, pay, None)
    ids = [e.payment_id for e in memory.events(PaymentReceived)]
    assert ids[0] == keyed.events[0].data["payment_id"] == keyed_id("pay-1", "g1", "p1")[:12]
    assert len(set(ids)) == 2
    assert (await service.read(P1)).invoices["INV-000001"].paid == D("60.00")
    assert unkeyed.events[0].data["allocations"] == [{"invoice_id": "INV-000001", "amount": "30.00"}]


async def test_a_cancelled_invoice_is_credited_and_cannot_be_paid() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    await service.issue_invoice(STAFF, rent(), None)
    await service.cancel_invoice(STAFF, "INV-000001", "cancel-1")
    books = await service.read(P1)
    assert books.invoices["INV-000001"].status == "cancelled"
    assert books.ledger.trial_balance() == 0
    with pytest.raises(Conflict):
        await service.receive_payment(
            STAFF, http.PaymentCreate.model_validate({"invoice_id": "INV-000001", "amount": "1.00"}), None
        )


async def test_a_fee_is_priced_from_the_catalogue_and_the_catalogue_is_keyed() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    prices = http.FeeCatalogue(testing_fee=D("21000.00"))
    assert await service.set_catalogue(STAFF, prices, "prices") == prices
    with pytest.raises(Conflict):
        await service.set_catalogue(STAFF, http.FeeCatalogue(), "prices")
    await service.charge_fee(
        STAFF, http.FeeCharge.model_validate({"payer_id": "t1", "kind": "testing"}), None
    )
    assert [e.amount for e in memory.events(InvoiceIssued)] == [D("21000.00")]


async def test_billing_and_dunning_runs() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    await service.issue_invoice(STAFF, rent(on=date(2026, 1, 1)), None)
    billed = await service.run_billing(STAFF, http.BillingRunCreate(period="2026-02"), "bill-feb")
    assert billed.events == []  # no lease schedules: nothing to bill
    with pytest.raises(Unprocessable):  # before the park was registered
        await service.run_billing(STAFF, http.BillingRunCreate(period="2025-11"), None)
    dunned = await service.run_dunning(STAFF, http.DunningRunCreate(as_of=date(2026, 3, 1)), "dun-1")
    assert [e.type for e in dunned.events] == ["InvoiceOverdue"]
    again = await service.run_dunning(STAFF, http.DunningRunCreate(as_of=date(2026, 3, 1)), "dun-1")
    assert again == dunned
    assert len(memory.events(InvoiceOverdue)) == 1


async def test_a_funding_deal_earns_a_commission_and_a_subsidy_its_application_fee() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    deal = http.FundingDealCreate.model_validate(
        {"tenant_id": "t1", "institution": "ICBC", "instrument": "loan", "amount": "1000.00"}
        | {"payer_id": "institution:icbc"}
    )
    await service.close_funding(STAFF, deal, "deal-1")
    assert [e.amount for e in memory.events(CommissionEarned)] == [D("15.00")]
    subsidy = http.SubsidyCreate.model_validate({"tenant_id": "t1", "policy": "grant", "amount": "1000.00"})
    await service.grant_subsidy(STAFF, subsidy, None)
    assert [e.tenant_id for e in memory.events(SubsidyGranted)] == ["t1"]
    assert [e.payer_id for e in memory.events(InvoiceIssued)] == ["institution:icbc", "t1"]


async def test_cash_entries_stakes_and_an_exit() -> None:
    memory = MemoryAggregates()
    service = finance(memory)
    cash = http.CashEntryCreate.model_validate({"amount": "500.00", "description": "grant", "on": START})
    await service.record_subsidy_received(STAFF, cash, None)
    await service.record_operating_cost(STAFF, cash.model_copy(update={"description": "power"}), None)
    stake = http.StakeCreate.model_validate({"tenant_id": "t1", "percent": "2", "amount": "1000.00"})
    bought = await service.acquire_stake(STAFF, stake, "stake-1")
    stake_id = bought.events[0].data["stake_id"]
    await service.exit_stake(STAFF, stake_id, http.StakeExit.model_validate({"amount": "1500.00"}), None)
    assert [e.stake_id for e in memory.events(EquityStakeAcquired)] == [stake_id]
    assert [e.amount for e in memory.events(RevenueRecognized)] == [D("500.00")]
    balances = (await service.read(P1)).ledger.balances()
    assert balances[Account.CASH] == D("500.00") - D("500.00") - D("1000.00") + D("1500.00")
    assert isinstance(bought, http.CommandResult)


async def test_a_key_is_forgotten_24_hours_after_its_first_use() -> None:
    memory, now = MemoryAggregates(), [datetime(2026, 3, 1, 9, tzinfo=UTC)]
    store = AggregateStore(memory, BooksCodec(), outbound, kind="books", clock=lambda: now[0])
    directory = MemoryDirectory(P1, tenants=(("p1", "t1"),))
    service = FinanceService(store, directory, lambda: START)
    await service.issue_invoice(STAFF, rent(), "k1")
    now[0] += timedelta(hours=23, minutes=59)
    with pytest.raises(Conflict):
        await service.issue_invoice(STAFF, rent("5.00"), "k1")
    now[0] += timedelta(minutes=2)
    later = await service.issue_invoice(STAFF, rent("5.00"), "k1")  # a new request under the old key
    assert [e.data["amount"] for e in later.events] == ["5.00", "5.00"]  # invoice, revenue
    assert len(memory.events(InvoiceIssued)) == 2
