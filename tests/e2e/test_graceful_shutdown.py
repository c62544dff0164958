"""A SIGTERM'd leasing (uvicorn, as deployed) finishes its in-flight requests and publishes every event
it answered for before it exits: nothing waits in the outbox for the next start's sweep."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from parkops_contracts.events import ParkRegistered
from parkops_runtime.auth import Role
from pymongo import MongoClient

from tests.support.infra import Infra, free_port
from tests.support.kafka import read_all
from tests.support.services import bearer, run_id

REQUESTS = 30


def start_leasing(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "leasing.main:create_app", "--port", str(port)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        assert process.poll() is None, f"leasing died while starting: {log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, "leasing did not become ready within 60 s"
        time.sleep(0.2)


async def test_sigterm_drains_in_flight_requests_and_pending_publishes(infra: Infra, tmp_path: Path) -> None:
    run = run_id()
    env = {
        "LEASING_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap_servers,
        "LEASING_MONGODB_URL": infra.mongodb_url,
        "LEASING_MONGODB_DATABASE": f"t{run}_leasing",
        "LEASING_TOPIC_PREFIX": f"t{run}",
        "LEASING_TOPIC_PARTITIONS": "1",
        "LEASING_DEV_MODE": "true",  # the tests sign tokens with the development secret
    }
    port = free_port()
    process = start_leasing(env, port, tmp_path / "leasing.log")
    admin = bearer(Role.GROUP_ADMIN, "drain-group")
    try:
        limits = httpx.Limits(max_connections=REQUESTS)
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:

            async def register(i: int) -> tuple[int | None, float]:
                body = {
                    "park_id": f"park-{i}",
                    "name": f"P{i}",
                    "park_type": "incubator",
                    "leading_industries": ["I65"],
                }
                try:
                    response = await http.post(f"http://127.0.0.1:{port}/parks", json=body, headers=admin)
                except httpx.HTTPError:
                    return None, time.monotonic()  # not yet read when the server stopped listening
                return response.status_code, time.monotonic()

            calls = [asyncio.create_task(register(i)) for i in range(REQUESTS)]
            await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
            process.send_signal(signal.SIGTERM)
            terminated = time.monotonic()
            results = await asyncio.gather(*calls)
        # uvicorn re-raises the SIGTERM once it has shut down: the exit status cannot tell a drained
        # exit from an abrupt one, its log can.
        assert await asyncio.to_thread(process.wait, 30) == -signal.SIGTERM
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert "Application shutdown complete." in (tmp_path / "leasing.log").read_text()
    assert {status for status, _ in results} <= {201, None}, results
    created = {f"park-{i}" for i, (status, _) in enumerate(results) if status == 201}
    finished_after = [at for status, at in results if status == 201 and at > terminated]
    print(f"\n{len(created)} of {REQUESTS} answered 201, {len(finished_after)} of them after the SIGTERM")
    assert finished_after, "requests in flight at the SIGTERM were answered"

    topic = ParkRegistered.topic(f"t{run}")
    published = await read_all(infra.kafka_bootstrap_servers, topic, at_least=len(created), timeout_s=10)
    parks = sorted(ParkRegistered.model_validate_json(r.value).park_id for r in published)
    assert parks == sorted(created), "each accepted registration published exactly once"
    with MongoClient(infra.mongodb_url) as client:
        assert client[f"t{run}_leasing"]["parks.commits"].count_documents({}) == 0, "no event left behind"
