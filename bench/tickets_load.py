"""Serve an ASGI app with uvicorn in its own process; drive it at a steady rate and time each request."""

import argparse
import asyncio
import os
import socket
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

WARM_UP_SECONDS = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def served(target: list[str], env: dict[str, str]) -> AsyncIterator[str]:
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


async def until_quick(
    base: str, path: str, headers: dict[str, str], body: dict[str, str], within: float = 900
) -> float:
    """Seconds until one request answers in under 100 ms (the service's start-up outbox sweep scans
    every shard and holds the relay while it does)."""
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=within) as client:
        while time.perf_counter() - started < within:
            sent = time.perf_counter()
            await client.post(path, headers=headers, json=body)
            if time.perf_counter() - sent < 0.1:
                break
    return time.perf_counter() - started


@dataclass
class LoadResult:
    sent: int
    achieved: float
    p50: float
    p99: float
    worst: float
    errors: int


async def steady_load(
    base: str, path: str, headers: dict[str, str], body: dict[str, str], args: argparse.Namespace
) -> LoadResult:
    """Send at `args.rate` for a warm-up, then for `args.seconds`; latency from the scheduled time."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await _phase(client, path, headers, body, args.rate, WARM_UP_SECONDS)
        started = time.perf_counter()
        samples, errors = await _phase(client, path, headers, body, args.rate, args.seconds)
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else [0.0] * 99
    return LoadResult(
        len(samples), len(samples) / elapsed, cuts[49], cuts[98], max(samples, default=0), errors
    )


async def _phase(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    body: dict[str, str],
    rate: float,
    seconds: float,
) -> tuple[list[float], int]:
    samples: list[float] = []
    errors = 0

    async def one(scheduled: float) -> None:
        nonlocal errors
        try:
            response = await client.post(path, headers=headers, json=body)
            if response.status_code != 201:
                errors += 1
                if errors == 1:
                    print(f"first error: {response.status_code} {response.text[:200]}")
        except httpx.HTTPError:
            errors += 1
        samples.append((time.perf_counter() - scheduled) * 1000)

    start, tasks = time.perf_counter(), []
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    return samples, errors


async def capacity(
    base: str, path: str, headers: dict[str, str], body: dict[str, str], workers: int, seconds: float
) -> LoadResult:
    """Closed loop: `workers` clients back to back for `seconds`; the most the server sustains."""
    samples: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            response = await client.post(path, headers=headers, json=body)
            errors += response.status_code != 201
            samples.append((time.perf_counter() - sent) * 1000)

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(workers)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else [0.0] * 99
    return LoadResult(
        len(samples), len(samples) / elapsed, cuts[49], cuts[98], max(samples, default=0), errors
    )
