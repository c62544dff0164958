"""No two leases on one unit for overlapping periods, even under 100 simultaneous signing requests."""

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
from leasing.domain.commands import ListUnit
from leasing.main import create_app
from leasing.repository import ParkCodec
from leasing.settings import LeasingSettings
from parkops_contracts.events.leasing import UnitListed, UnitType
from parkops_runtime.outbox import commit_id

from tests.e2e.conftest import TODAY, Platform
from tests.e2e.test_leasing_lifecycle import leasing_park
from tests.support.kafka import read_all
from tests.support.parks import lease_body
from tests.support.services import eventually, isolated_settings, serving


@asynccontextmanager
async def replicas(platform: Platform, n: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """`n` more leasing instances on the platform's database and topics, as separate replicas would be."""
    async with AsyncExitStack() as stack:
        clients = [platform.leasing]
        for _ in range(n):
            # The platform's clock: a key stored by one replica is not expired by another's.
            app = create_app(
                isolated_settings(LeasingSettings, platform.infra, platform.run), clock=lambda: TODAY
            )
            clients.append(await stack.enter_async_context(serving(app)))
        yield clients


async def test_100_concurrent_signings_of_one_unit_yield_exactly_one_lease(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "race-park")
    body = lease_body(tenant, units[:1], "2027-01-01", 12)

    async def sign(i: int, leasing: httpx.AsyncClient) -> tuple[int, str]:
        start = f"2027-{1 + i % 6:02d}-01"  # overlapping periods, not only identical ones
        r = await leasing.post(
            "/parks/race-park/leases", headers=platform.admin, json={**body, "starts_on": start}
        )
        return r.status_code, r.text

    async with replicas(platform, 3) as clients:  # 4 replicas: the race crosses processes' locks
        results = await asyncio.gather(*(sign(i, clients[i % 4]) for i in range(100)))
    codes = Counter(code for code, _ in results)
    assert codes == {201: 1, 409: 99}, codes
    winner = next(text for code, text in results if code == 201)

    async def signed() -> list[dict[str, str]]:  # the replica asked may have read the park before the win
        found: list[dict[str, str]] = (
            await platform.leasing.get("/parks/race-park/leases", headers=platform.admin)
        ).json()
        return found

    leases = await eventually(signed, within=5)
    assert len(leases) == 1
    assert leases[0]["lease_id"] in winner
    named = sum(leases[0]["lease_id"] in text for code, text in results if code == 409)
    assert named == 99, "every refusal names the conflicting lease"


async def test_replays_with_one_idempotency_key_have_one_effect(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "replay-park")
    headers = {**platform.admin, "Idempotency-Key": "sign-once"}
    body = lease_body(tenant, units[:1])
    results = await asyncio.gather(
        *(platform.leasing.post("/parks/replay-park/leases", headers=headers, json=body) for _ in range(10))
    )
    assert {r.status_code for r in results} == {201}
    assert len({r.json()["lease_id"] for r in results}) == 1
    assert len((await platform.leasing.get("/parks/replay-park/leases", headers=platform.admin)).json()) == 1


async def test_concurrent_changes_to_one_park_are_never_lost(platform: Platform) -> None:
    """Every accepted change survives: the store's updates are not isolated, the version claims are."""
    await leasing_park(platform, "busy-park")

    async def list_unit(i: int) -> int:
        body = {"building": "C", "floor": 1, "unit_number": f"C-{i}", "unit_type": "office", "area_m2": "10"}
        return (
            await platform.leasing.post("/parks/busy-park/units", headers=platform.admin, json=body)
        ).status_code

    codes = Counter(await asyncio.gather(*(list_unit(i) for i in range(40))))
    assert set(codes) <= {201, 409}, codes
    units = (await platform.leasing.get("/parks/busy-park/units", headers=platform.admin)).json()
    assert len([u for u in units if u["building"] == "C"]) == codes[201]
    assert codes[201] == 40, codes  # one replica: writers queue per park, none is refused


async def test_a_write_claimed_by_a_crashed_replica_is_rolled_forward(platform: Platform) -> None:
    """A writer that dies between its commit and its update blocks nothing and loses nothing."""
    await leasing_park(platform, "crash-park")
    app = create_app(isolated_settings(LeasingSettings, platform.infra, platform.run))
    async with serving(app):
        runtime = app.state.runtime
        parks, codec = runtime.aggregates("parks"), ParkCodec()
        stored = await parks.get("crash-park")
        assert stored is not None
        park, version = codec.decode(stored), stored["_version"]
        park.list_unit(
            ListUnit("Z", 1, "Z-1", UnitType.OFFICE, Decimal(42)), "crashed-unit", datetime.now(UTC)
        )
        commits = runtime.database["parks.commits"]
        await commits.insert_one(
            {  # the commit of a writer that died before copying it to the park
                "_id": commit_id("crash-park", version + 1),
                "doc_id": "crash-park",
                "version": version + 1,
                "owner": "crashed-replica",  # no heartbeat: dead once a survivor saw it silent long enough
                "token": "dead-writer",
                "at": datetime.now(UTC) - timedelta(minutes=1),
                "fields": codec.encode(park),
                "events": [runtime.outbound(e).to_document() for e in codec.take_events(park)],
            }
        )

        async def rolled_forward() -> (
            dict[str, object] | None
        ):  # by a reader or the sweep, once the owner is dead
            found = await parks.get("crash-park")
            return found if found is not None and found["_version"] == version + 1 else None

        recovered = await eventually(rolled_forward)
        assert "crashed-unit" in codec.decode(recovered).units

        # Every commit, this one and the earlier writes', is deleted once its events are published.
        async def no_commits_left() -> bool:
            return await commits.count_documents({}) == 0

        assert await eventually(no_commits_left)
    records = await read_all(platform.infra.kafka_bootstrap_servers, UnitListed.topic(f"t{platform.run}"), 1)
    mine = [e for e in (json.loads(r.value) for r in records) if e["unit_id"] == "crashed-unit"]
    assert [{k: v for k, v in e.items() if k != "listed_at"} for e in mine] == [
        {
            "park_id": "crash-park",
            "group_id": platform.group,
            "unit_id": "crashed-unit",
            "building": "Z",
            "floor": 1,
            "unit_number": "Z-1",
            "unit_type": "office",
            "area_m2": "42",
        }
    ]  # once, as the dead writer left it

    async def listed() -> bool:  # the platform's replica serves what it read for up to a second
        units = (await platform.leasing.get("/parks/crash-park/units", headers=platform.admin)).json()
        return "crashed-unit" in {u["unit_id"] for u in units}

    assert await eventually(listed, within=5)
