"""The scale model: a park group of 200 parks, 40,000 tenants and five years of history (about 20M events,
tickets and invoices dominating) at `--fraction 1`; a smaller fraction scales parks, tenants and events
down in proportion.

    .venv/bin/python -m bench.scale_model [--fraction 0.01] [--queries 200] [--parks N]
        [--tickets-queries 10] [--own-store]
    .venv/bin/python -m bench.scale_model --fractions 0.05,0.2 [--parks N] [--own-store]

`--parks 200` keeps the group's 200 parks at any fraction (the portfolio goal is of 200 parks; the
tenants are spread over them). `--own-store` runs on a FerretDB of the run's own (tests.support.
store_process) instead of the shared one, whose SQLite backend keeps every database's files open.

The events (valid CloudEvents envelopes of the real contracts) go onto an isolated topic prefix at the
producer's speed (raw aiokafka). Then each service that holds a read model in memory (kpi, matchmaking:
replicated views) runs as a real uvicorn process: time to ready from nothing (the log from its
beginning), resident memory (VmRSS of the process once ready), its view's snapshot, then a new process's
time to ready from that snapshot, and p95 of the main queries over HTTP. tickets (store-backed) runs on a
store seeded at the fraction's size (its tickets written straight into its collection, as
bench/tickets_seed.py does). leasing and finance (rent roll, receivables aging) run on books seeded
through their own HTTP write paths and billing runs (bench/scale_model_ledgers.py). Baselines in the
same run: raw aiokafka reading the same topics, and a bare FastAPI endpoint's p95 over the same client.
Isolated topic prefix and databases; nothing shared is cleaned.

`--fractions` measures kpi's memory alone at each fraction (each on a log of its own), and extrapolates
it to fraction 1 both from each point (all above an empty process counted as per-event) and from the
growth between the smallest fraction and the largest (what the events themselves add)."""

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from parkops_contracts.base import Event
from parkops_contracts.events import finance as fin
from parkops_contracts.events import matchmaking as mm
from parkops_runtime.auth import Role
from parkops_runtime.directory import entry_of
from parkops_runtime.shards import shard_name
from pymongo import AsyncMongoClient
from tickets.tenant_lists import MARKER

from bench import scale_model_ledgers as ledgers
from bench.http_client import HttpClient
from bench.load import served, service_env
from bench.raw_read import raw_read
from bench.tickets_seed import seeded, template
from services.kpi.tests.unit import kpi_facts as f
from tests.support.fault_processes import ServiceProcess
from tests.support.fault_scenarios import KPI, MATCHMAKING, SETTINGS, TICKETS, Fleet, fleet
from tests.support.infra import Infra
from tests.support.kafka import envelope
from tests.support.services import bearer, isolated_settings
from tests.support.store_process import own_store

FULL_PARKS, FULL_TENANTS, FULL_EVENTS = 200, 40_000, 20_000_000
START, END, YEARS = date(2021, 1, 1), date(2025, 12, 31), range(2021, 2026)
FIXED_PER_TENANT = 4 + len(YEARS) + 2 * 60  # unit, onboarding, lease, occupancy; metrics; invoices
WORDS = ["steel", "casting", "moulds", "sensors", "optics", "pcb", "resin", "packaging"]
WORDS += ["logistics", "testing", "software", "robotics"]
GIB = 1024**3
TICKETS_QUERIES = 10
ID = "ce_id"  # CloudEventMeta.to_headers: one id per event, the other headers per event type


@dataclass(frozen=True)
class Shape:
    fraction: float
    parks: int
    tenants: int
    tickets_per_tenant: int

    @classmethod
    def of(cls, fraction: float, parks: int | None = None) -> "Shape":
        parks = parks or max(1, round(FULL_PARKS * fraction))
        tenants = max(parks, round(FULL_TENANTS * fraction))
        per_tenant = FULL_EVENTS // FULL_TENANTS
        return cls(fraction, parks, tenants, (per_tenant - FIXED_PER_TENANT) // 2)

    def park_of(self, tenant: int) -> str:
        return f"p{tenant % self.parks}"


# -- the synthetic history ---------------------------------------------------------------------------


def month_day(m: int) -> date:
    return date(START.year + m // 12, m % 12 + 1, 5)


def tenant_history(shape: Shape, group: str, t: int) -> Iterator[Event]:
    """Everything one tenant's five years put on the log: leasing's facts, monthly rent invoices and their
    recognition, tickets resolved and rated."""
    where = {"park_id": shape.park_of(t), "group_id": group}
    unit, tenant, lease = f"u{t}", f"t{t}", f"l{t}"
    yield f.unit(unit, "100").model_copy(update=where)
    yield f.tenant(tenant, [unit], "100", START, leading=t % 3 > 0).model_copy(update=where)
    yield f.lease(lease, tenant, [unit], "100", START, END).model_copy(update=where)
    yield f.occupied(lease, unit, tenant, "100", START, END).model_copy(update=where)
    for year in YEARS:
        yield f.metrics(tenant, year, str(10_000 + t % 90_000)).model_copy(update=where)
    for m in range(60):
        invoice_id, on = f"i{t}-{m}", month_day(m)
        yield f.invoice(invoice_id, fin.RevenueStream.RENT, "10000", on).model_copy(
            update=where | {"payer_id": tenant}
        )
        yield f.recognized(invoice_id, fin.RevenueStream.RENT, "10000", on).model_copy(update=where)
    yield from tickets_of(shape, where, t)


def tickets_of(shape: Shape, where: dict[str, str], t: int) -> Iterator[Event]:
    """Each ticket resolved and rated; its id 32 hex digits, as the tickets service draws them."""
    days = (END - START).days
    for k in range(shape.tickets_per_tenant):
        ticket, on = f"{t:012x}{k:020x}", START + timedelta(days=k * days // shape.tickets_per_tenant)
        yield f.resolved(ticket, on, 1.0 + k % 7, met=k % 9 > 0, repair=k % 2 == 0).model_copy(update=where)
        yield f.rated(ticket, 1 + k % 5, on + timedelta(days=1)).model_copy(update=where)


def history(shape: Shape, group: str) -> Iterator[Event]:
    for p in range(shape.parks):
        yield f.park(park_id=f"p{p}", group_id=group, name=f"Park {p}")
    for t in range(shape.tenants):
        yield from tenant_history(shape, group, t)


def profiles(shape: Shape, group: str) -> Iterator[Event]:
    """Matchmaking's own log: one profile per tenant (two offerings, one need), after the parks."""
    for p in range(shape.parks):
        yield f.park(park_id=f"p{p}", group_id=group, name=f"Park {p}")
    for t in range(shape.tenants):
        words = [WORDS[(t * 7 + i) % len(WORDS)] for i in range(4)]
        yield mm.ProfileChanged(
            park_id=shape.park_of(t),
            group_id=group,
            tenant_id=f"t{t}",
            name=f"Enterprise {t}",
            offerings=[
                mm.ProfileOffering(
                    offering_id=f"o{t}-{i}", text=f"{words[i]} {words[i + 1]} supply", capacity=10
                )
                for i in range(2)
            ],
            needs=[mm.ProfileNeed(need_id=f"n{t}", text=f"need {words[2]} {words[3]}", volume=5)],
            changed_at=datetime(2025, 6, 1, tzinfo=UTC),
        )


async def produce(infra: Infra, prefix: str, events: Iterator[Event]) -> tuple[int, set[str], float]:
    """Every event onto its topic (keyed by park) as fast as the producer goes: count, topics, seconds."""
    producer = AIOKafkaProducer(
        bootstrap_servers=infra.kafka_bootstrap_servers, linger_ms=50, max_batch_size=256 * 1024
    )
    await producer.start()
    topics: set[str] = set()
    headers: dict[type[Event], list[tuple[str, bytes]]] = {}
    n, began = 0, time.perf_counter()
    try:
        for event in events:
            kind = type(event)
            if kind not in headers:
                topics.add(event.topic(prefix))
                headers[kind] = [(k, v.encode()) for k, v in envelope(kind).items() if k != ID]
            ce_id = (ID, uuid.uuid4().hex.encode())
            value = event.model_dump_json().encode()
            await producer.send(
                event.topic(prefix), value, key=event.park_id.encode(), headers=[*headers[kind], ce_id]
            )
            n += 1
        await producer.flush()
    finally:
        await producer.stop()
    return n, topics, time.perf_counter() - began


# -- measuring ---------------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    measured: str
    goal: str = ""


def p95_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] * 1000 if len(samples) > 1 else samples[0] * 1000


async def latency(base: str, headers: dict[str, str], paths: list[str], n: int) -> tuple[float, float]:
    """p50 and p95 in ms of `n` GETs cycling over `paths` (after one of each not counted), each 200."""
    client = HttpClient(base, headers)
    samples: list[float] = []
    try:
        for path in paths:
            first = await client.get(path)
            assert first.status_code == 200, (path, first.status_code, first.body[:300])
        for i in range(n):
            began = time.perf_counter()
            answer = await client.get(paths[i % len(paths)])
            samples.append(time.perf_counter() - began)
            assert answer.status_code == 200, answer.body[:300]
    finally:
        await client.close()
    return statistics.median(samples) * 1000, p95_ms(samples)


def rss_bytes(process: ServiceProcess) -> int:
    assert process._process is not None
    for line in Path(f"/proc/{process._process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


async def snapshot_saved(
    infra: Infra, database: str, view: str, after: datetime, within: float = 600
) -> float:
    """Seconds until the view's snapshot head is saved after `after`."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_url, tz_aware=True)
    began = time.monotonic()
    try:
        while time.monotonic() - began < within:
            head = await client[database]["views.snapshots"].find_one({"_id": f"{view}:head"})
            if head is not None and head["saved_at"] >= after:
                return time.monotonic() - began
            await asyncio.sleep(0.5)
    finally:
        await client.close()
    raise TimeoutError(f"no snapshot of {view} within {within} s")


@dataclass(frozen=True)
class Served:
    factory: str
    name: str
    view: str
    prefix: str  # matchmaking has a log of its own: on kpi's, it would make a profile of each onboarding


async def start(fl: Fleet, factory: str, name: str, **overrides: Any) -> tuple[ServiceProcess, float]:
    """A service process of this run (as `Fleet.start`, with a start-up as long as the history needs);
    the seconds from its launch to /health/ready answering 200."""
    settings = isolated_settings(SETTINGS[factory], fl.infra, fl.run, **overrides)  # type: ignore[type-var]
    process = ServiceProcess(factory, service_env(settings), fl.logs / f"{fl.run}-{name}.log")
    fl.stack.push_async_callback(process.stop)
    return process, await process.start(within=3600)


@dataclass(frozen=True)
class Footprint:
    """A service's resident memory once ready, from nothing and from its snapshot."""

    cold: int
    warm: int


async def start_twice(fl: Fleet, svc: Served, rows: list[Row]) -> tuple[ServiceProcess, Footprint]:
    """From nothing, its RSS, its snapshot; killed, then from the snapshot: the process left running."""
    tuned = {"snapshot_every_seconds": 5, "consumer_max_records": 2000, "log_level": "WARNING"}
    cold, seconds = await start(fl, svc.factory, f"{svc.name}-cold", **tuned, **own_log(svc.prefix, svc))
    rss = rss_bytes(cold)
    rows.append(Row(f"{svc.name}: time to ready from nothing", f"{seconds:.1f} s"))
    rows.append(Row(f"{svc.name}: RSS once ready (measured)", f"{rss / 2**20:,.0f} MiB"))
    await snapshot_saved(fl.infra, f"{svc.prefix}_{svc.name}", svc.view, datetime.now(UTC))
    await cold.kill()
    warm, seconds = await start(fl, svc.factory, f"{svc.name}-warm", **tuned, **own_log(svc.prefix, svc))
    footprint = Footprint(rss, rss_bytes(warm))
    rows.append(Row(f"{svc.name}: time to ready from its snapshot", f"{seconds:.1f} s", "< 60 s"))
    rows.append(Row(f"{svc.name}: RSS once ready from the snapshot", f"{footprint.warm / 2**20:,.0f} MiB"))
    return warm, footprint


def own_log(prefix: str, svc: Served) -> dict[str, str]:
    return {"topic_prefix": prefix, "mongodb_database": f"{prefix}_{svc.name}"}


async def fixed_rss(fl: Fleet, svc: Served, rows: list[Row]) -> int:
    """The same service's RSS on an empty log: its fixed part (interpreter, code, clients)."""
    empty, _ = await start(fl, svc.factory, f"{svc.name}-empty", **own_log(f"{svc.prefix}e", svc))
    fixed = rss_bytes(empty)
    await empty.kill()
    rows.append(Row(f"{svc.name}: RSS on an empty log (fixed part)", f"{fixed / 2**20:,.0f} MiB"))
    return fixed


def one_point(fixed: int, rss: int, fraction: float) -> float:
    """Everything above the empty process counted as per-event, scaled linearly to fraction 1."""
    return fixed + (rss - fixed) / fraction


def two_point(low: tuple[float, int], high: tuple[float, int]) -> float:
    """The growth between two fractions (RSS per fraction of the history) carried on to fraction 1."""
    (f_low, rss_low), (f_high, rss_high) = low, high
    return rss_high + (rss_high - rss_low) / (f_high - f_low) * (1 - f_high)


async def extrapolated(fl: Fleet, svc: Served, shape: Shape, rss: int, rows: list[Row]) -> None:
    fixed = await fixed_rss(fl, svc, rows)
    extrapolation = f"{one_point(fixed, rss, shape.fraction) / GIB:.2f} GiB"
    rows.append(Row(f"{svc.name}: RSS, linear extrapolation to fraction 1", extrapolation, "< 2 GiB"))


# -- the services --------------------------------------------------------------------------------------


async def kpi_rows(fl: Fleet, infra: Infra, shape: Shape, rows: list[Row], queries: int) -> None:
    svc = Served(KPI, "kpi", "kpi", fl.prefix)
    process, footprint = await start_twice(fl, svc, rows)
    await extrapolated(fl, svc, shape, footprint.cold, rows)
    group, admin = fl.group, fl.admin
    parks = [f"/parks/p{p}/scorecards/2025" for p in range(shape.parks)]
    _, p95 = await latency(process.base, admin, parks, queries)
    rows.append(Row("kpi: scorecard of a park 2025, p95", f"{p95:.1f} ms"))
    _, p95 = await latency(process.base, admin, [f"/groups/{group}/portfolio/2025"], queries)
    rows.append(
        Row(f"kpi: portfolio of all {shape.parks} parks 2025, p95", f"{p95:.1f} ms", "< 100 ms (200 parks)")
    )


async def matchmaking_rows(fl: Fleet, infra: Infra, shape: Shape, rows: list[Row], queries: int) -> None:
    svc = Served(MATCHMAKING, "matchmaking", "matchmaking", f"{fl.prefix}mm")
    process, footprint = await start_twice(fl, svc, rows)
    await extrapolated(fl, svc, shape, footprint.cold, rows)
    step = max(1, shape.tenants // 50)
    paths = [
        f"/parks/{shape.park_of(t)}/profiles/t{t}/needs/n{t}/matches?k=10"
        for t in range(0, shape.tenants, step)
    ]
    began = time.perf_counter()
    client = HttpClient(process.base, fl.admin)
    first = await client.get(paths[0])
    await client.close()
    assert first.status_code == 200, first.body[:300]
    rows.append(
        Row("matchmaking: first top-10 (index built)", f"{(time.perf_counter() - began) * 1000:.0f} ms")
    )
    _, p95 = await latency(process.base, fl.admin, paths, queries)
    rows.append(
        Row(f"matchmaking: top-10 matches over {shape.tenants * 2:,} offerings, p95", f"{p95:.1f} ms")
    )


async def seed_tickets(infra: Infra, database: str, shape: Shape, group: str) -> tuple[int, float]:
    """Every ticket of the history into the tickets store (5% still open), each of its tenant and park;
    the parks and tenants in its directory. Returns the count and seconds."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_url, tz_aware=True)
    db, now, began = client[database], datetime.now(UTC), time.perf_counter()
    entries = [entry_of(f.park(park_id=f"p{p}", group_id=group)) for p in range(shape.parks)]
    tenants = [
        f.tenant(f"t{t}", [], "1", START, park_id=shape.park_of(t), group_id=group)
        for t in range(shape.tenants)
    ]
    await db["directory"].insert_many([e for e in [*entries, *map(entry_of, tenants)] if e is not None])
    base = template("p0", group, now)
    total, batch = shape.tenants * shape.tickets_per_tenant, []
    for i in range(total):
        _, doc = seeded(i, base, now, 0.05)
        t = i % shape.tenants
        doc.update(tenant_id=f"t{t}", park_id=shape.park_of(t))
        batch.append(doc)
        if len(batch) >= 2000 or i == total - 1:
            await db[shard_name("tickets", 0, 1)].insert_many(batch, ordered=False)
            batch = []
    await client.close()
    return total, time.perf_counter() - began


async def tickets_rows(fl: Fleet, infra: Infra, shape: Shape, rows: list[Row], queries: int) -> None:
    database = f"t{fl.run}_tickets"
    total, seconds = await seed_tickets(infra, database, shape, fl.group)
    rows.append(Row("tickets: store seeded (tickets)", f"{total:,} in {seconds:.0f} s"))
    cold, ready = await start(fl, TICKETS, "tickets-cold", ticket_shards=1, log_level="WARNING")
    rows.append(Row("tickets: time to ready from nothing (every ticket read once)", f"{ready:.1f} s"))
    began = time.perf_counter()
    await until_stored(infra, database, "read_models", MARKER)
    lag = time.perf_counter() - began
    rows.append(Row("tickets: tenants' lists backfilled (once per database)", f"{lag:.0f} s after ready"))
    await cold.kill()
    process, ready = await start(fl, TICKETS, "tickets", ticket_shards=1, log_level="WARNING")
    rows.append(Row("tickets: time to ready from the due index's checkpoint", f"{ready:.1f} s", "< 10 s"))
    tenant = shape.tenants // 2
    scan = await tenant_filter_ms(infra, database, fl.group, f"t{tenant}")
    label = f"tickets: a tenant's tickets ({shape.tickets_per_tenant})"
    rows.append(Row(f"{label} by a filter, as before (reads every ticket), once", f"{scan:.0f} ms"))
    who = bearer(Role.TENANT_USER, fl.group, [shape.park_of(tenant)], tenant=f"t{tenant}")
    n = TICKETS_QUERIES
    _, p95 = await latency(process.base, who, ["/tickets"], n)
    rows.append(Row(f"{label} from its list, p95 of {n}", f"{p95:.0f} ms", "independent of all tickets"))


async def until_stored(infra: Infra, database: str, collection: str, doc_id: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_url)
    try:
        while await client[database][collection].find_one({"_id": doc_id}) is None:  # noqa: ASYNC110
            await asyncio.sleep(1)
    finally:
        await client.close()


async def tenant_filter_ms(infra: Infra, database: str, group: str, tenant: str) -> float:
    """The former query of a tenant's tickets, on the store directly: a filter on the tenant."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_url)
    try:
        began = time.perf_counter()
        await client[database]["tickets"].find({"tenant_id": tenant, "group_id": group}).to_list()
        return (time.perf_counter() - began) * 1000
    finally:
        await client.close()


async def baselines(infra: Infra, topics: set[str], n: int, rows: list[Row], queries: int) -> None:
    rate = await raw_read(infra, topics, n)
    rows.append(Row("baseline: raw aiokafka read of the same topics", f"{rate:,.0f} ev/s"))
    async with served(["bench.bare_app:app"], {}) as bare:
        _, p95 = await latency(bare, {}, ["/ping"], queries)
    rows.append(Row("baseline: bare FastAPI GET /ping, p95", f"{p95:.1f} ms"))


def table(rows: list[Row]) -> str:
    width = max(len(r.figure) for r in rows)
    lines = [f"{'figure':<{width}}  {'measured':>18}  goal", "-" * (width + 40)]
    lines += [f"{r.figure:<{width}}  {r.measured:>18}  {r.goal}" for r in rows]
    return "\n".join(lines)


async def load(fl: Fleet, infra: Infra, shape: Shape, rows: list[Row]) -> tuple[int, set[str]]:
    n, topics, seconds = await produce(infra, fl.prefix, history(shape, fl.group))
    rows.append(Row("events produced (kpi's topics and finance's)", f"{n:,} in {seconds:.0f} s"))
    rows.append(Row("producer rate (raw aiokafka, valid CloudEvents)", f"{n / seconds:,.0f} ev/s"))
    m, _, seconds = await produce(infra, f"{fl.prefix}mm", profiles(shape, fl.group))
    rows.append(Row("matchmaking profiles produced", f"{m:,} in {seconds:.0f} s"))
    return n, topics


async def kpi_memory(infra: Infra, shapes: list[Shape]) -> None:
    """kpi alone at each fraction, each on a log and database of its own: RSS once ready from nothing and
    from its snapshot, then extrapolated to fraction 1 from each point alone (all above the empty process
    counted as per-event) and from the growth between the smallest fraction and the largest."""
    rows, points = list[Row](), list[tuple[Shape, int, Footprint]]()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as logs:
        for shape in shapes:
            at = f"fraction {shape.fraction:g}"
            async with fleet(infra, Path(logs)) as fl:
                n, _, seconds = await produce(infra, fl.prefix, history(shape, fl.group))
                rows.append(Row(f"{at}: events produced ({shape.parks} parks)", f"{n:,} in {seconds:.0f} s"))
                svc, measured = Served(KPI, "kpi", "kpi", fl.prefix), list[Row]()
                _, footprint = await start_twice(fl, svc, measured)
                rows += [replace(row, figure=f"{at}, {row.figure}") for row in measured]
                if not points:
                    fixed = await fixed_rss(fl, svc, rows)
                points.append((shape, n, footprint))
            print(f"... {at} done at {time.perf_counter() - began:.0f} s\n{table(rows)}", flush=True)
    for shape, _, footprint in points:
        full = [one_point(fixed, rss, shape.fraction) / GIB for rss in (footprint.cold, footprint.warm)]
        figure = f"kpi RSS at fraction 1, cold / from a snapshot, one point (fraction {shape.fraction:g})"
        rows.append(Row(figure, "{:.2f} / {:.2f} GiB".format(*full), "< 2 GiB"))
    if len(points) > 1:
        (low, n_low, fp_low), (high, n_high, fp_high) = points[0], points[-1]
        span = f"fractions {low.fraction:g} to {high.fraction:g}"
        growth = [
            (fp_high.cold - fp_low.cold) / (n_high - n_low),
            (fp_high.warm - fp_low.warm) / (n_high - n_low),
        ]
        rows.append(
            Row(
                f"kpi RSS growth per event, cold / from a snapshot ({span})",
                "{:.0f} / {:.0f} B".format(*growth),
            )
        )
        full = [
            two_point((low.fraction, getattr(fp_low, side)), (high.fraction, getattr(fp_high, side))) / GIB
            for side in ("cold", "warm")
        ]
        figure = f"kpi RSS at fraction 1, cold / from a snapshot, two points ({span})"
        rows.append(Row(figure, "{:.2f} / {:.2f} GiB".format(*full), "< 2 GiB"))
    print(f"\nwall time {time.perf_counter() - began:.0f} s")
    print(table(rows))


async def main(args: argparse.Namespace) -> None:
    infra = Infra.from_env()
    with own_store() if args.own_store else nullcontext() as store:  # the shared store's files untouched
        if store is not None:
            infra = replace(infra, mongodb_url=store.url)
        if args.fractions:
            fractions = sorted(float(f) for f in args.fractions.split(","))
            await kpi_memory(infra, [Shape.of(f, args.parks) for f in fractions])
        else:
            await run(infra, Shape.of(args.fraction, args.parks), args.queries)


async def run(infra: Infra, shape: Shape, queries: int) -> None:
    rows, fraction = list[Row](), shape.fraction
    print(f"scale model at fraction {fraction:g}: {shape.parks} parks, {shape.tenants:,} tenants, "
          f"{shape.tickets_per_tenant} tickets per tenant; broker {infra.kafka_bootstrap_servers}, "
          f"store {infra.mongodb_url} (FerretDB)", flush=True)  # fmt: skip
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as logs:
        async with fleet(infra, Path(logs)) as fl:
            n, topics = await load(fl, infra, shape, rows)
            print(table(rows), flush=True)
            await baselines(infra, topics, n, rows, queries)
            for measure in (
                kpi_rows,
                matchmaking_rows,
                tickets_rows,
                ledgers.leasing_rows,
                ledgers.finance_rows,
            ):
                await measure(fl, infra, shape, rows, queries)
                print(f"... {measure.__name__} done at {time.perf_counter() - began:.0f} s", flush=True)
    print(f"\nprefix t{fl.run}, group {fl.group}; wall time {time.perf_counter() - began:.0f} s")
    print(table(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument("--fractions", help="kpi's memory alone at each fraction (e.g. 0.05,0.2)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--parks", type=int, help="parks regardless of the fraction (the group's 200)")
    parser.add_argument("--tickets-queries", type=int, default=TICKETS_QUERIES)
    parser.add_argument("--own-store", action="store_true", help="a FerretDB of the run's own")
    args = parser.parse_args()
    TICKETS_QUERIES = args.tickets_queries
    asyncio.run(main(args))
