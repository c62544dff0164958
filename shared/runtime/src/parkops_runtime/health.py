"""Liveness, readiness (store and broker answer) and Prometheus metrics."""

import time
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

Check = Callable[[], Awaitable[bool]]


def health_router(checks: Mapping[str, Check], registry: CollectorRegistry) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready(response: Response) -> dict[str, object]:
        results = {name: await check() for name, check in checks.items()}
        ok = all(results.values())
        response.status_code = 200 if ok else 503
        return {"status": "ok" if ok else "unavailable", "checks": results}

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router


def instrument_http_metrics(app: FastAPI, registry: CollectorRegistry) -> None:
    requests = Counter("http_requests", "HTTP requests", ["method", "route", "status"], registry=registry)
    latency = Histogram(
        "http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
    )

    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        latency.labels(request.method, route).observe(time.perf_counter() - started)
        requests.labels(request.method, route, str(response.status_code)).inc()
        return response
