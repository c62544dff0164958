"""After a fault scenario: every accepted write looked for in the store (through the service's read API),
every event on the topic compared with the accepted writes and with kpi's read model; one table row.

- lost: an accepted write missing from the store, its event missing from the topic, or a unit the
  read model does not count;
- doubled: a write with more than one effect — two stored units for one key, two distinct events
  (distinct `ce_id`) for one unit, a read model counting more than there is;
- duplicate publishes: records on the topic beyond the distinct `ce_id`s (one event sent twice; the
  consumers' inbox makes it harmless, the README allows it only after a real crash)."""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from parkops_contracts.events import UnitListed

from tests.support.fault_load import Ledger
from tests.support.kafka import read_all


@dataclass
class Outcome:
    scenario: str
    operations: int
    faults: str
    lost: int = 0
    doubled: int = 0
    duplicate_publishes: int = 0
    recovery_s: float | None = None
    problems: list[str] = field(default_factory=list)  # what the lost and doubled figures are made of

    def row(self) -> str:
        recovery = "-" if self.recovery_s is None else f"{self.recovery_s:.2f}"
        return (
            f"| {self.scenario} | {self.operations} | {self.faults} | {self.lost} | {self.doubled} "
            f"| {self.duplicate_publishes} | {recovery} |"
        )


HEADER = (
    "| scenario | operations | faults | lost | doubled effects | duplicate publishes | recovery s |\n"
    "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
)


def table(outcomes: list[Outcome]) -> str:
    return "\n".join([HEADER, *(o.row() for o in outcomes)])


def ce_id(headers: list[tuple[str, bytes]]) -> str:
    return next(v.decode() for k, v in headers if k == "ce_id")


async def check_store(outcome: Outcome, ledger: Ledger, base: str, headers: dict[str, str]) -> None:
    """Each accepted key is exactly one stored unit, the one its answer named; no unit without a key."""
    outcome.lost += len(ledger.abandoned)
    outcome.problems += [f"refused {r}" for r in ledger.refused] + [
        f"abandoned {k}" for k in ledger.abandoned
    ]
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        stored: dict[str, list[str]] = {}
        for park in sorted({a.park_id for a in ledger.accepted}):
            r = await http.get(f"/parks/{park}/units")
            r.raise_for_status()
            for unit in r.json():
                stored.setdefault(unit["unit_number"], []).append(unit["unit_id"])
    for a in ledger.accepted:
        found = stored.pop(a.unit_number, [])
        if a.unit_id not in found:
            outcome.lost += 1
            outcome.problems.append(f"store lacks {a.key} ({a.unit_id}); has {found}")
        if len(found) > 1:
            outcome.doubled += len(found) - 1
            outcome.problems.append(f"store has {len(found)} units for {a.key}")
    leftover = {n: ids for n, ids in stored.items() if n.startswith("U-")}
    outcome.doubled += sum(len(ids) for ids in leftover.values())
    outcome.problems += [f"stored without an accepted write: {n}" for n in leftover]


async def check_topic(outcome: Outcome, ledger: Ledger, kafka: str, prefix: str) -> Counter[str]:
    """Each accepted unit has exactly one UnitListed event (one distinct ce_id) on the topic; returns
    the distinct events per park, for the read model's check."""
    records = await read_all(kafka, UnitListed.topic(prefix), at_least=len(ledger.accepted), timeout_s=60)
    events: dict[str, set[str]] = {}
    for record in records:
        events.setdefault(UnitListed.model_validate_json(record.value).unit_id, set()).add(
            ce_id(record.headers)
        )
    outcome.duplicate_publishes += len(records) - sum(len(ids) for ids in events.values())
    for a in ledger.accepted:
        ids = events.get(a.unit_id, set())
        if not ids:
            outcome.lost += 1
            outcome.problems.append(f"no UnitListed for {a.key} ({a.unit_id})")
        elif len(ids) > 1:
            outcome.doubled += len(ids) - 1
            outcome.problems.append(f"{len(ids)} distinct UnitListed events for {a.key}")
    return Counter(a.park_id for a in ledger.accepted)


async def check_read_model(
    outcome: Outcome, units_per_park: Counter[str], kpi: str, headers: dict[str, str], within: float = 60
) -> None:
    """kpi's occupancy counts each park's units once: fewer is a lost event, more a doubled one. kpi
    may still be reading: a park's count is read again until it matches or `within` seconds pass."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=kpi, headers=headers, timeout=30) as http:
        for park, expected in sorted(units_per_park.items()):
            while True:
                r = await http.get(f"/parks/{park}/occupancy")
                counted = int(r.json()["units_total"]) if r.status_code == 200 else 0
                if counted >= expected or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            if counted != expected:
                outcome.lost += max(0, expected - counted)
                outcome.doubled += max(0, counted - expected)
                outcome.problems.append(f"kpi counts {counted} units in {park}, {expected} were listed")
