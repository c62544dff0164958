"""Batch consumption that never drops a message.

Each record is decoded and validated against its contract; one that is malformed goes straight to the
service's dead-letter topic with the reason. The handler gets the valid rest as one batch (so it can fold
writes per key). When the handler fails for a business reason the batch is retried event by event, a
bounded number of times, and the event that keeps failing is dead-lettered while the partition goes on.
An infrastructure failure (store or broker unreachable) is never dead-lettered: the batch is nacked
(the consumer seeks back) and delivered again. Offsets are committed only after the batch is done."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from parkops_contracts.base import Event
from parkops_contracts.envelope import CloudEventMeta, InvalidEnvelope
from parkops_contracts.events import BY_CE_TYPE
from pydantic import ValidationError
from pymongo.errors import ConnectionFailure

from parkops_runtime.events import OutboundEvent
from parkops_runtime.settings import ServiceSettings
from parkops_runtime.telemetry import batch_span, record_receipt, span_from_headers

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionFailure, KafkaError, TimeoutError)
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One valid event as received: its envelope, its contract instance and where it came from."""

    meta: CloudEventMeta
    event: Event
    headers: dict[str, str]
    topic: str
    partition: int
    offset: int


BatchHandler = Callable[[Sequence[Delivery]], Awaitable[None]]
DeadLetterSink = Callable[[OutboundEvent], Awaitable[None]]


class MalformedEvent(ValueError):
    pass


@dataclass(frozen=True)
class Subscription:
    group: str
    by_topic: dict[str, type[Event]]
    """Each subscribed topic and the one contract it carries."""
    handler: BatchHandler
    dead_letters_malformed: bool = True
    """False when another reader of the same topics dead-letters malformed records (a replicated view's
    follower): the group then passes over them."""


def decode(record: "ConsumerRecord[Any, Any]", contracts: dict[str, type[Event]]) -> Delivery:
    """Envelope, type and body checks; raises MalformedEvent with a reason a person can act on.

    `contracts` maps each subscribed topic to the one contract it carries."""
    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
    try:
        meta = CloudEventMeta.from_headers(headers)
    except InvalidEnvelope as exc:
        raise MalformedEvent(str(exc)) from exc
    contract = contracts.get(record.topic)
    # the registry's lookup first: building the expected type's name per record costs more
    if contract is None or (BY_CE_TYPE.get(meta.type) is not contract and meta.type != contract.ce_type()):
        raise MalformedEvent(f"unexpected event type {meta.type!r} on topic {record.topic}")
    try:
        event = contract.model_validate_json(record.value or b"")
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise MalformedEvent(f"{meta.type} body is invalid: {fields}") from exc
    return Delivery(meta, event, headers, record.topic, record.partition, record.offset)


def dead_letter_of(
    record: "ConsumerRecord[Any, Any]", reason: str, group: str, dead_letter_topic: str
) -> OutboundEvent:
    """The record as it came (its key, value and headers) for the dead-letter topic, with the reason, where
    it was read from and by which consumer group."""
    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
    headers |= {
        "dlq-reason": reason[:2000],
        "dlq-original-topic": record.topic,
        "dlq-original-partition": str(record.partition),
        "dlq-original-offset": str(record.offset),
        "dlq-consumer-group": group,
        "dlq-failed-at": datetime.now(UTC).isoformat(),
    }
    key = record.key.decode(errors="replace") if isinstance(record.key, bytes) else ""
    value = record.value.decode(errors="replace") if isinstance(record.value, bytes) else ""
    return OutboundEvent(
        id=headers.get("ce_id", ""), topic=dead_letter_topic, key=key, value=value, headers=headers
    )


class EventConsumer:
    def __init__(self, broker: KafkaBroker, settings: ServiceSettings, dead_letter: DeadLetterSink) -> None:
        self._broker = broker
        self._settings = settings
        self._dead_letter = dead_letter

    def group(self, suffix: str = "") -> str:
        """The service's consumer group, or `<group>.<suffix>` for a second reader of its topics."""
        return f"{self._settings.consumer_group}.{suffix}" if suffix else self._settings.consumer_group

    def subscribe(
        self,
        contracts: Sequence[type[Event]],
        handler: BatchHandler,
        group_suffix: str = "",
        dead_letters_malformed: bool = True,
    ) -> None:
        """Consume the contracts' topics in batches with the service's consumer group (or a group of its
        own, `<group>.<suffix>`, for a second reader of topics the service's handlers read too)."""
        group = self.group(group_suffix)
        subscription = Subscription(
            group,
            {c.topic(self._settings.topic_prefix): c for c in contracts},
            handler,
            dead_letters_malformed,
        )

        async def raw_records_only(_: Any) -> None:
            return None  # bodies are decoded per record in `decode`, never by FastStream

        @self._broker.subscriber(
            *subscription.by_topic,
            group_id=group,
            batch=True,
            max_records=self._settings.consumer_max_records,
            batch_timeout_ms=self._settings.consumer_batch_timeout_ms,
            max_poll_interval_ms=self._settings.consumer_max_poll_interval_ms,
            session_timeout_ms=self._settings.consumer_session_timeout_ms,
            heartbeat_interval_ms=min(3_000, self._settings.consumer_session_timeout_ms // 3),
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=raw_records_only,
            title=f"{self._settings.SERVICE_NAME} {group_suffix or 'consumer'}",
        )
        async def consume(message: KafkaMessage) -> None:
            records = (
                message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
            )
            await self._consume(records, subscription)

    async def _consume(
        self, records: Sequence["ConsumerRecord[Any, Any]"], subscription: Subscription
    ) -> None:
        deliveries: list[Delivery] = []
        for record in records:
            try:
                deliveries.append(decode(record, subscription.by_topic))
            except MalformedEvent as exc:
                if subscription.dead_letters_malformed:
                    await self._reject(record, str(exc), subscription.group)
                else:
                    log.debug("malformed event left to the view", reason=str(exc), offset=record.offset)
        if not deliveries:
            return
        try:
            await self._traced(subscription.handler, deliveries)
        except TRANSIENT_ERRORS:
            await self._pause_before_redelivery()
            raise
        except Exception:
            log.warning("batch failed; retrying event by event", size=len(deliveries), exc_info=True)
            for delivery, record in zip(deliveries, self._records_of(records, deliveries), strict=True):
                await self._handle_one(subscription, delivery, record)

    async def _handle_one(
        self, subscription: Subscription, delivery: Delivery, record: "ConsumerRecord[Any, Any]"
    ) -> None:
        for attempt in range(1, self._settings.handler_attempts + 1):
            try:
                await self._traced(subscription.handler, [delivery])
                return
            except TRANSIENT_ERRORS:
                await self._pause_before_redelivery()
                raise
            except Exception as exc:
                if attempt == self._settings.handler_attempts:
                    reason = f"handler failed {attempt} times: {type(exc).__name__}: {exc}"
                    await self._reject(record, reason, subscription.group)
                    return
                await asyncio.sleep(0.05 * 2**attempt)

    async def _traced(self, handler: BatchHandler, deliveries: Sequence[Delivery]) -> None:
        """Each event gets a consumer span in its producer's trace; the handler runs in the span of a
        lone event, or in a batch span (one span per event around a folded write would be fiction)."""
        if len(deliveries) == 1:
            d = deliveries[0]
            with span_from_headers(
                f"process {d.meta.type}", d.headers, **{"cloudevents.event_id": d.meta.id}
            ):
                await handler(deliveries)
            return
        for d in deliveries:
            record_receipt(f"receive {d.meta.type}", d.headers, **{"cloudevents.event_id": d.meta.id})
        with batch_span(f"process batch of {len(deliveries)}"):
            await handler(deliveries)

    @staticmethod
    def _records_of(
        records: Sequence["ConsumerRecord[Any, Any]"], deliveries: Sequence[Delivery]
    ) -> list["ConsumerRecord[Any, Any]"]:
        by_position = {(r.topic, r.partition, r.offset): r for r in records}
        return [by_position[(d.topic, d.partition, d.offset)] for d in deliveries]

    async def _reject(self, record: "ConsumerRecord[Any, Any]", reason: str, group: str) -> None:
        log.warning("event dead-lettered", reason=reason, topic=record.topic, offset=record.offset)
        await self._dead_letter(dead_letter_of(record, reason, group, self._settings.dead_letter_topic))

    @staticmethod
    async def _pause_before_redelivery() -> None:
        log.warning("infrastructure unavailable; the batch will be delivered again", exc_info=True)
        await asyncio.sleep(1.0)
