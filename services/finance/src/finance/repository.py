"""One document per park holds its books: the codec the runtime's AggregateStore writes them with.

The books are stored packed (`parkops_runtime.packed`) beside their group in the clear; documents of the
earlier plain layout are still read."""

from collections.abc import Sequence

from parkops_contracts.base import Event
from parkops_runtime.mongo import Document
from parkops_runtime.packed import STATE, pack, unpack

from finance.domain.books import ParkBooks


class BooksCodec:
    def encode(self, books: ParkBooks) -> Document:
        return {"group_id": books.group_id, STATE: pack(books, exclude=set())}

    def decode(self, document: Document) -> ParkBooks:
        return unpack(ParkBooks, document, "park_id")

    def take_events(self, books: ParkBooks) -> Sequence[Event]:
        return books.take_events()
