"""OpenTelemetry tracing and JSON logs that carry the trace id.

The W3C `traceparent` of the request that caused an event is stored with the event in the outbox and
sent as a Kafka header, so one trace spans HTTP request -> Kafka -> consumer even though the relay
publishes later, from another task."""

import logging
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog
from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased

TRACE_HEADERS = ("traceparent", "tracestate")
NOT_RECORDING = ParentBased(ALWAYS_OFF)


def setup_tracing(service_name: str, otlp_endpoint: str | None) -> bool:
    """Install a tracer provider once per process; returns whether spans are recorded.

    Spans are recorded when they are exported (an OTLP endpoint), or when the host process installed its
    own provider first (tests do). Otherwise every request and event still gets a trace context (ids in
    logs, `x-trace-id`, `traceparent` on events), but recording spans nobody reads is skipped: it cost
    ~15% of a request's CPU."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current.sampler is not NOT_RECORDING  # ours without an exporter, or the host's
    resource = Resource.create({"service.name": service_name})
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # Sampled as OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG say (every span by default).
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
    else:
        provider = TracerProvider(resource=resource, sampler=NOT_RECORDING)
    trace.set_tracer_provider(provider)
    return otlp_endpoint is not None


def current_trace_headers() -> dict[str, str]:
    """The W3C trace context of the active span, ready to travel with an event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in TRACE_HEADERS}


@contextmanager
def span_from_headers(name: str, headers: Mapping[str, str], **attributes: Any) -> Iterator[trace.Span]:
    """A consumer span whose parent is the producer's trace context carried in the headers."""
    parent = propagate.extract(dict(headers))
    token = context.attach(parent)
    try:
        with trace.get_tracer("parkops").start_as_current_span(
            name, kind=trace.SpanKind.CONSUMER, attributes=attributes
        ) as span:
            yield span
    finally:
        context.detach(token)


def record_receipt(name: str, headers: Mapping[str, str], **attributes: Any) -> None:
    """A short consumer span in the producer's trace, without switching the current context."""
    tracer = trace.get_tracer("parkops")
    tracer.start_span(
        name, context=propagate.extract(dict(headers)), kind=trace.SpanKind.CONSUMER, attributes=attributes
    ).end()


@contextmanager
def batch_span(name: str) -> Iterator[trace.Span]:
    with trace.get_tracer("parkops").start_as_current_span(name, kind=trace.SpanKind.CONSUMER) as span:
        yield span


def _add_trace_ids(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        event_dict["trace_id"] = format(span_context.trace_id, "032x")
        event_dict["span_id"] = format(span_context.span_id, "016x")
    return event_dict


def setup_logging(service_name: str, level: str = "INFO") -> None:
    """JSON lines on stdout, for our logs and the libraries' (uvicorn, FastStream, aiokafka) alike,
    each with service, level, timestamp and the current trace id."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_ids,
    ]
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream", "faststream.access.kafka"):
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service_name)
