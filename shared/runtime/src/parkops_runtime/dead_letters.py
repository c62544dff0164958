"""Malformed records met by every replica's follower, dead-lettered once whichever replica meets them first.

Every replica of a replicated view reads every record (`follower`), so each would dead-letter the same
malformed one. The dead letter is instead recorded in the store, as an aggregate named by the record's
topic, partition and offset, with the dead letter as its outbox event (`outbox`): an insert of a unique
`_id` is atomic, so one replica records it and the relay publishes it (after a crash too); the others,
and a replica that folds the log again later, meet the record and publish nothing."""

from typing import Any

import structlog
from aiokafka import ConsumerRecord

from parkops_runtime.consumer import dead_letter_of
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.outbox import AggregateCollection

log = structlog.get_logger(__name__)


class OnceDeadLetters:
    def __init__(self, records: AggregateCollection, group: str, dead_letter_topic: str) -> None:
        """`group`: the consumer group named in the dead letter (the service's, on whose behalf the view
        validates what it follows)."""
        self._records, self._group, self._topic = records, group, dead_letter_topic

    async def __call__(self, record: "ConsumerRecord[Any, Any]", reason: str) -> None:
        letter = dead_letter_of(record, reason, self._group, self._topic)
        where = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
        try:
            await self._records.insert(
                f"{record.topic}:{record.partition}:{record.offset}",
                where | {"reason": reason[:2000]},
                [letter],
            )
        except ConcurrencyConflict:
            return  # another replica (or this one, folding the log again) recorded it
        log.warning("event dead-lettered", reason=reason, topic=record.topic, offset=record.offset)
