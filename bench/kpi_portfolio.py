"""Portfolio query latency for a group of 1,000 parks (p50/p95 over HTTP, in-process ASGI).

Each park folds kpi_facts.scenario (30 events of every service). Measured: warm queries (every
scorecard cached), and queries each preceded by a new event in one park (that park's scorecard is
recomputed, the others come from the cache). The route reads memory, and the park directory (which
says the group owns each park) from the store once per park; no broker is needed.

Usage: scripts/infra up && eval "$(scripts/infra env)" &&
       .venv/bin/python -m bench.kpi_portfolio [PARKS] [QUERIES]
"""

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime

import httpx
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from parkops_runtime.auth import Role
from parkops_runtime.directory import entry_of

from services.kpi.tests.unit.kpi_facts import park, resolved, scenario
from tests.support.infra import Infra
from tests.support.services import bearer, isolated_settings, run_id


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


async def main(parks: int, queries: int) -> None:
    infra = Infra.from_env()
    app = create_kpi(isolated_settings(KpiSettings, infra, run_id(), log_level="WARNING"))
    projections = app.state.projections
    directory = app.state.runtime.directory
    await directory.collection.insert_many(
        [entry_of(park(park_id=f"p{i}", group_id="g")) for i in range(parks)]
    )
    now = datetime.now(UTC)
    base = scenario()
    for i in range(parks):
        for j, event in enumerate(base):
            projections.apply(event.model_copy(update={"park_id": f"p{i}", "group_id": "g"}), now, f"{i}-{j}")
    headers = bearer(Role.GROUP_ADMIN, "g")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kpi") as client:
        began = time.perf_counter()
        first = await client.get("/groups/g/portfolio/2026", headers=headers)
        cold = time.perf_counter() - began
        assert first.status_code == 200
        assert len(first.json()["parks"]) == parks
        warm, after_event = [], []
        for q in range(queries):
            began = time.perf_counter()
            await client.get("/groups/g/portfolio/2026", headers=headers)
            warm.append(time.perf_counter() - began)
            ticket = resolved(f"bench-{q}", now.date(), 1.0).model_copy(
                update={"park_id": f"p{q % parks}", "group_id": "g"}
            )
            projections.apply(ticket, now, f"bench-{q}")
            began = time.perf_counter()
            await client.get("/groups/g/portfolio/2026", headers=headers)
            after_event.append(time.perf_counter() - began)
    await app.state.runtime.client.drop_database(directory.collection.database.name)
    ms = 1000
    print(f"portfolio of {parks} parks, {queries} queries each")
    print(f"first query (every scorecard computed): {cold * ms:8.1f} ms")
    print(f"warm:            p50 {statistics.median(warm) * ms:6.1f} ms   p95 {p95(warm) * ms:6.1f} ms")
    median, tail = statistics.median(after_event) * ms, p95(after_event) * ms
    print(f"after an event:  p50 {median:6.1f} ms   p95 {tail:6.1f} ms")


if __name__ == "__main__":
    asyncio.run(
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    )
