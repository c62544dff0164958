"""A meeting of 400 open needs planned as a job (`Prefer: respond-async`), over the real broker and store,
with two replicas: the batch answers 202 with a Location, a second start of the same keyed request on
the other replica joins it, its progress and end are read from that other replica, health answers on the
running one throughout and its consumers lose no heartbeat; the meeting it planned is the one the
synchronous call with the same key answers."""

import asyncio
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from matchmaking.main import create_app
from matchmaking.settings import MatchmakingSettings

from bench.load import service_env
from tests.e2e.test_finance_billing_runs import probe_health, watching
from tests.support.fault_processes import ServiceProcess
from tests.support.infra import Infra
from tests.support.matchmaking import Enterprises, Matchmaking, leasing_running, ready, seen
from tests.support.services import eventually, isolated_settings, run_id, serving

PARK = "batch-park"
TENANTS: Enterprises = {
    "vax": (PARK, "C2762", "Suzhou Vaccine Co"),
    "pharma": (PARK, "C2710", "Jiangsu Pharma"),
    "glass": (PARK, "C3055", "Glass Vials Ltd"),
    "stopper": (PARK, "C2929", "Rubber Stopper Co"),
}
EACH = 200  # the most a profile declares: 400 open needs (20 slices) ranked over 400 offerings
SUPPLIERS = {
    "glass": "中硼硅玻璃瓶 疫苗西林瓶 borosilicate vaccine vials",
    "stopper": "西林瓶胶塞 vial rubber stoppers",
}
BODY = {"title": "Batch meeting", "held_on": "2026-12-15", "top_k": 3}


def offerings(supplier: str) -> list[dict[str, Any]]:
    return [
        {"offering_id": f"{supplier}-{i}", "text": f"{SUPPLIERS[supplier]} grade {i}",
         "segment": "bio.packaging", "capacity": 1000 + i}
        for i in range(EACH)
    ]  # fmt: skip


def needs(buyer: str) -> list[dict[str, Any]]:
    return [
        {"need_id": f"{buyer}-{i}", "text": f"采购疫苗西林瓶 胶塞 vials stoppers lot {i}", "volume": 100 + i}
        for i in range(EACH)
    ]


async def shared_with_the_other(app: FastAPI) -> bool:
    """Whether each consumer group of this replica holds some but not all of its topics' partitions: the
    other replica has joined, every topic exists and the rebalancing that brought it is over (a replica's
    joining logs "Heartbeat failed ... because it is rebalancing": not what is watched here)."""
    for subscriber in app.state.runtime.broker.subscribers:
        consumer = subscriber.consumer
        if consumer is None:
            return False
        partitions = [consumer.partitions_for_topic(topic) for topic in consumer.subscription()]
        if any(p is None for p in partitions):
            return False
        if not 0 < len(consumer.assignment()) < sum(len(p or ()) for p in partitions):
            return False
    return True


async def succeeded(http: httpx.AsyncClient, location: str, headers: dict[str, str]) -> dict[str, Any] | None:
    batch = (await http.get(location, headers=headers)).json()
    assert batch["state"] != "failed", batch
    return batch if batch["state"] == "succeeded" else None


async def test_a_meeting_batch_runs_as_a_job_read_and_joined_on_another_replica(
    infra: Infra, tmp_path: Path
) -> None:
    run = run_id()
    settings = isolated_settings(MatchmakingSettings, infra, run, topic_partitions=2)
    other = ServiceProcess(
        "matchmaking.main:create_app", service_env(settings), tmp_path / "matchmaking-b.log"
    )
    app = create_app(settings)
    async with leasing_running(infra, run) as leasing, serving(app) as a:
        await ready(a)
        try:
            await other.start()  # first: its joining the consumer groups is over before anything is watched
            m = Matchmaking(run, infra, a, leasing, f"group-{run}")
            await m.settle(TENANTS)
            op = m.operator(PARK)
            for name in SUPPLIERS:
                declared = {"offerings": offerings(name)}
                r = await a.put(f"/parks/{PARK}/profiles/{m.id(name)}", headers=op, json=declared)
                assert r.status_code == 200, r.text
            for buyer in ("vax", "pharma"):
                r = await a.put(
                    f"/parks/{PARK}/profiles/{m.id(buyer)}", headers=op, json={"needs": needs(buyer)}
                )
                assert r.status_code == 200, r.text
            async with httpx.AsyncClient(base_url=other.base, timeout=30) as b:
                await seen(b, f"/parks/{PARK}/profiles/{m.id('pharma')}", op)
                await eventually(lambda: shared_with_the_other(app), within=120, every=0.5)
                keyed = op | {"Idempotency-Key": f"batch-{run}", "Prefer": "respond-async"}
                stop = asyncio.Event()
                with watching() as watched:
                    health = asyncio.create_task(probe_health(a, stop))
                    started = await a.post(f"/parks/{PARK}/meetings", headers=keyed, json=BODY)
                    assert started.status_code == 202, started.text
                    assert started.headers["Preference-Applied"] == "respond-async"
                    batch = started.json()
                    location = f"/parks/{PARK}/meeting-batches/{batch['meeting_id']}"
                    assert started.headers["Location"] == location
                    assert batch["state"] in ("queued", "running")
                    joined = await b.post(f"/parks/{PARK}/meetings", headers=keyed, json=BODY)
                    assert joined.status_code == 202, joined.text
                    assert joined.json()["meeting_id"] == batch["meeting_id"]
                    assert joined.json()["created_at"] == batch["created_at"], "the same batch"
                    done = await eventually(lambda: succeeded(b, location, op), within=300)
                    stop.set()
                    answers = await health
                assert watched.seen == []  # no partition revoked, no heartbeat lost, no publish failed
                assert answers
                assert set(answers) == {200}
                assert done["done"] == done["total"] == 2 * EACH
                assert done["started_at"] is not None
                assert done["finished_at"] is not None
                assert (await a.get(location, headers=op)).json() == done
                meeting = (await b.get(f"/parks/{PARK}/meetings/{batch['meeting_id']}", headers=op)).json()
                assert len(meeting["proposal_ids"]) == done["proposals"] > 0
                assert {m.id("vax"), m.id("pharma"), m.id("glass")} <= set(meeting["participants"])
                sync = await a.post(
                    f"/parks/{PARK}/meetings", headers=op | {"Idempotency-Key": f"batch-{run}"}, json=BODY
                )
                assert sync.status_code == 201, sync.text
                assert sync.json() == meeting, "the synchronous call with the key answers the batch's meeting"
                tenant = await b.get(location, headers=m.tenant("vax"))
                assert tenant.status_code == 403, "a batch is staff's"
        finally:
            await other.stop()
