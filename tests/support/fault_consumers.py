"""SIGKILL of the pure consumers (finance, matchmaking) while the keyed load writes to leasing, and the
accounting of their read models against leasing's events on the topics:

- finance: every LeaseSigned has exactly one billing schedule with the event's rent lines; a billing run
  of the leases' first month then issues exactly one invoice per lease (a schedule applied twice or
  under another key would bill twice), each published once as InvoiceIssued (no crash during the run);
- matchmaking: every TenantOnboarded has exactly one profile in its park, and no profile exists
  without one."""

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Collection
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx
from parkops_contracts.base import Event
from parkops_contracts.events.finance import InvoiceIssued
from parkops_contracts.events.leasing import LeaseSigned, TenantOnboarded

from tests.support.fault_accounting import Outcome, ce_id, check_store, check_topic, sent
from tests.support.fault_load import KeyedLoad, writes
from tests.support.fault_scenarios import FINANCE, LEASING, MATCHMAKING, Scale, fleet
from tests.support.infra import Infra
from tests.support.kafka import read_all

E = TypeVar("E", bound=Event)
BILLED_PERIOD = "2027-01"  # the load's leases start on 2027-01-01: their first month


async def sigkill_finance_and_matchmaking(infra: Infra, logs: Path, scale: Scale) -> Outcome:
    """One leasing process behind the load, finance and matchmaking consuming its events; finance
    SIGKILLed a third of the way and restarted, then matchmaking at two thirds and restarted (the
    restarts may overlap). Recovery: from each kill to the process ready again (worst)."""
    async with fleet(infra, logs) as f:
        leasing = await f.start(LEASING, "leasing")
        finance = await f.start(FINANCE, "finance")
        matchmaking = await f.start(MATCHMAKING, "matchmaking")
        parks = await f.parks(leasing.base, scale.parks)
        load = KeyedLoad([leasing.base], f.admin, parks, scale.ops, scale.workers, f.run)
        running = asyncio.create_task(load.run())
        restarts, kills = [], []
        for victim, name, share in ((finance, "finance", 3), (matchmaking, "matchmaking", 1.5)):
            await asyncio.wait_for(load.accepted_at_least(int(writes(scale.ops) / share)), 120)
            await victim.kill()
            kills.append(f"SIGKILL {name} at {len(load.ledger.accepted)} writes")
            # restarted in the background (the load goes on meanwhile): the restarts may overlap
            restarts.append(asyncio.create_task(victim.start()))
        recoveries = await asyncio.gather(*restarts)  # each from its start: the kill itself is instant
        ledger = await running
        outcome = Outcome("SIGKILL finance, matchmaking", sent(ledger), "; ".join(kills), 0)
        outcome.recovery_s = max(recoveries)
        await check_store(outcome, ledger, leasing.base, f.admin)
        await check_topic(outcome, ledger, infra.kafka_bootstrap_servers, f.prefix)
        kafka = infra.kafka_bootstrap_servers
        signed = await events_on(kafka, LeaseSigned, f.prefix, len(ledger.of("lease")))
        onboarded = await events_on(kafka, TenantOnboarded, f.prefix, len(ledger.of("tenant")))
        await check_schedules(outcome, signed, finance.base, f.admin)
        await check_billing(outcome, signed, sorted(set(parks)), finance.base, f.admin, kafka, f.prefix)
        await check_profiles(outcome, onboarded, parks, matchmaking.base, f.admin)
        return outcome


async def events_on(kafka: str, contract: type[E], prefix: str, at_least: int) -> list[E]:
    """One event per distinct ce_id on the topic (check_topic has counted the copies already)."""
    records = await read_all(kafka, contract.topic(prefix), at_least=at_least, timeout_s=60)
    by_id = {ce_id(r.headers): contract.model_validate_json(r.value) for r in records}
    return list(by_id.values())


def lines_of(lines: list[Any]) -> list[tuple[int, str, str, Decimal]]:
    return [(int(x["month"]), str(x["starts_on"]), str(x["ends_on"]), Decimal(x["rent"])) for x in lines]


async def check_schedules(
    outcome: Outcome, signed: list[LeaseSigned], finance: str, headers: dict[str, str], within: float = 60
) -> None:
    """Each LeaseSigned has its billing schedule in finance, with the event's tenant and rent lines.
    finance may still be reading: a missing schedule is asked for again until `within` passes."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=finance, headers=headers, timeout=30) as http:
        for event in signed:
            while True:
                r = await http.get(f"/parks/{event.park_id}/billing-schedules/{event.lease_id}")
                if r.status_code != 404 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            if r.status_code != 200:
                outcome.lost += 1
                outcome.problems.append(f"finance has no schedule of lease {event.lease_id}: {r.status_code}")
                continue
            schedule = r.json()
            expected = lines_of([line.model_dump(mode="json") for line in event.schedule])
            if schedule["tenant_id"] != event.tenant_id or lines_of(schedule["lines"]) != expected:
                outcome.problems.append(f"schedule of {event.lease_id} is not its LeaseSigned's: {schedule}")


async def check_billing(
    outcome: Outcome,
    signed: list[LeaseSigned],
    parks: list[str],
    finance: str,
    headers: dict[str, str],
    kafka: str,
    prefix: str,
) -> None:
    """A billing run of the leases' first month in each park: one invoice per lease whose first month has
    rent, none for anything else; each invoice one InvoiceIssued event on the topic."""
    due = {e.lease_id for e in signed if e.schedule and e.schedule[0].rent > 0}
    billed: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=finance, headers=headers, timeout=30) as http:
        for park in parks:
            r = await http.post(f"/parks/{park}/billing-runs", json={"period": BILLED_PERIOD})
            if r.status_code != 200:
                outcome.problems.append(f"billing run of {park}: {r.status_code} {r.text[:200]}")
                continue
            invoices = (await http.get(f"/parks/{park}/invoices")).json()["invoices"]
            billed.update(str(i["lease_id"]) for i in invoices)
    for lease in due - set(billed):
        outcome.lost += 1
        outcome.problems.append(f"lease {lease} was not billed for {BILLED_PERIOD}")
    count_doubled(outcome, billed, due, lambda lease, n: f"lease {lease} billed {n}x for {BILLED_PERIOD}")
    records = await read_all(kafka, InvoiceIssued.topic(prefix), at_least=billed.total(), timeout_s=60)
    events: dict[str, set[str]] = {}
    for record in records:
        event = InvoiceIssued.model_validate_json(record.value)
        events.setdefault(event.invoice_id, set()).add(ce_id(record.headers))
    outcome.duplicate_publishes += len(records) - sum(len(ids) for ids in events.values())
    if len(events) != billed.total():
        outcome.problems.append(f"{len(events)} invoices on the topic, {billed.total()} in finance")
    for invoice, ids in events.items():
        if len(ids) > 1:
            outcome.doubled += len(ids) - 1
            outcome.problems.append(f"{len(ids)} distinct InvoiceIssued events for {invoice}")


def count_doubled(
    outcome: Outcome, found: Counter[str], expected: Collection[str], problem: Callable[[str, int], str]
) -> None:
    """What was found more than once (or at all, when not expected) is a doubled effect."""
    for key, n in found.items():
        extra = n - 1 if key in expected else n
        if extra > 0:
            outcome.doubled += extra
            outcome.problems.append(problem(key, n))


async def check_profiles(
    outcome: Outcome,
    onboarded: list[TenantOnboarded],
    parks: list[str],
    matchmaking: str,
    headers: dict[str, str],
    within: float = 60,
) -> None:
    """Each TenantOnboarded has exactly one profile (its tenant, its name) in its park's profiles, and
    there is no other. matchmaking may still be reading: a park is read again until every onboarded
    tenant is there or `within` passes."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=matchmaking, headers=headers, timeout=30) as http:
        for park in sorted(set(parks)):
            expected = {e.tenant_id: e.name for e in onboarded if e.park_id == park}
            while True:
                r = await http.get(f"/parks/{park}/profiles")
                profiles = r.json() if r.status_code == 200 else []
                found = Counter(str(p["tenant_id"]) for p in profiles)
                if set(expected) <= set(found) or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            names = {str(p["tenant_id"]): p["name"] for p in profiles}
            for tenant, name in expected.items():
                if found[tenant] == 0:
                    outcome.lost += 1
                    outcome.problems.append(f"matchmaking has no profile of {tenant} ({name}) in {park}")
                elif names[tenant] != name:
                    outcome.problems.append(f"profile of {tenant} is named {names[tenant]}, not {name}")
            count_doubled(
                outcome,
                found,
                expected,
                lambda tenant, n, park=park: f"matchmaking has {n} profiles of {tenant} in {park}",
            )
