"""A store outage: fast 503 problems with Retry-After, readiness false, and recovery by itself.

leasing runs in this process against a FerretDB of the test's own (never the shared store), which the
test kills and starts again on the same port and data. The bound on the first answer is generous (the
old client waited 5.5 s); bench/store_outage.py measures the figures."""

import asyncio
import time

import httpx
from leasing.main import create_app
from leasing.settings import LeasingSettings
from parkops_runtime.auth import Role
from parkops_runtime.breaker import StoreBreaker
from parkops_runtime.problems import MEDIA_TYPE

from tests.support.infra import Infra
from tests.support.parks import park_body
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving
from tests.support.store_process import own_store

ADMIN = bearer(Role.GROUP_ADMIN, "outage-group")
PARK = park_body("outage-park", "Outage Park")


def assert_store_problem(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    assert response.headers["retry-after"] == "1"
    assert response.json()["title"] == "Service Unavailable"


async def test_a_store_outage_answers_503_at_once_and_recovers_by_itself(infra: Infra) -> None:
    with own_store() as store:
        app = create_app(isolated_settings(LeasingSettings, infra, run_id(), mongodb_url=store.url))
        breaker = app.state.runtime.store_breaker
        assert isinstance(breaker, StoreBreaker)
        async with serving(app) as leasing:
            assert (await leasing.post("/parks", json=PARK, headers=ADMIN)).status_code == 201
            assert (await leasing.get("/health/ready")).status_code == 200

            store.kill()
            # The first write after the kill meets the dead connection (or the breaker, if a heartbeat
            # came first): an honest 503 problem either way, never a 500 or plain text.
            started = time.monotonic()
            first = await leasing.post("/parks", json=PARK | {"park_id": "p2"}, headers=ADMIN)
            assert time.monotonic() - started < 2.5
            assert_store_problem(first)

            assert breaker.is_open, "the outage is known"
            # Reads too, even one leasing could answer from its read cache: the data may have moved on.
            assert_store_problem(await leasing.get("/parks/outage-park", headers=ADMIN))
            ready = await leasing.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["checks"]["store"] is False
            assert (await leasing.get("/health/live")).status_code == 200

            await asyncio.to_thread(store.start)

            async def answers() -> bool:
                response = await leasing.get("/parks/outage-park", headers=ADMIN)
                return response.status_code == 200 and response.json()["park_id"] == "outage-park"

            await eventually(answers, within=15)
            assert not breaker.is_open
            assert (await leasing.get("/health/ready")).status_code == 200
            assert (
                await leasing.post("/parks", json=PARK | {"park_id": "p2"}, headers=ADMIN)
            ).status_code == 201


async def test_a_store_that_dies_while_idle_is_known_down_without_a_request(infra: Infra) -> None:
    with own_store() as store:
        app = create_app(isolated_settings(LeasingSettings, infra, run_id(), mongodb_url=store.url))
        async with serving(app) as leasing:
            assert (await leasing.get("/health/ready")).status_code == 200
            store.kill()

            async def known_down() -> bool:
                return bool(app.state.runtime.store_breaker.is_open)

            await eventually(known_down, within=10)  # the monitor's heartbeat (every second) finds it
            assert_store_problem(await leasing.get("/parks", headers=ADMIN))
            await asyncio.to_thread(store.start)

            async def ready() -> bool:
                return (await leasing.get("/health/ready")).status_code == 200

            await eventually(ready, within=15)
