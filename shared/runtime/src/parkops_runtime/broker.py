"""The Kafka broker every service uses: an idempotent producer (acks=all) and Prometheus metrics."""

import asyncio
import logging
from collections.abc import Sequence

import aiokafka
import structlog
from aiokafka.errors import OutOfOrderSequenceNumber
from faststream._internal.parser import DefaultCodec
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.kafka.publisher.producer import AioKafkaFastProducerImpl
from prometheus_client import CollectorRegistry

from parkops_runtime.events import OutboundEvent
from parkops_runtime.settings import ServiceSettings

log = structlog.get_logger(__name__)


def make_broker(settings: ServiceSettings, registry: CollectorRegistry) -> KafkaBroker:
    # aiokafka defaults to acks=1 without idempotence: a retried send could duplicate or lose events.
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"parkops-{settings.SERVICE_NAME}",
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        middlewares=[KafkaPrometheusMiddleware(registry=registry, app_name=settings.SERVICE_NAME)],
        # Our JSON logging; per-message access lines only at DEBUG (metrics count messages instead).
        logger=logging.getLogger(f"parkops.{settings.SERVICE_NAME}.broker"),
        log_level=logging.DEBUG,
    )


class EventPublisher:
    """Sends a batch of events and returns once the broker has acknowledged every one."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker
        self._renewing = asyncio.Lock()

    async def publish(self, events: Sequence[OutboundEvent]) -> None:
        state = self._producer()._producer
        try:
            pending = [
                await self._broker.publish(
                    event.value.encode(),
                    event.topic,
                    key=event.key.encode(),
                    headers=event.headers,
                    no_confirm=True,
                )
                for event in events
            ]
            await asyncio.gather(*pending)
        except OutOfOrderSequenceNumber:
            await self._renew(state)
            raise  # the caller (the outbox) sends the batch again later, with the new producer

    async def _renew(self, failed: object) -> None:
        """A new producer (with a new producer id) in place of one the broker refuses for good.

        aiokafka counts an idempotent producer's sequence numbers on for batches it gave up on (the
        broker down longer than the request timeout): the broker, back, refuses every later batch of
        that producer as out of order, so its outbox would never drain. Once per failed producer."""
        async with self._renewing:
            config, producer = self._broker.config, self._producer()
            if producer._producer is not failed:
                return  # another publish renewed it already
            log.warning("producer refused as out of order; replacing it")
            await producer.disconnect()
            await producer.connect(
                aiokafka.AIOKafkaProducer(**self._broker._connection_kwargs),
                serializer=config.fd_config._serializer,
                codec=config.broker_codec or DefaultCodec(),
            )

    def _producer(self) -> AioKafkaFastProducerImpl:
        producer = self._broker.config.producer
        assert isinstance(producer, AioKafkaFastProducerImpl), "a connected broker's producer"
        return producer
