"""Run services in-process against the real broker and store, each with fresh topics and databases."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI
from parkops_runtime.auth import Role, TokenCodec
from parkops_runtime.settings import DEV_JWT_SECRET, ServiceSettings

from tests.support.infra import Infra

S = TypeVar("S", bound=ServiceSettings)
T = TypeVar("T")
TOKENS = TokenCodec(DEV_JWT_SECRET, "parkops")


RUNS: list[str] = []  # every run id of this session, so its topics can be deleted at the end


def run_id() -> str:
    run = uuid.uuid4().hex[:8]
    RUNS.append(run)
    return run


def isolated_settings(cls: type[S], infra: Infra, run: str, **overrides: Any) -> S:
    """Settings of one service for one test run: its own topic prefix and database."""
    defaults: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
        "mongodb_url": infra.mongodb_url,
        "mongodb_database": f"t{run}_{cls.SERVICE_NAME}",
        "topic_prefix": f"t{run}",
        "topic_partitions": 1,  # a broker that outlives many test runs holds every topic's files open
        "outbox_sweep_seconds": 0.5,
        "outbox_owner_beat_seconds": 0.25,
        "outbox_owner_dead_after_seconds": 2.0,  # a crashed process's events go out within seconds
        "dev_mode": True,  # tests mint HS256 tokens with the development secret
    }
    return cls(**(defaults | overrides))


@asynccontextmanager
async def serving(app: FastAPI, raise_app_exceptions: bool = True) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (broker, relay, consumers) running, and an HTTP client for it; with
    `raise_app_exceptions=False` an exception escaping a route is the 500 a client would get."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


def bearer(
    role: Role, group: str, parks: list[str] | None = None, tenant: str | None = None
) -> dict[str, str]:
    token = TOKENS.mint("test-user", role, group, parks or [], tenant_id=tenant)
    return {"Authorization": f"Bearer {token}"}


async def eventually(
    probe: Callable[[], Awaitable[T | None]], within: float = 20.0, every: float = 0.05
) -> T:
    """Poll until the probe returns something truthy; fail with the last value after `within` seconds."""
    deadline, last = time.monotonic() + within, None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"condition not met within {within}s; last value: {last!r}")
