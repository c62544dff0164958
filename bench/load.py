"""Serve an ASGI app with uvicorn in its own process; drive it at a steady rate and time each request."""

import asyncio
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass

import httpx
from parkops_runtime.settings import ServiceSettings

from bench.http_client import HttpClient, Response
from tests.support.infra import free_port

Call = Callable[[], Awaitable[Response]]

WARM_UP_SECONDS = 2.0


def service_env(settings: ServiceSettings) -> dict[str, str]:
    """The environment that gives a service process in uvicorn these settings (no secrets to pass;
    a setting left unset stays unset, not the word None)."""
    prefix = settings.model_config.get("env_prefix", "")
    passed = settings.model_dump(mode="json", exclude={"jwt_secret", "otlp_endpoint"}, exclude_none=True)
    return {f"{prefix}{name.upper()}": str(value) for name, value in passed.items()}


@asynccontextmanager
async def served(target: list[str], env: dict[str, str], workers: int = 1) -> AsyncIterator[str]:
    """The app on a free port, in `workers` processes (uvicorn shares the socket among them)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        *target,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--workers",
        str(workers),
    ]
    process = await asyncio.create_subprocess_exec(*command, env=os.environ | env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                try:
                    await client.get(f"{base}/docs")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        yield base
    finally:
        process.terminate()
        await process.wait()


async def until_ready(base: str, instances: int = 1, within: float = 1800) -> float:
    """Seconds until /health/ready answers 200 (the tickets service reads its due index first).

    With several instances behind the port, until 10 answers in a row on new connections are 200."""
    started, needed, streak = time.perf_counter(), 1 if instances == 1 else 10, 0
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        while streak < needed:
            ready = await client.get("/health/ready", headers={"Connection": "close"})
            streak = streak + 1 if ready.status_code == 200 else 0
            if time.perf_counter() - started > within:
                raise TimeoutError(f"{base} not ready within {within} s")
            if not streak:
                await asyncio.sleep(0.5)
    return time.perf_counter() - started


@dataclass
class LoadResult:
    sent: int
    achieved: float
    p50: float
    p95: float
    p99: float
    worst: float
    errors: int

    @classmethod
    def of(cls, samples: list[float], errors: int, elapsed: float) -> "LoadResult":
        cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else [0.0] * 99
        achieved, worst = len(samples) / elapsed, max(samples, default=0)
        return cls(len(samples), achieved, cuts[49], cuts[94], cuts[98], worst, errors)


class Tally:
    """Latencies in ms and failed requests (an error status or no answer)."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.errors = 0

    async def time(self, call: Call, since: float) -> None:
        try:
            response = await call()
            if response.status_code >= 400:
                self.errors += 1
                if self.errors == 1:
                    print(f"first error: {response.status_code} {response.body[:200]!r}")
        except (OSError, asyncio.IncompleteReadError):
            self.errors += 1
        self.samples.append((time.perf_counter() - since) * 1000)


async def steady_load(
    base: str,
    path: str,
    headers: dict[str, str],
    body: dict[str, str],
    *,
    rate: float,
    seconds: float,
    measured: Callable[[], AbstractAsyncContextManager[object]] = nullcontext,
) -> LoadResult:
    """Send at `rate` for a warm-up, then for `seconds` (inside `measured()`, e.g. a CPU meter); latency
    from the scheduled time."""
    client = HttpClient(base, headers)

    def call() -> Awaitable[Response]:
        return client.post(path, body)

    try:
        await _phase(call, rate, WARM_UP_SECONDS)
        async with measured():
            started = time.perf_counter()
            tally = await _phase(call, rate, seconds)
            return LoadResult.of(tally.samples, tally.errors, time.perf_counter() - started)
    finally:
        await client.close()


async def _phase(call: Call, rate: float, seconds: float) -> Tally:
    tally, tasks, start = Tally(), [], time.perf_counter()
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        tasks.append(asyncio.create_task(tally.time(call, scheduled)))
    await asyncio.gather(*tasks)
    return tally


async def capacity(
    base: str, path: str, headers: dict[str, str], body: dict[str, str], *, workers: int, seconds: float
) -> LoadResult:
    """Closed loop: `workers` clients back to back for `seconds`; the most the server sustains."""
    client = HttpClient(base, headers)
    try:
        return await closed_loop(lambda _: client.post(path, body), workers, seconds)
    finally:
        await client.close()


async def closed_loop(call: Callable[[int], Awaitable[Response]], workers: int, seconds: float) -> LoadResult:
    """`workers` clients, each sending its next request (`call(worker)`) as the last one is answered."""
    tally, deadline = Tally(), time.perf_counter() + seconds

    async def worker(n: int) -> None:
        while time.perf_counter() < deadline:
            await tally.time(lambda: call(n), time.perf_counter())

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(workers)))
    return LoadResult.of(tally.samples, tally.errors, time.perf_counter() - started)


async def open_loop(call: Callable[[int], Awaitable[Response]], rate: float, seconds: float) -> LoadResult:
    """Request `i` sent at `i / rate` s whether or not earlier ones were answered (an offered rate, as
    clients arrive); its latency counted from that scheduled time, so a server falling behind shows."""
    tally, tasks, start = Tally(), [], time.perf_counter()
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        tasks.append(asyncio.create_task(tally.time(lambda i=i: call(i), scheduled)))  # type: ignore[misc]
    await asyncio.gather(*tasks)
    return LoadResult.of(tally.samples, tally.errors, time.perf_counter() - start)
