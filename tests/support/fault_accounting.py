"""After a fault scenario: every accepted write looked for in the store (through the service's read API),
every event on the topics compared with the accepted writes and with kpi's read model; one table row.

- given up: writes the client never got an answer for, even after its retries (not faults: the client
  knows it does not know; such a write may or may not be stored);
- lost: an accepted (2xx) write missing from the store, its event missing from the topic, or a unit the
  read model does not count;
- doubled: a write with more than one effect — two stored entities for one key, two distinct events
  (distinct `ce_id`) for one entity, a read model counting more than there is;
- duplicate publishes: records on the topic beyond the distinct `ce_id`s (one event sent twice; the
  consumers' inbox makes it harmless, the README allows it only after a real crash)."""

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from parkops_contracts.events.leasing import LeaseSigned, TenantOnboarded, UnitListed
from parkops_contracts.events.tickets import TicketOpened

from tests.support.fault_load import LEASES_START, Kind, Ledger
from tests.support.kafka import read_all


@dataclass
class Outcome:
    scenario: str
    operations: int  # writes sent (accepted, given up or refused)
    faults: str
    lost: int = 0
    doubled: int = 0
    duplicate_publishes: int = 0
    recovery_s: float | None = None
    given_up: int = 0  # writes the client never got an answer for, even after retries: not "lost"
    answered_before_kill: int = 0  # writes answered just before a kill (`KILL_WINDOW_S`): see below
    problems: list[str] = field(default_factory=list)  # what the lost and doubled figures are made of

    def row(self) -> str:
        recovery = "-" if self.recovery_s is None else f"{self.recovery_s:.2f}"
        return (
            f"| {self.scenario} | {self.operations} | {self.faults} | {self.given_up} | {self.lost} "
            f"| {self.doubled} | {self.duplicate_publishes} | {recovery} |"
        )


HEADER = (
    "| scenario | writes | faults | given up | lost | doubled effects | duplicate publishes | recovery s |\n"
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
)


def table(outcomes: list[Outcome]) -> str:
    return "\n".join([HEADER, *(o.row() for o in outcomes)])


def ce_id(headers: list[tuple[str, bytes]]) -> str:
    return next(v.decode() for k, v in headers if k == "ce_id")


def sent(ledger: Ledger) -> int:
    return len(ledger.accepted) + len(ledger.given_up) + len(ledger.refused)


# Per kind: where leasing lists it, and what a listed entity's natural key and id are.
LISTED: dict[Kind, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "unit": ("units", lambda e: str(e["unit_number"])),
    "tenant": ("tenants", lambda e: str(e["name"])),
    "lease": ("leases", lambda e: str(e["unit_ids"][0])),
    "ticket": ("tickets/open", lambda e: str(e["title"])),
}
EVENTS: dict[Kind, type[UnitListed | TenantOnboarded | LeaseSigned | TicketOpened]] = {
    "unit": UnitListed,
    "tenant": TenantOnboarded,
    "lease": LeaseSigned,
    "ticket": TicketOpened,
}


def load_made(kind: Kind, natural: str) -> bool:
    """A stored entity the load wrote (not a scenario's own fixture)."""
    return kind != "unit" or natural[:2] in ("U-", "H-")


async def check_store(outcome: Outcome, ledger: Ledger, base: str, headers: dict[str, str]) -> None:
    """Each accepted write is exactly one stored entity, the one its answer named; none stored without
    an accepted write, unless the client gave that write up (its fate unknown to it: not a fault)."""
    outcome.given_up += len(ledger.given_up)
    outcome.problems += [f"refused {r}" for r in ledger.refused]
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        for kind in ledger.kinds:
            path, natural_of = LISTED[kind]
            stored: dict[str, list[str]] = {}
            for park in sorted({a.park_id for a in ledger.accepted}):
                r = await http.get(f"/parks/{park}/{path}")
                r.raise_for_status()
                for entity in r.json():
                    stored.setdefault(natural_of(entity), []).append(str(entity[f"{kind}_id"]))
            for a in ledger.of(kind):
                found = stored.pop(a.natural, [])
                if a.entity_id not in found:
                    outcome.lost += 1
                    outcome.problems.append(f"store lacks {a.key} ({a.entity_id}); has {found}")
                if len(found) > 1:
                    outcome.doubled += len(found) - 1
                    outcome.problems.append(f"store has {len(found)} {path} for {a.key}")
            for natural, ids in stored.items():
                if load_made(kind, natural) and natural not in ledger.given_up_naturals:
                    outcome.doubled += len(ids)
                    outcome.problems.append(f"{kind} stored without an accepted write: {natural}")


COUNTED_AS = {"unit": "units_total", "tenant": "onboarded", "lease": "tenants", "ticket": "tickets"}
"""What kpi's occupancy on LEASES_START counts per accepted write: only a lease makes its tenant occupy."""
APPLIED = {"unit": 1, "tenant": 1, "lease": 2, "ticket": 1}
"""Events kpi applies per accepted write: a lease is LeaseSigned and the UnitOccupied of its one unit."""
Figures = dict[str, Counter[str]]  # per park: what kpi's occupancy should count


def expected_figures(ledger: Ledger) -> Figures:
    """Per park: units, tenants, and the events applied (ParkRegistered and one per accepted write)."""
    figures: Figures = {}
    for a in ledger.accepted:
        park = figures.setdefault(a.park_id, Counter({"events_applied": 1}))
        park["events_applied"] += APPLIED[a.kind]
        park[COUNTED_AS[a.kind]] += 1
    return figures


async def check_topic(outcome: Outcome, ledger: Ledger, kafka: str, prefix: str) -> Figures:
    """Each accepted write has exactly one event (one distinct ce_id) on its topic; returns what kpi
    should count per park."""
    for kind in ledger.kinds:
        contract, accepted = EVENTS[kind], ledger.of(kind)
        records = await read_all(kafka, contract.topic(prefix), at_least=len(accepted), timeout_s=60)
        events: dict[str, set[str]] = {}
        for record in records:
            event = contract.model_validate_json(record.value)
            events.setdefault(str(getattr(event, f"{kind}_id")), set()).add(ce_id(record.headers))
        outcome.duplicate_publishes += len(records) - sum(len(ids) for ids in events.values())
        for a in accepted:
            ids = events.get(a.entity_id, set())
            if not ids:
                outcome.lost += 1
                outcome.problems.append(f"no {contract.__name__} for {a.key} ({a.entity_id})")
            elif len(ids) > 1:
                outcome.doubled += len(ids) - 1
                outcome.problems.append(f"{len(ids)} distinct {contract.__name__} events for {a.key}")
    return expected_figures(ledger)


async def check_read_model(
    outcome: Outcome, figures: Figures, kpi: str, headers: dict[str, str], within: float = 120
) -> None:
    """kpi's occupancy counts each park's units and tenants once: fewer is a lost event, more a doubled
    one. kpi may still be reading: a park is read again until its units and tenants match or `within`
    seconds pass."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=kpi, headers=headers, timeout=30) as http:
        for park, expected in sorted(figures.items()):
            while True:
                r = await http.get(f"/parks/{park}/occupancy", params={"on": LEASES_START})
                counted = r.json() if r.status_code == 200 else {}
                behind = [f for f in ("units_total", "tenants") if counted.get(f, 0) < expected[f]]
                if not behind or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            for name in ("units_total", "tenants"):
                n = int(counted.get(name, 0))
                if n != expected[name]:
                    outcome.lost += max(0, expected[name] - n)
                    outcome.doubled += max(0, n - expected[name])
                    outcome.problems.append(f"kpi counts {n} {name} in {park}, {expected[name]} were written")


async def check_events_applied(outcome: Outcome, figures: Figures, kpi: str, headers: dict[str, str]) -> None:
    """kpi's applied events per park: ParkRegistered and one per accepted write, copies not counted."""
    async with httpx.AsyncClient(base_url=kpi, headers=headers, timeout=30) as http:
        for park, expected in sorted(figures.items()):
            applied = int((await http.get(f"/parks/{park}/occupancy")).json()["events_applied"])
            n = expected["events_applied"]
            if applied != n:
                outcome.doubled += max(0, applied - n)
                outcome.lost += max(0, n - applied)
                outcome.problems.append(f"kpi applied {applied} events of {park}, {n} were published")
