"""Inbox: the record that an event was processed is written in the same write as its effect.

Each consumer keeps an inbox collection whose `_id` is the event's CloudEvents `source#id` (unique).
The effect of an event is stored *in* its inbox document (the fact the consumer derives from it), so
the one `insert_many` both records the id and applies the effect; a redelivered or republished event
hits the unique `_id`, is reported as already seen, and has no second effect. Read models are folds
of these facts."""

from collections.abc import Callable, Sequence

from parkops_contracts.base import Event
from parkops_contracts.events import BY_CE_TYPE
from pymongo.asynchronous.collection import AsyncCollection

from parkops_runtime.consumer import Delivery
from parkops_runtime.mongo import Document, insert_new

FactOf = Callable[[Delivery], Document]


def default_fact(delivery: Delivery) -> Document:
    """The event's type, park, time and its JSON text: a flat document, which FerretDB stores about twice
    as fast as the same data nested (it encodes every nested field)."""
    return {
        "type": delivery.meta.type,
        "park_id": delivery.event.park_id,
        "time": delivery.meta.time.isoformat(),  # a string: BSON dates would drop the microseconds
        "data": delivery.event.model_dump_json(),
    }


def event_of(fact: Document) -> Event:
    """The event a default fact was recorded from (the inverse of `default_fact`)."""
    return BY_CE_TYPE[str(fact["type"])].model_validate_json(str(fact["data"]))


class Inbox:
    def __init__(self, collection: AsyncCollection[Document], fact_of: FactOf = default_fact) -> None:
        self.collection = collection
        self._fact_of = fact_of

    async def record(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        """Store the facts of events not seen before; return just those deliveries, in order."""
        unique: dict[str, Delivery] = {}
        for delivery in deliveries:
            unique.setdefault(delivery.meta.dedup_key, delivery)
        documents = [{"_id": key, **self._fact_of(d)} for key, d in unique.items()]
        inserted = {doc["_id"] for doc in await insert_new(self.collection, documents)}
        return [d for key, d in unique.items() if key in inserted]
