"""The Kafka broker every service uses: an idempotent producer (acks=all) and Prometheus metrics."""

import asyncio
import logging
from collections.abc import Sequence

from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry

from parkops_runtime.events import OutboundEvent
from parkops_runtime.settings import ServiceSettings


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

    async def publish(self, events: Sequence[OutboundEvent]) -> None:
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
