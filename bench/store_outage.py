"""A store outage as leasing's clients see it: time to the first 503, its cost once known, recovery.

leasing runs in this process against a FerretDB of its own (never the shared store), killed (SIGKILL) and
started again on the same port and data, ROUNDS times. Per round:
- first answer: the first write after the kill (it meets the dead connection, or the breaker);
- known: a read once the breaker is open;
- idle: from the kill of an idle service to the breaker opening (pymongo's heartbeat finds it);
- recovery: from the store listening again to leasing's first 200.
Baseline, same run and store: the client as it was before (serverSelectionTimeoutMS=5000, default
heartbeat, no breaker): how long a lookup by `_id` after the kill takes to fail (each one did).

Usage: scripts/infra up && eval "$(scripts/infra env)" && .venv/bin/python -m bench.store_outage [ROUNDS]
"""

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

from leasing.main import create_app
from leasing.settings import LeasingSettings
from parkops_runtime.auth import Role
from parkops_runtime.breaker import StoreBreaker
from pymongo import AsyncMongoClient
from pymongo.errors import ConnectionFailure

from tests.support.infra import Infra
from tests.support.parks import park_body
from tests.support.services import bearer, isolated_settings, run_id, serving
from tests.support.store_process import OwnStore, own_store

ADMIN = bearer(Role.GROUP_ADMIN, "bench-group")


async def until(condition: Callable[[], Awaitable[bool]], within: float = 30) -> float:
    """Seconds until the condition holds, polled every 10 ms."""
    started = time.monotonic()
    while not await condition():
        if time.monotonic() - started > within:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def old_client_failure(store: OwnStore, n: int) -> float:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(store.url, serverSelectionTimeoutMS=5000)
    try:
        await client.bench.probe.find_one({"_id": n})
        store.kill()
        started = time.monotonic()
        try:  # the dead connection, then a retry that waits for server selection
            await client.bench.probe.find_one({"_id": n})
        except ConnectionFailure:
            return time.monotonic() - started
        raise AssertionError("the store answered after its kill")
    finally:
        await client.close()


async def measure(infra: Infra, rounds: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {k: [] for k in ("first", "known", "idle", "recovery", "baseline")}
    with own_store() as store:
        app = create_app(isolated_settings(LeasingSettings, infra, run_id(), mongodb_url=store.url))
        breaker: StoreBreaker = app.state.runtime.store_breaker
        async with serving(app) as leasing:

            async def answers() -> bool:
                return (await leasing.get("/parks", headers=ADMIN)).status_code == 200

            async def is_open() -> bool:
                return breaker.is_open

            async def restart() -> None:
                await asyncio.to_thread(store.start)
                figures["recovery"].append(await until(answers))

            for n in range(rounds):
                registered = await leasing.post("/parks", json=park_body(f"a{n}"), headers=ADMIN)
                assert registered.status_code == 201
                store.kill()
                started = time.monotonic()
                first = await leasing.post("/parks", json=park_body(f"b{n}"), headers=ADMIN)
                figures["first"].append(time.monotonic() - started)
                assert first.status_code == 503, first.text
                for _ in range(20):
                    started = time.monotonic()
                    assert (await leasing.get("/parks", headers=ADMIN)).status_code == 503
                    figures["known"].append(time.monotonic() - started)
                await restart()

                store.kill()
                figures["idle"].append(await until(is_open))
                await restart()

                figures["baseline"].append(await old_client_failure(store, n))
                await restart()
    return figures


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    figures = asyncio.run(measure(Infra.from_env(), rounds))
    print(f"store outage, {rounds} rounds (ms: median / max)")
    labels = {
        "baseline": "baseline: a lookup after the kill, client as before (5 s selection)",
        "first": "first answer after the kill (503)",
        "known": "an answer once the outage is known (503)",
        "idle": "kill of an idle service -> breaker open",
        "recovery": "store listening again -> first 200",
    }
    for key, label in labels.items():
        samples = figures[key]
        print(f"  {label:<70} {statistics.median(samples) * 1000:8.1f} / {max(samples) * 1000:8.1f}")


if __name__ == "__main__":
    main()
