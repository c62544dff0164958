"""The scale model's ledgers: leasing's rent roll and finance's receivables aging, each on books seeded at
the fraction's size through the services' own write paths (HTTP), so the figures do not depend on how
either service stores them.

leasing and finance run as real processes on a topic prefix of their own (kpi's synthetic history holds
leasing facts finance would otherwise learn). The shape's parks are registered, one unit per tenant
listed, each tenant onboarded and its five-year lease (from 2021-01) signed, `IN_FLIGHT` requests at a
time; finance learns the leases from leasing's events, then bills the history's months with its billing
runs (jobs, `Prefer: respond-async`), every park's run of a month at once, until all 60 months are billed
or `BILLING_BUDGET_S` is spent (the months billed are printed). leasing's clock runs five years behind
(`leasing_in_2020`): finance bills no period before the month a park was registered, and the history
starts in 2021."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import httpx
from fastapi import FastAPI
from finance.settings import FinanceSettings
from leasing.main import create_app
from leasing.settings import LeasingSettings

from bench.load import service_env
from bench.scale_model import END, START, Row, Shape, latency, month_day
from tests.support.demo import enterprise
from tests.support.fault_processes import ServiceProcess
from tests.support.fault_scenarios import FINANCE, Fleet
from tests.support.infra import Infra
from tests.support.parks import POLICY, park_body
from tests.support.services import isolated_settings

LEASING_IN_2020 = "bench.scale_model_ledgers:leasing_in_2020"
IN_FLIGHT = 16
MONTHS = 60
BILLING_BUDGET_S = 180.0
REGISTERED = datetime(2020, 12, 1, tzinfo=UTC)
ROLL_ON, AGING_AS_OF = date(2025, 6, 30), END


def leasing_in_2020() -> FastAPI:
    """leasing (settings from the environment, as deployed) with its clock moved back to 2020-12-01 when
    the process starts, running on from there: the parks are registered before the history begins."""
    behind = datetime.now(UTC) - REGISTERED
    return create_app(LeasingSettings(), clock=lambda: datetime.now(UTC) - behind)


async def process(fl: Fleet, factory: str, settings: Any, name: str) -> ServiceProcess:
    started = ServiceProcess(factory, service_env(settings), fl.logs / f"{fl.run}-{name}.log")
    fl.stack.push_async_callback(started.stop)
    await started.start()
    return started


async def ledgers(fl: Fleet, infra: Infra) -> tuple[ServiceProcess, ServiceProcess]:
    """leasing and finance of this run, on their own topic prefix and databases."""
    own = {"topic_prefix": f"{fl.prefix}lf", "log_level": "WARNING"}
    leasing_settings = isolated_settings(LeasingSettings, infra, f"{fl.run}lf", **own)
    finance_settings = isolated_settings(FinanceSettings, infra, f"{fl.run}lf", **own)
    leasing = await process(fl, LEASING_IN_2020, leasing_settings, "leasing")
    return leasing, await process(fl, FINANCE, finance_settings, "finance")


async def bounded(calls: Iterable[Callable[[], Awaitable[None]]], limit: int = IN_FLIGHT) -> None:
    gate = asyncio.Semaphore(limit)

    async def one(call: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await call()

    await asyncio.gather(*(one(c) for c in calls))


def created(r: httpx.Response, key: str) -> str:
    assert r.status_code == 201, (r.status_code, r.text[:300])
    value: str = r.json()[key]
    return value


class Seeding:
    """The shape's parks, units, tenants and leases through leasing's API; the lease ids per park."""

    def __init__(self, http: httpx.AsyncClient, shape: Shape) -> None:
        self.http, self.shape = http, shape
        self.leases: dict[str, list[str]] = {f"p{p}": [] for p in range(shape.parks)}

    async def park(self, park: str) -> None:
        r = await self.http.post("/parks", json=park_body(park, f"Park {park}"))
        created(r, "park_id")
        r = await self.http.put(f"/parks/{park}/pricing-policy", json=POLICY)
        assert r.status_code == 200, r.text[:300]

    async def tenant(self, t: int) -> None:
        park = self.shape.park_of(t)
        unit = {"building": f"B{t // 1000}", "floor": 1 + t % 50, "unit_number": f"U-{t}"}
        unit |= {"unit_type": "office", "area_m2": "100.00"}  # listed on leasing's today, 2020-12
        unit_id = created(await self.http.post(f"/parks/{park}/units", json=unit), "unit_id")
        body = enterprise(t + 1, unit_ids=[unit_id])
        tenant = created(await self.http.post(f"/parks/{park}/tenants", json=body), "tenant_id")
        lease = {"tenant_id": tenant, "unit_ids": [unit_id], "term_months": MONTHS}
        lease |= {"starts_on": START.isoformat()}
        key = {"Idempotency-Key": f"lease-{t}"}
        r = await self.http.post(f"/parks/{park}/leases", json=lease, headers=key)
        self.leases[park].append(created(r, "lease_id"))


async def scheduled(http: httpx.AsyncClient, park: str, lease: str, within: float = 600) -> None:
    """Until finance has the lease's billing schedule (it learnt the lease from leasing's events)."""
    began = time.monotonic()
    while (await http.get(f"/parks/{park}/billing-schedules/{lease}")).status_code != 200:
        assert time.monotonic() - began < within, f"finance never learnt lease {lease}"
        await asyncio.sleep(0.5)


async def bill(http: httpx.AsyncClient, park: str, period: str) -> int:
    """One park's billing run of `period` as a job, followed to its end; its invoices."""
    r = await http.post(
        f"/parks/{park}/billing-runs", json={"period": period}, headers={"Prefer": "respond-async"}
    )
    assert r.status_code == 202, (r.status_code, r.text[:300])
    run = r.json()
    while run["state"] not in {"succeeded", "failed"}:
        await asyncio.sleep(0.2)
        run = (await http.get(f"/parks/{park}/billing-runs/{period}")).json()
    assert run["state"] == "succeeded", run
    invoices: int = run["invoices"]
    return invoices


async def bill_history(http: httpx.AsyncClient, parks: list[str]) -> tuple[int, int]:
    """The history's months in order, every park's run of a month at once, within the budget: the months
    billed and the invoices issued."""
    began, invoices, months = time.perf_counter(), 0, 0
    while months < MONTHS and time.perf_counter() - began < BILLING_BUDGET_S:
        period = month_day(months).strftime("%Y-%m")
        invoices += sum(await asyncio.gather(*(bill(http, p, period) for p in parks)))
        months += 1
    return months, invoices


async def seeded(fl: Fleet, infra: Infra, shape: Shape, rows: list[Row]) -> tuple[str, str, Seeding]:
    leasing, finance = await ledgers(fl, infra)
    limits = httpx.Limits(max_connections=IN_FLIGHT)
    async with (
        httpx.AsyncClient(base_url=leasing.base, headers=fl.admin, timeout=60, limits=limits) as lhttp,
        httpx.AsyncClient(base_url=finance.base, headers=fl.admin, timeout=60, limits=limits) as fhttp,
    ):
        seeding, began = Seeding(lhttp, shape), time.perf_counter()
        await bounded([partial(seeding.park, f"p{p}") for p in range(shape.parks)])
        await bounded([partial(seeding.tenant, t) for t in range(shape.tenants)])
        seconds = time.perf_counter() - began
        what = f"{shape.parks} parks, {shape.tenants:,} units, tenants, leases"
        rows.append(Row(f"leasing: seeded over HTTP ({what})", f"{seconds:.0f} s"))
        began = time.perf_counter()
        learnt = seeding.leases.items()
        await bounded([partial(scheduled, fhttp, p, x) for p, leases in learnt for x in leases])
        lag = time.perf_counter() - began
        rows.append(Row("finance: every lease's schedule learnt from leasing's events", f"{lag:.0f} s after"))
        began = time.perf_counter()
        months, invoices = await bill_history(fhttp, list(seeding.leases))
        seconds = time.perf_counter() - began
        label = f"finance: billing runs (jobs), {months} of {MONTHS} months"
        rows.append(Row(label, f"{invoices:,} inv. in {seconds:.0f} s"))
        print(f"... billed {months} of {MONTHS} months: {invoices:,} invoices", flush=True)
    return leasing.base, finance.base, seeding


BOOKS: dict[str, tuple[str, str]] = {}
"""The run's leasing and finance (their base URLs) once seeded, by the fleet's run id: one seeding serves
both measures, whichever runs first."""


async def books(fl: Fleet, infra: Infra, shape: Shape, rows: list[Row]) -> tuple[str, str]:
    if fl.run not in BOOKS:
        leasing, finance, seeding = await seeded(fl, infra, shape, rows)
        assert sum(map(len, seeding.leases.values())) == shape.tenants
        BOOKS[fl.run] = leasing, finance
    return BOOKS[fl.run]


async def leasing_rows(fl: Fleet, infra: Infra, shape: Shape, rows: list[Row], queries: int) -> None:
    leasing, _ = await books(fl, infra, shape, rows)
    per_park = shape.tenants // shape.parks
    paths = [f"/parks/p{p}/rent-roll?on={ROLL_ON}" for p in range(shape.parks)]
    _, p95 = await latency(leasing, fl.admin, paths, queries)
    rows.append(
        Row(f"leasing: rent roll of a park (~{per_park:,} leases) on {ROLL_ON}, p95", f"{p95:.1f} ms")
    )


async def finance_rows(fl: Fleet, infra: Infra, shape: Shape, rows: list[Row], queries: int) -> None:
    _, finance = await books(fl, infra, shape, rows)
    per_park = shape.tenants // shape.parks
    paths = [f"/parks/p{p}/receivables/aging?as_of={AGING_AS_OF}" for p in range(shape.parks)]
    _, p95 = await latency(finance, fl.admin, paths, queries)
    label = f"finance: receivables aging of a park (~{per_park:,} tenants) as of {AGING_AS_OF}, p95"
    rows.append(Row(label, f"{p95:.1f} ms"))
