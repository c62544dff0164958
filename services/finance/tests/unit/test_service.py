"""The use-case layer: park scoping, roles, failed changes leave nothing, stale copies are caught."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from finance.domain.books import ParkBooks
from finance.domain.ledger import Stream
from finance.domain.payments import receive_payment
from finance.repository import InMemoryBooksRepository
from finance.service import FinanceService
from parkops_runtime.auth import Principal, Role
from parkops_runtime.errors import Forbidden, NotFound

from .books_fixtures import START

OPERATOR = Principal("u", Role.PARK_OPERATOR, "g1", frozenset({"p1"}))


def invoice(cause: str, amount: str = "100.00") -> Callable[[ParkBooks], str]:
    def change(b: ParkBooks) -> str:
        b.first_time(cause)
        return b.issue_invoice("t1", Stream.RENT, Decimal(amount), START, cause, "rent").invoice_id

    return change


async def test_scoping_and_roles() -> None:
    service = FinanceService(InMemoryBooksRepository())
    await service.write(OPERATOR, "p1", invoice("c1"))
    with pytest.raises(NotFound):
        await service.write(OPERATOR, "p2", invoice("c2"))
    with pytest.raises(NotFound):
        await service.read(Principal("x", Role.GROUP_ADMIN, "other", frozenset()), "p1")
    with pytest.raises(Forbidden):
        await service.write(Principal("a", Role.AUDITOR, "g1", frozenset()), "p1", invoice("c3"))


async def test_a_failed_change_leaves_no_trace_and_a_stale_copy_is_reloaded() -> None:
    repo = InMemoryBooksRepository()
    service, other_replica = FinanceService(repo), FinanceService(repo)
    invoice_id = await service.write(OPERATOR, "p1", invoice("c1"))
    with pytest.raises(NotFound):
        await service.write(
            OPERATOR, "p1", lambda b: receive_payment(b, "x", None, Decimal(5), "nope", START, "p")
        )
    await other_replica.write(OPERATOR, "p1", invoice("c2"))
    await service.write(
        OPERATOR, "p1", lambda b: receive_payment(b, "x", None, Decimal(5), invoice_id, START, "p")
    )
    books = await FinanceService(repo).read(OPERATOR, "p1")
    assert sorted(books.invoices) == ["INV-000001", "INV-000002"]
    assert books.invoices[invoice_id].paid == Decimal("5.00")
    assert books.ledger.trial_balance() == 0


async def test_a_replayed_command_writes_nothing() -> None:
    repo = InMemoryBooksRepository()
    service = FinanceService(repo)
    await service.write(OPERATOR, "p1", invoice("c1"))
    await service.write(OPERATOR, "p1", lambda b: receive_payment(b, "x", "t1", Decimal(5), None, START, "p"))
    stored = repo.docs["p1"]
    await service.write(OPERATOR, "p1", lambda b: receive_payment(b, "x", "t1", Decimal(5), None, START, "p"))
    assert repo.docs["p1"] == stored
    assert (await FinanceService(repo).read(OPERATOR, "p1")).version == 2
