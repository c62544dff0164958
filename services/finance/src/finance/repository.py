"""One document per park holds its books: the codec the runtime's AggregateStore writes them with.

The books are stored packed (`parkops_runtime.packed`) beside their group in the clear and their
`figures`: the monthly balances of the accounts a revenue report reads, as one small JSON string.
Written in the same document (the same write) as the books, they are as current as the books on every
replica, and a revenue report reads them alone (`BookFigures`) instead of loading and decoding the whole
books. Documents of the earlier plain layout are still read; a document written before `figures`
existed has none (None: the caller reads the books instead)."""

import json
from collections.abc import Sequence
from decimal import Decimal

from parkops_contracts.base import Event
from parkops_runtime.aggregates import PlainCodec
from parkops_runtime.mongo import Document
from parkops_runtime.packed import STATE, pack, unpack
from pymongo.asynchronous.collection import AsyncCollection

from finance.domain.billing_runs import BillingRun
from finance.domain.books import ParkBooks
from finance.domain.ledger import Account, Months
from finance.domain.reports import REPORTED

FIGURES = "figures"


class BooksCodec:
    def encode(self, books: ParkBooks) -> Document:
        return {"group_id": books.group_id, STATE: pack(books, exclude=set()), FIGURES: figures(books)}

    def decode(self, document: Document) -> ParkBooks:
        return unpack(ParkBooks, document, "park_id")

    def take_events(self, books: ParkBooks) -> Sequence[Event]:
        return books.take_events()


def figures(books: ParkBooks) -> str:
    months = books.ledger.months()
    kept = {m: {a.value: str(v) for a, v in months[m].items() if a in REPORTED} for m in sorted(months)}
    return json.dumps(kept, separators=(",", ":"))


class BillingRunCodec(PlainCodec[BillingRun]):
    """A billing run (`finance.billing_runs`): a small document in the clear, with no events."""

    def __init__(self) -> None:
        super().__init__(BillingRun)


class BookFigures:
    """The figures stored beside a park's books, read by `_id` without the books themselves."""

    def __init__(self, books: AsyncCollection[Document]) -> None:
        self._books = books

    async def months(self, park_id: str) -> tuple[str, Months] | None:
        """The books' group and monthly balances; None without books or without stored figures."""
        doc = await self._books.find_one({"_id": park_id}, {"group_id": 1, FIGURES: 1})
        if doc is None or FIGURES not in doc:
            return None
        stored = json.loads(doc[FIGURES])
        months = {m: {Account(a): Decimal(v) for a, v in b.items()} for m, b in stored.items()}
        return str(doc["group_id"]), months
