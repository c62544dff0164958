"""/health/ready is 503 naming what is gone — the store or the broker — and 200 again once it is back;
/health/live stays 200 throughout. Each outage is real: a FerretDB or a Kafka broker of the test's own,
killed and started again under a running service (never the shared ones)."""

import asyncio
import json

import httpx
import pytest
from fastapi import FastAPI
from finance.main import create_app as create_finance
from finance.settings import FinanceSettings
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from matchmaking.main import create_app as create_matchmaking
from matchmaking.settings import MatchmakingSettings
from parkops_contracts.events.leasing import ParkRegistered
from parkops_runtime.auth import Role
from tickets.main import create_app as create_tickets
from tickets.settings import TicketsSettings

from tests.support.broker_process import own_broker
from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import register_park
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving
from tests.support.store_process import own_store

APPS = {
    "leasing": lambda infra, run, **o: create_leasing(isolated_settings(LeasingSettings, infra, run, **o)),
    "tickets": lambda infra, run, **o: create_tickets(
        isolated_settings(TicketsSettings, infra, run, breach_scanner_enabled=False, **o)
    ),
    "finance": lambda infra, run, **o: create_finance(isolated_settings(FinanceSettings, infra, run, **o)),
    "kpi": lambda infra, run, **o: create_kpi(isolated_settings(KpiSettings, infra, run, **o)),
    "matchmaking": lambda infra, run, **o: create_matchmaking(
        isolated_settings(MatchmakingSettings, infra, run, **o)
    ),
}


async def readiness(service: httpx.AsyncClient) -> tuple[int, dict[str, bool]]:
    answer = await service.get("/health/ready")
    return answer.status_code, answer.json()["checks"]


async def ready_as(service: httpx.AsyncClient, status: int, **checks: bool) -> bool:
    code, found = await readiness(service)
    return code == status and all(found[name] is up for name, up in checks.items())


@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", list(APPS))
async def test_ready_is_503_while_the_store_is_gone(infra: Infra, name: str) -> None:
    with own_store() as store:
        app: FastAPI = APPS[name](infra, run_id(), mongodb_url=store.url)
        async with serving(app) as service:
            assert await eventually(lambda: ready_as(service, 200, store=True, broker=True))
            store.kill()
            assert await eventually(lambda: ready_as(service, 503, store=False), within=15)
            assert (await service.get("/health/live")).status_code == 200
            await asyncio.to_thread(store.start)
            assert await eventually(lambda: ready_as(service, 200, store=True, broker=True), within=20)


@pytest.mark.timeout(300)
async def test_ready_is_503_while_the_broker_is_gone_and_writes_go_on(infra: Infra) -> None:
    run = run_id()
    admin = bearer(Role.GROUP_ADMIN, f"group-{run}")
    with own_broker() as broker:
        app = APPS["leasing"](infra, run, kafka_bootstrap_servers=broker.bootstrap)
        async with serving(app) as leasing:
            try:
                assert await eventually(lambda: ready_as(leasing, 200, store=True, broker=True), within=60)
                await register_park(leasing, f"group-{run}", "before-park")
                broker.kill()
                assert await eventually(lambda: ready_as(leasing, 503, store=True, broker=False), within=30)
                assert (await leasing.get("/health/live")).status_code == 200
                await register_park(leasing, f"group-{run}", "during-park")  # its event waits in the outbox
                assert (await leasing.get("/parks/during-park", headers=admin)).status_code == 200
                await asyncio.to_thread(broker.start)
                assert await eventually(lambda: ready_as(leasing, 200, store=True, broker=True), within=60)
            finally:  # leasing's shutdown publishes what its outbox holds: it needs the broker back
                if not broker.running:
                    await asyncio.to_thread(broker.start)
        records = await read_all(broker.bootstrap, ParkRegistered.topic(f"t{run}"), 2, timeout_s=60)
    parks = [json.loads(r.value)["park_id"] for r in records]
    assert sorted(parks) == ["before-park", "during-park"], parks
