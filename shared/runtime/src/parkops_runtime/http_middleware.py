"""HTTP middleware as plain ASGI: request metrics and the trace id header.

Starlette's `@app.middleware("http")` runs each request through extra tasks and memory streams; at a
few hundred requests a second on two cores that was a measurable share of a request's CPU."""

import time

from opentelemetry import propagate, trace
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parkops_runtime import consistency
from parkops_runtime.problems import problem_response
from parkops_runtime.telemetry import TRACE_HEADERS

TRACE_HEADER_NAMES = frozenset(name.encode() for name in TRACE_HEADERS)
TOKEN_HEADER = consistency.HEADER.lower().encode()


class RequestMetrics:
    """The Prometheus series of HTTP requests, registered once per registry (Starlette builds the
    middleware stack, and so each middleware, again whenever it is rebuilt)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "http_requests", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )


class HttpMetrics:
    """Counts requests by method, route and status, and times them by method and route."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.requests, self.latency = metrics.requests, metrics.latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.latency.labels(scope["method"], route).observe(time.perf_counter() - started)
            self.requests.labels(scope["method"], route, str(status)).inc()


class TraceIdHeader:
    """Answers every request with `x-trace-id`, so a caller can find its request's trace.

    With `open_trace` it also opens the request's trace context itself (the caller's `traceparent`, or a
    new trace), for when no instrumentation records a span per request."""

    def __init__(self, app: ASGIApp, open_trace: bool = False) -> None:
        self.app = app
        self.open_trace = open_trace
        self.tracer = trace.get_tracer("parkops.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_trace_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                span_context = trace.get_current_span().get_span_context()
                if span_context.is_valid:
                    trace_id = format(span_context.trace_id, "032x").encode()
                    message["headers"] = [*message.get("headers", []), (b"x-trace-id", trace_id)]
            await send(message)

        if not self.open_trace:
            await self.app(scope, receive, send_with_trace_id)
            return
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in TRACE_HEADER_NAMES
        }
        with self.tracer.start_as_current_span(
            "http", context=propagate.extract(carrier), kind=trace.SpanKind.SERVER
        ):
            await self.app(scope, receive, send_with_trace_id)


class NoControlCharacters:
    """A path with NUL or another control character names nothing: 404 before any route or store sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(ord(c) < 32 or ord(c) == 127 for c in scope["path"]):
            await problem_response(404, "not found")(scope, receive, send)
            return
        await self.app(scope, receive, send)


class ConsistencyTokens:
    """Answers a request that changed aggregates (and recorded events) with their consistency tokens
    (`parkops_runtime.consistency`), so the caller can read its own write on any replica."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with consistency.collecting() as written:

            async def send_with_tokens(message: Message) -> None:
                if message["type"] == "http.response.start" and written.tokens:
                    token = consistency.render(written.tokens).encode()
                    message["headers"] = [*message.get("headers", []), (TOKEN_HEADER, token)]
                await send(message)

            await self.app(scope, receive, send_with_tokens)
