"""A billing run of 20,000 leases as a job (`Prefer: respond-async`), over the real broker and store,
while finance's consumer group keeps receiving lease events in the same process: the run finishes, the
group never rebalances (no partition revoked, no heartbeat lost), no outbox publish fails, health answers
throughout, and the events consumed meanwhile are booked. Before runs were jobs billed in slices, one
such run kept the event loop busy long enough for publishes to time out and the group to rebalance."""

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from finance.domain.billing import ScheduleLine
from finance.domain.books import ParkBooks
from finance.domain.lease_billing import schedule_lease
from finance.main import create_app
from finance.service import FinanceService
from finance.settings import FinanceSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_runtime.auth import Role

from tests.e2e.test_finance_billing import lease_signed
from tests.support.finance import REGISTERED
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce
from tests.support.parks import known, register_park
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving

GROUP, PARKS, LEASES_PER_PARK, PERIOD = "jobs-group", 4, 5_000, "2026-03"
ADMIN = bearer(Role.GROUP_ADMIN, GROUP)
ASYNC = ADMIN | {"Prefer": "respond-async"}
TROUBLE = ("Revoking previously assigned partitions", "session expired", "Heartbeat failed", "publish failed")


class Watched(logging.Handler):
    """The log lines that mean a rebalance (partitions revoked, heartbeats lost) or a failed publish."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if any(t in message for t in TROUBLE):
            self.seen.append(message[:300])


@contextmanager
def watching() -> Iterator[Watched]:
    watched, loggers = Watched(), [logging.getLogger(n) for n in ("aiokafka", "parkops_runtime.outbox")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(watched)
        logger.setLevel(logging.INFO)
    try:
        yield watched
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(watched)
            logger.setLevel(level)


def twelve_months() -> list[ScheduleLine]:
    lines, first = [], date(2026, 1, 1)
    for month in range(1, 13):
        following = (first + timedelta(days=32)).replace(day=1)
        lines.append(ScheduleLine(month=month, starts_on=first, ends_on=following - timedelta(days=1),
                                  rent=Decimal("8250.00")))  # fmt: skip
        first = following
    return lines


def schedule_leases(books: ParkBooks, park: str) -> None:
    for i in range(LEASES_PER_PARK):
        schedule_lease(books, f"{park}-L{i}", f"t{i}", twelve_months(), f"seed:{park}-{i}")


async def publish_lease(infra: Infra, prefix: str, park: str, lease: str) -> None:
    event = lease_signed(lease, park, GROUP)
    record = (event.model_dump_json().encode(), envelope(type(event), event_id=f"{park}-{lease}"))
    await produce(infra.kafka_bootstrap_servers, event.topic(prefix), [record], key=park.encode())


async def feed_leases(infra: Infra, prefix: str, stop: asyncio.Event) -> list[tuple[str, str]]:
    """Lease events for finance's consumer group, one every 0.2 s until `stop`: what it books meanwhile."""
    sent: list[tuple[str, str]] = []
    while not stop.is_set():
        park, lease = f"jobs-p{len(sent) % PARKS}", f"during-{len(sent)}"
        await publish_lease(infra, prefix, park, lease)
        sent.append((park, lease))
        await asyncio.sleep(0.2)
    return sent


async def probe_health(http: httpx.AsyncClient, stop: asyncio.Event) -> list[int]:
    answers = []
    while not stop.is_set():
        answers.append((await http.get("/health/ready")).status_code)
        await asyncio.sleep(0.2)
    return answers


async def finished(http: httpx.AsyncClient, park: str) -> dict[str, Any] | None:
    run = (await http.get(f"/parks/{park}/billing-runs/{PERIOD}", headers=ADMIN)).json()
    assert run["state"] != "failed", run
    return run if run["state"] == "succeeded" else None


async def test_a_billing_run_of_20k_leases_starves_nothing(infra: Infra) -> None:
    run = run_id()
    leasing_app = create_leasing(isolated_settings(LeasingSettings, infra, run), clock=lambda: REGISTERED)
    app = create_app(
        isolated_settings(FinanceSettings, infra, run), clock=lambda: datetime(2026, 3, 5, tzinfo=UTC)
    )
    parks = [f"jobs-p{p}" for p in range(PARKS)]
    async with serving(leasing_app) as leasing, serving(app) as http:
        finance: FinanceService = app.state.finance
        for park in parks:
            await register_park(leasing, GROUP, park)
            await known(http, f"/parks/{park}/invoices", ADMIN)
            entry = await app.state.runtime.directory.park(park)
            await finance.write(entry, lambda b, p=park: schedule_leases(b, p))
        # The consumer group has its partitions (it booked an event) before anything is watched: its
        # first join logs a revocation of nothing.
        await publish_lease(infra, f"t{run}", parks[0], "before-the-run")
        await eventually(lambda: schedule_of(http, parks[0], "before-the-run"))
        stop = asyncio.Event()
        with watching() as watched:
            feeding = asyncio.create_task(feed_leases(infra, f"t{run}", stop))
            health = asyncio.create_task(probe_health(http, stop))
            started = {}
            for park in parks:
                r = await http.post(f"/parks/{park}/billing-runs", json={"period": PERIOD}, headers=ASYNC)
                assert r.status_code == 202, r.text
                assert r.headers["Location"] == f"/parks/{park}/billing-runs/{PERIOD}"
                started[park] = r.json()
            again = await http.post(f"/parks/{parks[0]}/billing-runs", json={"period": PERIOD}, headers=ASYNC)
            assert again.status_code == 202  # started twice: the same run
            assert again.json()["created_at"] == started[parks[0]]["created_at"]
            runs = [await eventually(lambda p=park: finished(http, p), within=600) for park in parks]
            await app.state.runtime.relay.flush()
            stop.set()
            sent, answers = await feeding, await health
        for billed in runs:  # leases the consumer booked before a run read its park's are billed too
            assert billed["done"] == billed["total"] == billed["invoices"] >= LEASES_PER_PARK
        assert watched.seen == []  # no partition revoked, no heartbeat lost, no publish failed
        assert answers
        assert set(answers) == {200}
        for park, lease in sent:  # what the consumer received during the run is booked
            r = await eventually(lambda p=park, le=lease: schedule_of(http, p, le))
            assert r["lease_id"] == lease


async def schedule_of(http: httpx.AsyncClient, park: str, lease: str) -> dict[str, Any] | None:
    r = await http.get(f"/parks/{park}/billing-schedules/{lease}", headers=ADMIN)
    return r.json() if r.status_code == 200 else None
