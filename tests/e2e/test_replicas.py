"""leasing, tickets and finance as two replicas each (uvicorn processes on their own ports, one store, one
broker): writes sent to alternating replicas; every read answered alike by both once caught up; nothing
done twice (one breach event per breached target, one invoice per lease month, one event per write); a
replica of each killed (SIGKILL) in the middle of writes loses nothing.

These services keep their state in the store (no replicated view, so no consistency token): a replica
answers another's write at once, or after its caches expire (`read_cache_seconds`, `sla_cache_seconds`),
which is what `eventually` waits for. What lives in one replica's memory only is checked too: a tenant
that left, consumed by one tickets replica, is refused by both; a killed replica's due tickets are
breached by the survivor. Before the kill every record is counted (copies too); around it, distinct
CloudEvents ids (a crash between publish and delete may publish a commit twice, by design)."""

import asyncio
import itertools
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from finance.settings import FinanceSettings
from leasing.settings import LeasingSettings
from parkops_runtime.auth import Role
from tickets.settings import TicketsSettings

from bench.load import service_env
from tests.support.demo import enterprise
from tests.support.fault_processes import ServiceProcess
from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import POLICY, known, park_body
from tests.support.services import bearer, eventually, isolated_settings, run_id

FACTORIES = {
    "leasing": "leasing.main:create_app",
    "tickets": "tickets.main:create_app",
    "finance": "finance.main:create_app",
}
FAST_SLA = {"category": "security", "priority": "emergency"}
"""Tickets of this kind must be answered within a second: the scanner (of either replica) breaches them."""
PERIOD = {"from": "2026-01-01T00:00:00Z", "to": "2028-01-01T00:00:00Z"}
"""The tickets figures' period, fixed: by default it ends at each replica's own "now"."""


@dataclass
class Replicas:
    """Two replicas of each service and a client of each; `next(service)` answers them in turn."""

    run: str
    infra: Infra
    processes: dict[str, list[ServiceProcess]]
    clients: dict[str, list[httpx.AsyncClient]]
    turns: dict[str, "itertools.count[int]"] = field(default_factory=dict)

    @property
    def group(self) -> str:
        return f"group-{self.run}"

    @property
    def park(self) -> str:
        return f"park-{self.run}"

    def admin(self) -> dict[str, str]:
        return bearer(Role.GROUP_ADMIN, self.group)

    def operator(self) -> dict[str, str]:
        return bearer(Role.PARK_OPERATOR, self.group, [self.park])

    def tenant(self, tenant_id: str) -> dict[str, str]:
        return bearer(Role.TENANT_USER, self.group, [self.park], tenant=tenant_id)

    def next(self, service: str) -> httpx.AsyncClient:
        turn = self.turns.setdefault(service, itertools.count())
        return self.clients[service][next(turn) % 2]

    async def events(self, topic: str, at_least: int = 0) -> list[tuple[str, dict[str, Any]]]:
        """Every record of `<service>.<event>` (copies included): (ce_id, data)."""
        records = await read_all(self.infra.kafka_bootstrap_servers, f"t{self.run}.{topic}.v1", at_least)
        return [(dict(r.headers)["ce_id"].decode(), json.loads(r.value)) for r in records]


@asynccontextmanager
async def replicas(infra: Infra, tmp_path: Path) -> AsyncIterator[Replicas]:
    run = run_id()
    common = {"topic_partitions": 2}
    settings = {
        "leasing": isolated_settings(LeasingSettings, infra, run, **common),
        "tickets": isolated_settings(
            TicketsSettings,
            infra,
            run,
            breach_scan_seconds=0.2,
            **common,
        ),
        "finance": isolated_settings(FinanceSettings, infra, run, **common),
    }
    processes = {
        name: [ServiceProcess(FACTORIES[name], service_env(s), tmp_path / f"{name}-{n}.log") for n in "ab"]
        for name, s in settings.items()
    }
    everyone = [p for pair in processes.values() for p in pair]
    try:
        await asyncio.gather(*(p.start() for p in everyone))
        clients = {
            name: [httpx.AsyncClient(base_url=p.base, timeout=30) for p in pair]
            for name, pair in processes.items()
        }
        try:
            yield Replicas(run, infra, processes, clients)
        finally:
            for pair in clients.values():
                for client in pair:
                    await client.aclose()
    finally:
        for p in everyone:
            await p.stop()


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), (response.request.url, response.text)
    answer: dict[str, Any] = response.json()
    return answer


async def write(r: Replicas) -> dict[str, Any]:
    """A park's year, each write to the next replica of its service. Returns the ids the reads need."""
    admin, park = r.admin(), r.park
    created(await r.next("leasing").post("/parks", headers=admin, json=park_body(park)))
    # The other leasing replica knows the park at once (the store), and tickets/finance learn it.
    for service in ("tickets", "finance"):
        for client in r.clients[service]:
            await known(client, f"/parks/{park}/sla" if service == "tickets" else f"/parks/{park}/invoices",
                        admin)  # fmt: skip
    created(await r.next("leasing").put(f"/parks/{park}/pricing-policy", headers=admin, json=POLICY))
    units = []
    for i, area in enumerate(["100.00", "200.00", "150.00", "80.00"]):
        body = {"building": "A", "floor": 1 + i, "unit_number": f"A-{i}", "unit_type": "office",
                "area_m2": area, "listed_on": "2025-01-01"}  # fmt: skip  # before the leases start
        units.append(created(await r.next("leasing").post(f"/parks/{park}/units", headers=admin, json=body)))
    unit_ids = [u["unit_id"] for u in units]
    tenants = []
    for seed, unit in ((1, unit_ids[0]), (2, unit_ids[1])):
        body = enterprise(seed, unit_ids=[unit])
        tenants.append(
            created(await r.next("leasing").post(f"/parks/{park}/tenants", headers=admin, json=body))[
                "tenant_id"
            ]
        )
    leases = []
    for tenant, unit in zip(tenants, unit_ids[:2], strict=True):
        body = {"tenant_id": tenant, "unit_ids": [unit], "term_months": 12, "starts_on": "2027-01-01"}
        leases.append(
            created(await r.next("leasing").post(f"/parks/{park}/leases", headers=admin, json=body))
        )
    first, second = (lease["lease_id"] for lease in leases)
    renewal = created(
        await r.next("leasing").post(
            f"/parks/{park}/leases/{first}/renewals", headers=admin, json={"term_months": 12}
        )
    )
    ended = {"terminated_on": "2027-06-30", "reason": "expansion_elsewhere"}
    created(
        await r.next("leasing").post(f"/parks/{park}/leases/{second}/termination", headers=admin, json=ended)
    )
    # A third tenant that left the park before today: no replica lets it open a ticket.
    left = enterprise(3, unit_ids=[unit_ids[2]])
    gone = created(await r.next("leasing").post(f"/parks/{park}/tenants", headers=admin, json=left))
    body = {"tenant_id": gone["tenant_id"], "unit_ids": [unit_ids[2]], "term_months": 12,
            "starts_on": "2026-01-01"}  # fmt: skip
    await opening_answers(r, gone["tenant_id"], [422, 422])  # both replicas know the tenant
    past = created(await r.next("leasing").post(f"/parks/{park}/leases", headers=admin, json=body))
    ended = {"terminated_on": "2026-06-30", "reason": "expansion_elsewhere"}
    created(
        await r.next("leasing").post(
            f"/parks/{park}/leases/{past['lease_id']}/termination", headers=admin, json=ended
        )
    )
    await refused_everywhere(r, gone["tenant_id"])
    ids: dict[str, Any] = {
        "tenants": tenants,
        "gone": gone["tenant_id"],
        "past_lease": past["lease_id"],
        "units": unit_ids,
        "leases": [first, second, renewal["lease_id"]],
    }
    ids["tickets"] = await write_tickets(r, tenants)
    ids["cancelled"] = await write_finance(r, tenants, ids["leases"])
    return ids


async def opening_answers(r: Replicas, tenant: str, expected: list[int]) -> None:
    """Wait until both tickets replicas answer a ticket for `tenant` alike: 422 while it is a tenant (the
    ticket names a unit that is not its own, so nothing is opened), 403 once it left the park, whichever
    replica consumed its onboarding and its termination."""
    body = {"category": "repair", "title": "after leaving", "tenant_id": tenant, "unit_id": "not-its-unit"}

    async def answered() -> list[int] | None:
        answers = [
            (await c.post(f"/parks/{r.park}/tickets", headers=r.operator(), json=body)).status_code
            for c in r.clients["tickets"]
        ]
        return answers if answers == expected else None

    await eventually(answered, within=10)


async def refused_everywhere(r: Replicas, tenant: str) -> None:
    """Both tickets replicas refuse a ticket for a tenant that left the park (403), whichever consumed
    the termination. (A replica that does not know yet opens it: 201, and is asked again.)"""
    body = {"category": "repair", "title": "after leaving", "tenant_id": tenant}

    async def refused() -> list[int] | None:
        answers = [
            (await c.post(f"/parks/{r.park}/tickets", headers=r.operator(), json=body)).status_code
            for c in r.clients["tickets"]
        ]
        return answers if answers == [403, 403] else None

    await eventually(refused, within=10)


async def write_tickets(r: Replicas, tenants: list[str]) -> dict[str, str]:
    """A 1-second response target breached by whichever scanner; other tickets worked on both replicas."""
    admin, op, park = r.admin(), r.operator(), r.park
    sla = {"overrides": [{**FAST_SLA, "policy": {"response_seconds": 1, "resolution_seconds": 3600}}]}
    created(await r.next("tickets").put(f"/parks/{park}/sla", headers=admin, json=sla))

    # A replica serves a park's SLA from memory for `sla_cache_seconds` (1 s): a ticket it opens
    # meanwhile would be due by the SLA before. A client that must have its change applied waits until
    # the other replica answers it.
    async def sla_everywhere() -> bool:
        answers = [(await c.get(f"/parks/{park}/sla", headers=admin)).json() for c in r.clients["tickets"]]
        return all(a["overrides"] and a["overrides"][0]["policy"]["response_seconds"] == 1 for a in answers)

    await eventually(sla_everywhere)

    async def open_ticket(**body: Any) -> str:
        payload = {"category": "repair", "priority": "normal", "title": "door jammed"} | body
        answer = created(await r.next("tickets").post(f"/parks/{park}/tickets", headers=op, json=payload))
        return str(answer["ticket_id"])

    alarm = await open_ticket(title="alarm", tenant_id=tenants[0], **FAST_SLA)
    door = await open_ticket(tenant_id=tenants[0])
    leak = await open_ticket(title="leak", tenant_id=tenants[1])
    for ticket, action, body in (
        (door, "acknowledge", None),
        (door, "resolve", {"acknowledge": True}),
        (leak, "acknowledge", None),
        (door, "rating", {"score": 4}),
    ):
        who = r.tenant(tenants[0]) if action == "rating" else op
        created(await r.next("tickets").post(f"/tickets/{ticket}/{action}", headers=who, json=body))
    return {"alarm": alarm, "door": door, "leak": leak}


async def write_finance(r: Replicas, tenants: list[str], leases: list[str]) -> str:
    """Billing runs (one twice), an invoice issued and cancelled, a payment; the cancelled invoice."""
    admin, park = r.admin(), r.park
    # Each replica has the leases' schedules (from leasing's events, consumed once by the group).
    for client in r.clients["finance"]:
        for lease in leases:
            await known(client, f"/parks/{park}/billing-schedules/{lease}", admin)
    for period in ("2027-01", "2027-02", "2027-01", "2027-07"):  # 2027-01 twice: billed once
        body = {"period": period}
        created(await r.next("finance").post(f"/parks/{park}/billing-runs", headers=admin, json=body))
    extra = {"payer_id": tenants[1], "stream": "property", "amount": "500.00", "description": "fee",
             "on": "2027-01-15"}  # fmt: skip
    issued = created(await r.next("finance").post(f"/parks/{park}/invoices", headers=admin, json=extra))
    (invoice,) = [e["data"]["invoice_id"] for e in issued["events"] if e["type"] == "InvoiceIssued"]
    created(await r.next("finance").post(f"/parks/{park}/invoices/{invoice}/cancel", headers=admin))
    payment = {"payer_id": tenants[0], "amount": "1000.00", "on": "2027-01-20"}
    created(await r.next("finance").post(f"/parks/{park}/payments", headers=admin, json=payment))
    return str(invoice)


def urls(r: Replicas, ids: dict[str, Any]) -> dict[str, list[tuple[str, dict[str, str]]]]:
    park, admin, op = f"/parks/{r.park}", r.admin(), r.operator()
    tenant = r.tenant(ids["tenants"][0])
    return {
        "leasing": [
            ("/parks", admin),
            (park, admin),
            (f"{park}/units", admin),
            (f"{park}/tenants", admin),
            (f"{park}/leases", admin),
            (f"{park}/leases?as=tenant", tenant),  # an unknown parameter, ignored: a key of its own
            *[(f"{park}/leases/{lease}", admin) for lease in ids["leases"]],
            *[(f"{park}/rent-roll?on={on}", admin) for on in ("2027-02-15", "2027-08-01", "2028-03-01")],
            *[(f"{park}/occupancy?on={on}", admin) for on in ("2026-12-31", "2027-02-15", "2027-08-01")],
            (f"{park}/expiring-leases?on=2027-11-15&within_days=60", admin),
            (f"{park}/vacancy?from=2027-01-01&to=2027-12-31", admin),
        ],
        "tickets": [
            ("/tickets?as=first", tenant),
            ("/tickets?as=second", r.tenant(ids["tenants"][1])),
            *[(f"/tickets/{t}", op) for t in ids["tickets"].values()],
            (f"{park}/tickets/open", op),
            (f"{park}/tickets/times?from={PERIOD['from']}&to={PERIOD['to']}", op),
            (f"{park}/tickets/scorecard?from={PERIOD['from']}&to={PERIOD['to']}", op),
            (f"{park}/sla", admin),
        ],
        "finance": [
            (f"{park}/invoices", admin),
            (f"{park}/invoices/{ids['cancelled']}", admin),
            *[(f"{park}/billing-schedules/{lease}", admin) for lease in ids["leases"]],
            *[(f"{park}/receivables/aging?as_of={on}", admin) for on in ("2027-01-31", "2027-04-30")],
            *[(f"{park}/reports/revenue?period={p}", admin) for p in ("2027", "2027-01", "2027-07")],
            (f"{park}/ledger", admin),
        ],
    }


def steady(answer: Any) -> Any:
    """An answer without what depends on the moment it is asked (an open ticket's age)."""
    if isinstance(answer, list):
        return [steady(a) for a in answer]
    if isinstance(answer, dict):
        return {k: steady(v) for k, v in answer.items() if k != "age_seconds"}
    return answer


async def reads(r: Replicas, service: str, replica: int, ids: dict[str, Any]) -> dict[str, Any]:
    answers = {}
    for url, headers in urls(r, ids)[service]:
        response = await r.clients[service][replica].get(url, headers=headers)
        assert response.status_code == 200, (service, replica, url, response.text)
        answers[url] = steady(response.json())
    return answers


async def alike(r: Replicas, ids: dict[str, Any], settled: Callable[[dict[str, Any]], bool]) -> None:
    """Wait until both replicas of each service answer every read the same, and as `settled` wants."""
    for service in FACTORIES:

        async def same(service: str = service) -> dict[str, Any] | None:
            a, b = await reads(r, service, 0, ids), await reads(r, service, 1, ids)
            return a if a == b and settled({service: a}) else None

        await eventually(same, within=30)


def content(r: Replicas, ids: dict[str, Any], answers: dict[str, Any]) -> bool:
    """What the writes said is there (so equal answers are not equally empty)."""
    park, (alarm, door, leak) = f"/parks/{r.park}", ids["tickets"].values()
    if "leasing" in answers:
        a = answers["leasing"]
        assert len(a[f"{park}/units"]) == 4
        assert len(a[f"{park}/leases"]) == 4
        assert len(a[f"{park}/leases?as=tenant"]) == 2
        assert a[f"{park}/leases/{ids['leases'][1]}"]["terminated_on"] == "2027-06-30"
    if "tickets" in answers:
        a = answers["tickets"]
        if a[f"/tickets/{alarm}"]["breached_targets"] != ["response"]:
            return False  # the scanner has not got there yet
        assert a[f"/tickets/{door}"]["state"] == "closed"  # rated
        assert a[f"/tickets/{leak}"]["state"] == "acknowledged"
    if "finance" in answers:
        invoices = answers["finance"][f"{park}/invoices"]["invoices"]
        assert answers["finance"][f"{park}/invoices/{ids['cancelled']}"]["status"] == "cancelled"
        assert len([i for i in invoices if i["lease_id"]]) == 5  # 2 leases x 2 months + the first's July
    return True


def once_each(
    events: Sequence[tuple[str, dict[str, Any]]], key: Callable[[dict[str, Any]], Any]
) -> Counter[Any]:
    """How many distinct events (by CloudEvents id) each key has."""
    return Counter(key(data) for _, data in {ce_id: data for ce_id, data in events}.items())


async def test_two_replicas_each_answer_alike_act_once_and_a_killed_one_loses_nothing(
    infra: Infra, tmp_path: Path
) -> None:
    async with replicas(infra, tmp_path) as r:
        ids = await write(r)
        await alike(r, ids, lambda answers: content(r, ids, answers))

        breaches = await r.events("tickets.ticket-sla-breached", at_least=1)
        assert Counter((d["ticket_id"], d["target"]) for _, d in breaches) == {
            (ids["tickets"]["alarm"], "response"): 1
        }
        issued = await r.events("finance.invoice-issued", at_least=6)
        per_month = Counter((d["lease_id"], d["issued_on"]) for _, d in issued if d.get("lease_id"))
        assert len(per_month) == 5, per_month
        assert set(per_month.values()) == {1}, per_month
        signed = await r.events("leasing.lease-signed", at_least=3)
        expected = [*ids["leases"][:2], ids["past_lease"]]
        assert Counter(d["lease_id"] for _, d in signed) == dict.fromkeys(expected, 1)

        await killed_mid_writes(r, ids)


@dataclass
class Writes:
    """Writes sent to both replicas of a service in turn; one that meets a dead replica (a refused
    connection, a 502/503/504) is sent again with its Idempotency-Key to the other, as a balancer's
    client does. Counts what it acknowledged, what was acknowledged after the kill and what was re-sent."""

    r: Replicas
    service: str
    acknowledged: list[str] = field(default_factory=list)
    after_kill: int = 0
    resent: int = 0
    killed: bool = False

    async def send(self, n: int, url: str, body: dict[str, Any], answered: str) -> None:
        key = {"Idempotency-Key": f"{self.service}-{n}"}
        for attempt in range(ATTEMPTS):
            client = self.r.clients[self.service][(n + attempt) % 2]
            try:
                response = await client.post(url, headers=self.r.admin() | key, json=body)
            except httpx.TransportError:
                self.resent += 1
                continue
            if response.status_code in (502, 503, 504) or try_again(response):
                self.resent += response.status_code != 409
                continue
            self.acknowledged.append(str(created(response)[answered]))
            self.after_kill += self.killed
            return
        raise AssertionError(f"no replica answered {url}")


ATTEMPTS = 8


def try_again(response: httpx.Response) -> bool:
    """409 "try again": the aggregate changed under every retry the service made (a park's books are
    written by both replicas' requests and consumers); the client sends it again with its key."""
    return response.status_code == 409 and "try again" in response.json().get("detail", "")


WRITES = 16
FAST_EVERY = 4
"""In the kill phase every fourth ticket (n = 1, 5, ...: first sent to the replica that is killed) is due
within a second: breached by whichever scanner holds it; a killed replica's tickets are adopted by the
survivor once its heartbeat is silent."""


async def killed_mid_writes(r: Replicas, ids: dict[str, Any]) -> None:
    """Writes to both replicas of each service, concurrently; the second replica of each SIGKILLed
    among them; every acknowledged write is then readable from the survivor and its event is on Kafka
    once, and every fast ticket is breached once."""
    park = f"/parks/{r.park}"
    units, tickets, payments = (Writes(r, s) for s in FACTORIES)

    def unit(n: int) -> dict[str, Any]:
        return {"building": "K", "floor": 1 + n, "unit_number": f"K-{n}", "unit_type": "office",
                "area_m2": "60.00"}  # fmt: skip

    def ticket(n: int) -> dict[str, Any]:
        kind = FAST_SLA if n % FAST_EVERY == 1 else {"category": "cleaning", "priority": "low"}
        return {"title": f"floor {n}", **kind}

    def payment(n: int) -> dict[str, Any]:
        return {"payment_id": f"pay-{n}", "payer_id": ids["tenants"][1], "amount": "10.00",
                "on": "2027-02-01"}  # fmt: skip

    async def writer(writes: Writes, url: str, body: Callable[[int], dict[str, Any]], answered: str) -> None:
        for n in range(WRITES):
            await writes.send(n, url, body(n), answered)

    async def killer() -> None:
        async def under_way() -> bool:
            return all(len(w.acknowledged) >= WRITES // 4 for w in (units, tickets, payments))

        await eventually(under_way)
        await asyncio.gather(*(pair[1].kill() for pair in r.processes.values()))
        for w in (units, tickets, payments):
            w.killed = True

    await asyncio.gather(
        writer(units, f"{park}/units", unit, "unit_id"),
        writer(tickets, f"{park}/tickets", ticket, "ticket_id"),
        writer(payments, f"{park}/payments", payment, "cause"),
        killer(),
    )
    for w in (units, tickets, payments):
        assert len(w.acknowledged) == WRITES, w.service
        assert w.after_kill > 0, (w.service, "the kill came after every write")
        assert w.resent > 0, (w.service, "no write met the killed replica")
    await survivors_hold(r, ids, units, tickets)


async def survivors_hold(r: Replicas, ids: dict[str, Any], units: Writes, tickets: Writes) -> None:
    """Every acknowledged write readable from the survivors, its event on Kafka once; every fast
    ticket breached once."""
    park, op = f"/parks/{r.park}", r.operator()
    survivor = {service: clients[0] for service, clients in r.clients.items()}
    listed = await survivor["leasing"].get(f"{park}/units", headers=r.admin())
    assert set(units.acknowledged) <= {u["unit_id"] for u in listed.json()}
    for ticket_id in tickets.acknowledged:
        created(await survivor["tickets"].get(f"/tickets/{ticket_id}", headers=op))
    ledger = json.dumps(created(await survivor["finance"].get(f"{park}/ledger", headers=r.admin())))
    assert all(f"payment pay-{n} from" in ledger for n in range(WRITES))

    paid = once_each(await r.events("finance.payment-received", 1 + WRITES), lambda d: d["payment_id"])
    assert [paid[f"pay-{n}"] for n in range(WRITES)] == [1] * WRITES, paid
    listed_units = once_each(await r.events("leasing.unit-listed", 4 + WRITES), lambda d: d["unit_id"])
    assert [listed_units[u] for u in units.acknowledged] == [1] * WRITES, listed_units
    opened = once_each(await r.events("tickets.ticket-opened", 3 + WRITES), lambda d: d["ticket_id"])
    assert [opened[t] for t in tickets.acknowledged] == [1] * WRITES, opened

    fast = {(t, "response") for n, t in enumerate(tickets.acknowledged) if n % FAST_EVERY == 1}
    fast.add((ids["tickets"]["alarm"], "response"))

    async def all_breached() -> Counter[tuple[str, str]] | None:
        breaches = await r.events("tickets.ticket-sla-breached", len(fast))
        counted = Counter((d["ticket_id"], d["target"]) for _, d in breaches)
        return counted if set(counted) >= fast else None

    breached = await eventually(all_breached, within=30)
    assert breached == dict.fromkeys(fast, 1)
