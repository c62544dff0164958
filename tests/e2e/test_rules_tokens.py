"""Every route of every service needs a token: each one the application serves (its routing table, not only
its OpenAPI document, so a route left out of the document cannot escape) answers 401 without one.

Public by design (README, "Security"): liveness, readiness, metrics and the API documents."""

import re
from collections.abc import Sequence

import pytest
from fastapi.routing import APIRoute
from parkops_runtime.problems import MEDIA_TYPE
from starlette.routing import BaseRoute, Route

from tests.support.infra import Infra
from tests.support.platform import running_platform

PUBLIC = frozenset(
    {
        ("GET", "/health/live"),
        ("GET", "/health/ready"),
        ("GET", "/metrics"),
        ("GET", "/asyncapi.json"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/redoc"),
    }
)
SERVICES = ("leasing", "tickets", "finance", "kpi", "matchmaking")


def routes(routes: Sequence[BaseRoute], prefix: str = "") -> list[tuple[str, str, bool]]:
    """(method, path, takes a body) of every route the application answers, in included routers too
    (FastAPI 0.165 keeps an included router as one entry, resolved when a request comes)."""
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found += routes_of(included.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        elif isinstance(route, Route):
            body = isinstance(route, APIRoute) and route.body_field is not None
            methods = sorted(set(route.methods or ()) - {"HEAD"})
            found += [(method, prefix + route.path, body) for method in methods]
    return found


routes_of = routes


@pytest.mark.timeout(300)
async def test_every_route_but_the_public_ones_answers_401_without_a_token(infra: Infra) -> None:
    async with running_platform(infra) as platform:
        served: dict[str, int] = {}
        public: set[tuple[str, str, str]] = set()
        open_routes: list[str] = []
        for name in SERVICES:
            app, client = platform.apps[name], platform.http[name]
            documented = {
                (method.upper(), path)
                for path, item in (await client.get("/openapi.json")).json()["paths"].items()
                for method in item
            }
            served[name] = 0
            for method, path, body in routes(app.routes):
                if (method, path) in PUBLIC:
                    public.add((name, method, path))
                    continue
                served[name] += 1
                if (method, path) not in documented:  # the OpenAPI-driven sweep would never call it
                    open_routes.append(f"{name} {method} {path}: not in its OpenAPI document")
                url = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: f"some-{m.group(1)}", path)
                r = await client.request(method, url, json={} if body else None)
                if r.status_code != 401 or r.headers.get("content-type") != MEDIA_TYPE:
                    open_routes.append(f"{name} {method} {path}: {r.status_code} {r.text[:120]!r}")
                elif r.json()["detail"] != "missing bearer token":
                    open_routes.append(f"{name} {method} {path}: 401 for another reason: {r.text[:120]!r}")
    assert not open_routes, "\n".join(open_routes)
    assert all(n >= 5 for n in served.values()), served  # each service's table was read, not skipped
    assert {(m, p) for _, m, p in public} == PUBLIC, "each service serves the public routes, no more"
    print(f"\nrequests without a token, by service: {served}; public: {sorted(public)}")
