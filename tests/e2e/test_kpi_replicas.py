"""Two kpi replicas as real processes (their own ports, one store, one broker, topics of three partitions)
behind a round-robin of writes: every read from either answers what the other does and what a kpi of
its own answers, once each has folded the writes the reads name (consistency tokens); and SIGKILLing one
loses nothing (the other, a restarted one, and a new one answer every write, those sent to the killed one
too). Parks are registered in leasing (a process too); the other services' facts are published as they
would publish them, keyed by park, so they spread over the partitions."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from parkops_contracts.base import Event

from services.kpi.tests.unit.kpi_facts import scenario
from tests.support.fault_processes import ServiceProcess
from tests.support.fault_scenarios import KPI, LEASING, Fleet, fleet
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce
from tests.support.services import eventually

TOKEN = "Parkops-Consistency-Token"
PARKS = [f"park-{i}" for i in range(4)]
PARTITIONS = {"topic_partitions": 3}
PERIODS = ("2026", "2026-Q3", "2026-10", "2025")
SCAN = {"as_of": "2026-11-30", "max_vacant_days": 100, "min_tax_per_m2": "1000"}


async def publish_facts(f: Fleet, park: str) -> int:
    """The scenario's facts of every service for the park (leasing published its ParkRegistered)."""
    by_topic: dict[str, list[tuple[bytes, dict[str, str]]]] = defaultdict(list)
    events: list[Event] = [
        e.model_copy(update={"park_id": park, "group_id": f.group}) for e in scenario()[1:]
    ]
    for event in events:
        record = (event.model_dump_json().encode(), envelope(type(event), uuid.uuid4().hex))
        by_topic[event.topic(f.prefix)].append(record)
    for topic, records in by_topic.items():
        await produce(f.infra.kafka_bootstrap_servers, topic, records, key=park.encode())
    return len(events) + 1


def paths(f: Fleet) -> list[str]:
    """Every read kpi answers of the parks: portfolio, terms, occupancy, scorecards, assessments."""
    found = [f"/groups/{f.group}/portfolio/2026", f"/groups/{f.group}/portfolio/2026-Q3"]
    for park in PARKS:
        found += [f"/parks/{park}/targets", f"/parks/{park}/occupancy?on=2026-12-01"]
        for period in PERIODS:
            found += [f"/parks/{park}/scorecards/{period}", f"/parks/{park}/assessments/{period}"]
    return found


async def answers(base: str, f: Fleet, tokens: Sequence[str]) -> dict[str, tuple[int, Any]]:
    """Each read as a replica answers it once it has folded the writes `tokens` name."""
    headers = f.admin | ({TOKEN: ", ".join(tokens)} if tokens else {})
    seen: dict[str, tuple[int, Any]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for path in paths(f):
            r = await http.get(path, headers=headers)
            assert r.status_code != 503, f"{base}{path} had not caught up within the wait: {r.text}"
            seen[path] = (r.status_code, r.json())
    return seen


async def applied(base: str, f: Fleet, park: str, count: int) -> bool:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        r = await http.get(f"/parks/{park}/occupancy", headers=f.admin)
    return r.status_code == 200 and r.json()["events_applied"] == count


async def write(base: str, f: Fleet, method: str, path: str, body: object | None = None) -> list[str]:
    """One write to one replica; its consistency tokens."""
    headers = f.admin | {"Idempotency-Key": uuid.uuid4().hex}
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.request(method, path, headers=headers, json=body)
    assert r.status_code in (200, 201), f"{method} {path}: {r.status_code} {r.text}"
    return [t.strip() for t in r.headers.get(TOKEN, "").split(",") if t.strip()]


async def terms_writes(replicas: Sequence[ServiceProcess], f: Fleet, target: str) -> list[str]:
    """A target and an agreement of every park, each write to the next replica in turn."""
    tokens: list[str] = []
    turn = 0
    for park in PARKS:
        for method, path, body in (
            ("PUT", f"/parks/{park}/targets/occupancy_rate", {"target": target, "weight": 20}),
            (
                "PUT",
                f"/parks/{park}/agreement",
                {"kpis": ["occupancy_rate"], "bonus_basis": "revenue", "bonus_share": "0.02"},
            ),
        ):
            tokens += await write(replicas[turn % len(replicas)].base, f, method, path, body)
            turn += 1
    return tokens


async def test_two_replicas_answer_alike_and_killing_one_loses_nothing(infra: Infra, tmp_path: Path) -> None:
    async with fleet(infra, tmp_path) as f:
        leasing = await f.start(LEASING, "leasing", **PARTITIONS)
        replicas = [await f.start(KPI, f"kpi-{i}", snapshot_every_seconds=1, **PARTITIONS) for i in range(2)]
        await f.parks(leasing.base, len(PARKS))
        for park in PARKS:
            count = await publish_facts(f, park)
            for replica in replicas:
                await eventually(lambda b=replica.base, p=park, n=count: applied(b, f, p, n), within=60)  # type: ignore[misc]

        tokens = await terms_writes(replicas, f, "0.5")
        for i, park in enumerate(PARKS):
            one, other = replicas[i % 2].base, replicas[(i + 1) % 2].base
            tokens += await write(one, f, "POST", f"/parks/{park}/assessments/2026-Q3")
            tokens += await write(other, f, "POST", f"/parks/{park}/low-efficiency-scans", SCAN)
        assert len(tokens) > 3 * len(PARKS)  # terms, assessments, and the scans that flagged something

        first, second = [await answers(r.base, f, tokens) for r in replicas]
        assert first == second
        for park in PARKS:  # each replica answers the writes the other took
            assert [c["what"] for c in first[f"/parks/{park}/targets"][1]["changes"]] == [
                "target occupancy_rate",
                "operator agreement",
            ]
            assert first[f"/parks/{park}/assessments/2026-Q3"][0] == 200
        assert first[f"/parks/{PARKS[0]}/scorecards/2026"][1]["overall_score"] is not None
        assert len(first[f"/groups/{f.group}/portfolio/2026"][1]) == len(PARKS)

        await replicas[0].kill()  # SIGKILL: no shutdown, whatever it held in memory is gone
        later = await terms_writes([replicas[1]], f, "0.6")
        tokens = tokens[2 * len(PARKS) :] + later  # the assessments', the scans' and the latest terms
        survivor = await answers(replicas[1].base, f, tokens)
        assert survivor[f"/parks/{PARKS[0]}/targets"][1]["targets"]["occupancy_rate"]["target"] == "0.6"

        await replicas[0].start()  # the same replica again: from the latest snapshot plus the tail
        restarted = [line for line in replicas[0].log.read_text().splitlines() if '"view ready"' in line]
        assert len(restarted) == 2, restarted
        assert '"from_snapshot": true' in restarted[-1], restarted
        alone = await f.start(KPI, "kpi-alone", consumer_group_name=f"t{f.run}.kpi-alone", **PARTITIONS)
        assert await answers(replicas[0].base, f, tokens) == survivor
        assert await answers(alone.base, f, tokens) == survivor  # one kpi of its own: the same answers
        assert [c["what"] for c in survivor[f"/parks/{PARKS[1]}/targets"][1]["changes"]] == [
            "target occupancy_rate",
            "operator agreement",
            "target occupancy_rate",
        ]
