"""ServiceRuntime: the parts every service is built from, wired once by the service's composition root."""

import gc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.telemetry import TelemetryConfig
from faststream.specification import AsyncAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
from parkops_contracts.base import Event
from prometheus_client import CollectorRegistry

from parkops_runtime.auth import TokenVerifier
from parkops_runtime.breaker import StoreBreaker
from parkops_runtime.broker import EventPublisher, make_broker
from parkops_runtime.consumer import BatchHandler, EventConsumer
from parkops_runtime.dead_letters import OnceDeadLetters
from parkops_runtime.directory import FEED, Directory, StoredDirectory
from parkops_runtime.events import OutboundEvent
from parkops_runtime.health import Check, health_router
from parkops_runtime.http_middleware import (
    ConsistencyTokens,
    HttpMetrics,
    NoControlCharacters,
    RequestMetrics,
    TraceIdHeader,
)
from parkops_runtime.mongo import connect, ping
from parkops_runtime.outbox import AggregateCollection, OutboxRelay
from parkops_runtime.owners import Owners
from parkops_runtime.problems import PROBLEM_RESPONSES, declare_problem_media_type, install_problem_handlers
from parkops_runtime.replicated_view import Checkpoints, ReadModel, ReplicatedView, follower_factory
from parkops_runtime.settings import ServiceSettings
from parkops_runtime.snapshots import Snapshots
from parkops_runtime.telemetry import setup_logging, setup_tracing
from parkops_runtime.topics import ensure_topics, require_topics
from parkops_runtime.topology import ServiceTopics

# FastAPI's own OpenTelemetry (on whenever a tracer provider is installed, as `setup_tracing` does) would
# open a second request span and spans around each dependency and endpoint: the runtime traces requests
# itself (`TraceIdHeader`, or OpenTelemetry's instrumentation when spans are recorded), and the duplicate
# cost ~5% of a ticket opening's CPU even with nothing recorded (py-spy, bench.tickets_bench).
NO_NATIVE_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}

Hook = Callable[[], Awaitable[None]]


def settle_memory() -> None:
    """Keep what is loaded so far (modules, read models) out of the garbage collector's passes.

    It lives as long as the process or until replaced, and traversing it on every full collection paused
    request handling for tens of milliseconds every few seconds. Call after loading a large read model."""
    gc.collect()
    gc.freeze()


class ServiceRuntime:
    def __init__(self, settings: ServiceSettings) -> None:
        settings.check_secure()
        self.settings = settings
        setup_logging(settings.SERVICE_NAME, settings.log_level)
        self.records_spans = setup_tracing(settings.SERVICE_NAME, settings.otlp_endpoint)
        if self.records_spans and not PymongoInstrumentor().is_instrumented_by_opentelemetry:
            PymongoInstrumentor().instrument()
        self.registry = CollectorRegistry()
        self.http_metrics = RequestMetrics(self.registry)
        self.store_breaker = StoreBreaker()
        self.client = connect(settings.mongodb_url, f"parkops-{settings.SERVICE_NAME}", [self.store_breaker])
        self.database = self.client[settings.database]
        self.broker = make_broker(settings, self.registry)
        self.publisher = EventPublisher(self.broker)
        owners = Owners(
            self.database["outbox.owners"], uuid.uuid4().hex, settings.outbox_owner_dead_after_seconds
        )
        self.relay = OutboxRelay(
            self.publisher,
            owners,
            settings.outbox_retry_seconds,
            settings.outbox_sweep_seconds,
            crash_after_write=settings.outbox_crash_after_write,
            beat_seconds=settings.outbox_owner_beat_seconds,
            registry=self.registry,
        )
        self.consumer = EventConsumer(
            self.broker, settings, dead_letter=lambda e: self.publisher.publish([e])
        )
        self.tokens = TokenVerifier(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            secret=settings.jwt_secret.get_secret_value(),
            jwks_url=settings.jwt_jwks_url,
            jwks_file=settings.jwt_jwks_file,
        )
        self.directory: Directory = StoredDirectory(self.database["directory"])
        self.asyncapi = AsyncAPI(self.broker, title=f"parkops {settings.SERVICE_NAME}", version="1.0.0")
        self._startup: list[Hook] = []
        self._readiness: dict[str, Check] = {
            "store": lambda: ping(self.database, self.store_breaker),
            "broker": lambda: self.broker.ping(timeout=2.0),
        }
        self._aggregates: dict[str, AggregateCollection] = {}
        self._views: list[ReplicatedView] = []
        self.topics = ServiceTopics(settings.SERVICE_NAME, settings.dead_letter_topic)

    def outbound(self, event: Event) -> OutboundEvent:
        return OutboundEvent.of(event, source=self.settings.source, topic_prefix=self.settings.topic_prefix)

    def aggregates(self, collection_name: str) -> AggregateCollection:
        """The aggregates stored in one collection; one instance per name, so its writes share locks."""
        if collection_name not in self._aggregates:
            aggregates = AggregateCollection(self.database[collection_name])
            self.relay.watch(aggregates)
            self._aggregates[collection_name] = aggregates
        return self._aggregates[collection_name]

    def document_publications(self, contracts: Sequence[type[Event]]) -> None:
        """Declare what the service publishes (through its outbox) so AsyncAPI lists it."""
        for contract in contracts:
            self.topics.publishes.add(contract.topic(self.settings.topic_prefix))
            self.broker.publisher(
                contract.topic(self.settings.topic_prefix),
                title=contract.ce_type(),
                schema=contract,
                description=contract.__doc__,
            )

    def subscribe(
        self, contracts: Sequence[type[Event]], handler: BatchHandler, *, view_dead_letters: bool = False
    ) -> None:
        """Consume the contracts' topics in batches (see EventConsumer). `view_dead_letters`: a replicated
        view that dead-letters malformed records follows these topics, so the group passes over them."""
        self._reads(self.consumer.group(), contracts)
        self.consumer.subscribe(contracts, handler, dead_letters_malformed=not view_dead_letters)

    def follow_directory(self) -> None:
        """Keep the park and tenant directory from leasing's events, on a consumer group of its own."""
        assert isinstance(self.directory, StoredDirectory), "the directory was replaced by the service's own"
        self._reads(self.consumer.group("directory"), FEED)
        self.consumer.subscribe(FEED, self.directory.record, group_suffix="directory")

    def replicated_view(
        self, name: str, model: ReadModel, contracts: Sequence[type[Event]], *, dead_letters: bool = False
    ) -> ReplicatedView:
        """A read model every replica holds whole (see `replicated_view`): it follows every partition of
        the contracts' topics, starts from its latest snapshot, and /health/ready waits for it. With
        `dead_letters`, its follower dead-letters the malformed records of those topics, once across
        replicas and in the name of the service's consumer group (`dead_letters`)."""
        settings = self.settings
        self.topics.follows.update(c.topic(settings.topic_prefix) for c in contracts)
        once = (
            OnceDeadLetters(
                self.aggregates("dead_letters"), self.consumer.group(), settings.dead_letter_topic
            )
            if dead_letters
            else None
        )
        view = ReplicatedView(
            name,
            model,
            follower_factory(
                settings.kafka_bootstrap_servers,
                contracts,
                settings.topic_prefix,
                dead_letter=once,
            ),
            Snapshots(self.database["views.snapshots"]),
            Checkpoints(every_seconds=settings.snapshot_every_seconds),
        )
        self._views.append(view)

        async def caught_up() -> bool:
            return view.ready

        self.add_readiness_check(f"view {name}", caught_up)
        self.on_startup(view.start)
        return view

    def _reads(self, group: str, contracts: Sequence[type[Event]]) -> None:
        topics = self.topics.reads.setdefault(group, set())
        topics.update(c.topic(self.settings.topic_prefix) for c in contracts)

    def add_readiness_check(self, name: str, check: Check) -> None:
        """One more condition for /health/ready, e.g. a read model loaded."""
        self._readiness[name] = check

    def on_startup(self, hook: Hook) -> None:
        """Run before consumers start, e.g. to create indexes or load read models."""
        self._startup.append(hook)

    @asynccontextmanager
    async def lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        """Topics, producer, finish writes a crash left half-way, load read models, then consume."""
        settings = self.settings
        if settings.topics_external:
            await require_topics(settings.kafka_bootstrap_servers, self.topics.all())
        else:
            await ensure_topics(
                settings.kafka_bootstrap_servers,
                self.topics.all(),
                settings.topic_partitions,
                settings.topic_replication,
            )
        await self.broker.connect()
        await self.relay.owners.beat()  # alive before its first commit, so nobody takes it for dead
        await self.relay.sweep()
        for hook in self._startup:
            await hook()
        await self.broker.start()
        self.relay.start()
        settle_memory()
        try:
            yield
        finally:
            for view in self._views:
                await view.stop()
            await self.relay.stop()
            await self.broker.stop()
            await self.client.close()

    def create_app(self, title: str, routers: Sequence[APIRouter]) -> FastAPI:
        app = FastAPI(title=title, version="1.0.0", lifespan=self.lifespan, telemetry=NO_NATIVE_TELEMETRY)
        app.state.runtime = self
        app.state.token_verifier = self.tokens
        app.state.directory = self.directory
        app.include_router(health_router(self._readiness, self.registry))
        # While the store is known to be down, the service's routes answer 503 at once (health does not).
        for router in routers:
            app.include_router(
                router, responses=PROBLEM_RESPONSES, dependencies=[Depends(self.store_breaker.check)]
            )
        install_problem_handlers(app)
        openapi = app.openapi

        def openapi_with_problems() -> dict[str, object]:
            if app.openapi_schema is None:
                app.openapi_schema = declare_problem_media_type(openapi())
            return app.openapi_schema

        app.openapi = openapi_with_problems  # type: ignore[method-assign]

        @app.get("/asyncapi.json", include_in_schema=False)
        async def asyncapi() -> object:
            return self.asyncapi.to_specification().to_jsonable()

        app.add_middleware(NoControlCharacters)
        app.add_middleware(ConsistencyTokens)
        app.add_middleware(HttpMetrics, metrics=self.http_metrics)
        # The request's span: recorded by OpenTelemetry's instrumentation (one span per request, not also
        # one per ASGI message), or a bare trace context when no span is recorded.
        app.add_middleware(TraceIdHeader, open_trace=not self.records_spans)
        if self.records_spans:
            FastAPIInstrumentor.instrument_app(
                app, tracer_provider=trace.get_tracer_provider(), exclude_spans=["receive", "send"]
            )
        return app
