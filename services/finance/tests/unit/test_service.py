"""The use-case layer: books only for a park the directory knows, with its group; failed changes leave
nothing, stale copies are caught."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from finance.domain.books import ParkBooks
from finance.domain.commands import Charge, ReceivePayment
from finance.domain.ledger import Stream
from finance.domain.payments import receive_payment
from parkops_kernel.errors import Conflict, NotFound
from parkops_runtime.testing import MemoryAggregates

from .books_fixtures import START, park, replica

P1 = park("p1", "g1")


def invoice(cause: str, amount: str = "100.00") -> Callable[[ParkBooks], str]:
    def change(b: ParkBooks) -> str:
        b.first_time(cause)
        return b.issue_invoice(Charge("t1", Stream.RENT, Decimal(amount), START, "rent"), cause).invoice_id

    return change


async def test_books_start_with_the_first_change_under_the_directorys_group() -> None:
    repo = MemoryAggregates()
    service = replica(repo)
    empty = await service.read(P1)
    assert (empty.group_id, empty.invoices) == ("g1", {})
    assert repo.documents == {}  # reading a known park stores nothing
    await service.write(P1, invoice("c1"))
    assert repo.documents["p1"]["group_id"] == "g1"


async def test_books_opened_by_another_group_are_neither_read_nor_extended() -> None:
    repo = MemoryAggregates()
    await replica(repo).write(park("p1", "squatter"), invoice("c1"))
    stored = repo.documents["p1"]
    service = replica(repo)
    with pytest.raises(Conflict):
        await service.read(P1)
    with pytest.raises(Conflict):
        await service.write(P1, invoice("c2"))
    assert repo.documents["p1"] == stored


async def test_a_failed_change_leaves_no_trace_and_a_stale_copy_is_reloaded() -> None:
    repo = MemoryAggregates()
    service, other_replica = replica(repo), replica(repo)
    invoice_id = await service.write(P1, invoice("c1"))
    with pytest.raises(NotFound):
        await service.write(
            P1, lambda b: receive_payment(b, ReceivePayment("x", None, Decimal(5), "nope", START), "p")
        )
    await other_replica.write(P1, invoice("c2"))
    await service.write(
        P1, lambda b: receive_payment(b, ReceivePayment("x", None, Decimal(5), invoice_id, START), "p")
    )
    books = await replica(repo).read(P1)
    assert sorted(books.invoices) == ["INV-000001", "INV-000002"]
    assert books.invoices[invoice_id].paid == Decimal("5.00")
    assert books.ledger.trial_balance() == 0


async def test_a_replayed_command_writes_nothing() -> None:
    repo = MemoryAggregates()
    service = replica(repo)
    await service.write(P1, invoice("c1"))
    await service.write(
        P1, lambda b: receive_payment(b, ReceivePayment("x", "t1", Decimal(5), None, START), "p")
    )
    stored = repo.documents["p1"]
    await service.write(
        P1, lambda b: receive_payment(b, ReceivePayment("x", "t1", Decimal(5), None, START), "p")
    )
    assert repo.documents["p1"] == stored
    assert repo.documents["p1"]["_version"] == 2
