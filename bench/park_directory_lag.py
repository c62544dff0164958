"""POST /parks (leasing) -> the park known to every other service's directory: lag over N parks.

The five services run in this process against the real broker and store (fresh topics and databases).
Each registration's clock starts when leasing answers and stops, per service, when that service's
directory (the one its access layer asks) finds the park; a park is known "everywhere" at the slowest
of the four. Until then the service answers 404 for the park, as for any park it does not know. The
baseline is a bare aiokafka produce -> consume round trip on the same broker, measured in the same run.

Usage: scripts/infra up && eval "$(scripts/infra env)" && .venv/bin/python -m bench.park_directory_lag [N]
"""

import asyncio
import time
from contextlib import AsyncExitStack

from fastapi import FastAPI
from finance.main import create_app as create_finance
from finance.settings import FinanceSettings
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from matchmaking.main import create_app as create_matchmaking
from matchmaking.settings import MatchmakingSettings
from parkops_runtime.auth import Role
from parkops_runtime.directory import Directory
from tickets.main import create_app as create_tickets
from tickets.settings import TicketsSettings

from bench.onboard_latency import against_baseline, percentiles
from tests.support.infra import Infra
from tests.support.parks import park_body
from tests.support.services import bearer, isolated_settings, run_id, serving

FOLLOWERS = {
    "tickets": (create_tickets, TicketsSettings),
    "finance": (create_finance, FinanceSettings),
    "matchmaking": (create_matchmaking, MatchmakingSettings),
    "kpi": (create_kpi, KpiSettings),
}


async def directory_lag(infra: Infra, n: int) -> dict[str, list[float]]:
    run = run_id()
    admin = bearer(Role.GROUP_ADMIN, "bench-group")
    lags: dict[str, list[float]] = {name: [] for name in [*FOLLOWERS, "all five"]}
    async with AsyncExitStack() as stack:
        leasing = await stack.enter_async_context(
            serving(create_leasing(isolated_settings(LeasingSettings, infra, run)))
        )
        directories: dict[str, Directory] = {}
        for name, (create, settings) in FOLLOWERS.items():
            app: FastAPI = create(isolated_settings(settings, infra, run))
            await stack.enter_async_context(serving(app))
            directories[name] = app.state.directory
        for i in range(n):
            park_id = f"lag-{run}-{i}"
            park = park_body(park_id, "Lag", industries=("C39",))
            (await leasing.post("/parks", json=park, headers=admin)).raise_for_status()
            answered, waiting = time.perf_counter(), dict(directories)
            while waiting:
                for name, directory in list(waiting.items()):
                    if await directory.park(park_id) is not None:
                        lags[name].append(time.perf_counter() - answered)
                        del waiting[name]
                await asyncio.sleep(0.002)
            lags["all five"].append(time.perf_counter() - answered)
    return lags


async def main() -> None:
    lags, _, _ = await against_baseline(directory_lag, "parks")
    for name, samples in lags.items():
        p50, p95 = percentiles(samples)
        print(f"{'POST /parks -> known in ' + name:40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
