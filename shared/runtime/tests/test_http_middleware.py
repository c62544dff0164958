"""The request trace context when no span is recorded: the caller's trace continues, or a new one starts."""

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from parkops_runtime.http_middleware import TraceIdHeader
from parkops_runtime.telemetry import current_trace_headers

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    # A tracer that records nothing, as a service gets when no exporter is configured.
    tracer = TracerProvider(sampler=ALWAYS_OFF).get_tracer("test")
    monkeypatch.setattr(trace, "get_tracer", lambda *_, **__: tracer)
    app = FastAPI()

    @app.get("/event-headers")
    async def event_headers() -> dict[str, str]:
        return current_trace_headers()  # what an event written by this request would carry

    app.add_middleware(TraceIdHeader, open_trace=True)
    return app


async def test_a_callers_traceparent_is_continued(app: FastAPI) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        caller = {"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-00"}
        r = await http.get("/event-headers", headers=caller)
    assert r.headers["x-trace-id"] == CALLER_TRACE
    assert r.json()["traceparent"].split("-")[1] == CALLER_TRACE


async def test_a_request_without_one_starts_its_own_trace(app: FastAPI) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        first, second = await http.get("/event-headers"), await http.get("/event-headers")
    ids = {first.headers["x-trace-id"], second.headers["x-trace-id"]}
    assert len(ids) == 2
    assert all(len(i) == 32 and i != "0" * 32 for i in ids)
    assert first.json()["traceparent"].split("-")[1] == first.headers["x-trace-id"]
