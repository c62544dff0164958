"""A SIGTERM'd leasing (uvicorn, as deployed) finishes its in-flight requests and publishes every event
it answered for before it exits: nothing waits in the outbox for the next start's sweep."""

import asyncio
import signal
import time
from pathlib import Path

import httpx
from leasing.settings import LeasingSettings
from parkops_contracts.events.leasing import ParkRegistered
from parkops_runtime.auth import Role
from pymongo import MongoClient

from bench.load import service_env
from tests.support.fault_processes import ServiceProcess
from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import park_body
from tests.support.services import bearer, isolated_settings, run_id

REQUESTS = 30


async def test_sigterm_drains_in_flight_requests_and_pending_publishes(infra: Infra, tmp_path: Path) -> None:
    run = run_id()
    env = service_env(isolated_settings(LeasingSettings, infra, run, topic_partitions=1))
    leasing = ServiceProcess("leasing.main:create_app", env, tmp_path / "leasing.log", log_level="info")
    await leasing.start()
    admin = bearer(Role.GROUP_ADMIN, "drain-group")
    try:
        limits = httpx.Limits(max_connections=REQUESTS)
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:

            async def register(i: int) -> tuple[int | None, float]:
                body = park_body(f"park-{i}", f"P{i}")
                try:
                    response = await http.post(f"{leasing.base}/parks", json=body, headers=admin)
                except httpx.HTTPError:
                    return None, time.monotonic()  # not yet read when the server stopped listening
                return response.status_code, time.monotonic()

            calls = [asyncio.create_task(register(i)) for i in range(REQUESTS)]
            await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
            stopped = asyncio.create_task(leasing.terminate())
            terminated = time.monotonic()
            results = await asyncio.gather(*calls)
        # uvicorn re-raises the SIGTERM once it has shut down: the exit status cannot tell a drained
        # exit from an abrupt one, its log can.
        assert await asyncio.wait_for(stopped, 30) == -signal.SIGTERM
    finally:
        await leasing.stop()

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
