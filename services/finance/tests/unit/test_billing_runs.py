"""Billing runs as jobs: one per park and period, billed in slices with the same result as one run,
progress reported, a failed or abandoned run taken by the next start; and the revenue figures stored
beside the books say what the ledger says."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from finance.billing_runs import BillingRuns
from finance.domain.billing_runs import STALE_AFTER, BillingRun, RunState, RunTaken
from finance.domain.books import ParkBooks
from finance.domain.lease_billing import run_billing, schedule_lease
from finance.domain.ledger import Account
from finance.domain.reports import report_of_months, revenue_report
from finance.repository import BillingRunCodec, BooksCodec, figures
from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.auth import Principal, Role
from parkops_runtime.testing import MemoryAggregates

from .books_fixtures import MemoryDirectory, invoice, monthly_lines, outbound, park, replica

NOW = datetime(2026, 3, 5, 9, tzinfo=UTC)
P1 = park("p1", "g1", date(2025, 12, 1))
STAFF = ParkAccess(Principal("op", Role.PARK_OPERATOR, "g1", frozenset({"p1"})), P1)
STRANGER = ParkAccess(Principal("op", Role.PARK_OPERATOR, "g2", frozenset({"p1"})), park("p1", "g2"))


def run(**fields: object) -> BillingRun:
    return BillingRun.model_validate(
        {"park_id": "p1", "group_id": "g1", "period": "2026-03", "created_at": NOW, "updated_at": NOW}
        | fields
    )


def test_a_run_is_claimed_once_until_it_fails_or_its_runner_stops() -> None:
    new = run()
    assert new.claim("a", NOW)
    assert not new.claim("b", NOW)  # queued by a: joined
    new.start(10, NOW)
    assert not new.claim("b", NOW + STALE_AFTER)  # running, reported just now
    assert new.claim("b", NOW + STALE_AFTER + timedelta(seconds=1))  # a stopped reporting: b takes it
    with pytest.raises(RunTaken):
        new.ran_by("a")
    new.fail("boom", NOW)
    assert new.claim("c", NOW)  # a failed run is run again
    assert (new.state, new.error, new.runner) == (RunState.QUEUED, None, "c")
    new.succeed(NOW)
    assert not new.claim("d", NOW + STALE_AFTER * 10)  # succeeded: answered as it ended


def leases(memory: MemoryAggregates, count: int) -> None:
    books = ParkBooks(park_id="p1", group_id="g1")
    for i in range(count):
        schedule_lease(books, f"L{i:03d}", f"t{i}", monthly_lines(["100.00"] * 6), f"seed-{i}")
    memory.documents["p1"] = BooksCodec().encode(books) | {"_id": "p1", "_version": 1, "_keys": []}


def runner(memory: MemoryAggregates, runs: MemoryAggregates) -> BillingRuns:
    store = AggregateStore(runs, BillingRunCodec(), outbound, kind="billing-run")
    finance = replica(memory, MemoryDirectory(P1))
    return BillingRuns(store, finance, lambda: 0.0, lambda: NOW, slice_leases=3)


async def test_a_run_bills_in_slices_what_one_run_bills_and_reports_its_progress() -> None:
    memory, runs = MemoryAggregates(), MemoryAggregates()
    leases(memory, 7)
    jobs = runner(memory, runs)
    started = await jobs.start(STAFF, "2026-03")
    assert (started.state, started.period) == (RunState.QUEUED, "2026-03")
    await jobs.wait()
    done = await jobs.get(STAFF, "2026-03")
    assert (done.state, done.done, done.total, done.invoices) == (RunState.SUCCEEDED, 7, 7, 7)
    assert done.started_at == done.finished_at == NOW
    sliced = BooksCodec().decode(memory.documents["p1"])
    whole = BooksCodec().decode(memory.documents["p1"])
    whole.schedules = {k: v.model_copy(update={"billed": {}}) for k, v in whole.schedules.items()}
    assert sorted(sliced.invoices) == sorted(i.invoice_id for i in run_billing(whole, "2026-03", "r"))
    assert memory.documents["p1"]["_version"] == 1 + 3  # three slices of at most 3 leases
    again = await runner(memory, runs).start(STAFF, "2026-03")  # another replica: the same run
    assert (again.state, again.created_at) == (RunState.SUCCEEDED, started.created_at)


async def test_a_run_is_the_parks_groups_only_and_of_a_billable_period() -> None:
    memory, runs = MemoryAggregates(), MemoryAggregates()
    leases(memory, 1)
    jobs = runner(memory, runs)
    with pytest.raises(Unprocessable, match="period"):
        await jobs.start(STAFF, "2025-11")  # before the park was registered
    await jobs.start(STAFF, "2026-03")
    await jobs.wait()
    with pytest.raises(NotFound):
        await jobs.get(STRANGER, "2026-03")
    with pytest.raises(NotFound):
        await jobs.get(STAFF, "2026-04")


def test_the_stored_figures_give_the_ledgers_report() -> None:
    books = ParkBooks(park_id="p1", group_id="g1")
    for month, amount in ((1, "100.00"), (2, "250.50"), (3, "80.00")):
        invoice(books, "t1", amount, date(2026, month, 3))
    invoice(books, "t1", "999.00", date(2027, 1, 3))
    stored = json.loads(figures(books))
    months = {m: {Account(a): Decimal(v) for a, v in b.items()} for m, b in stored.items()}
    for period in ("2026", "2026-02", "2027", "2028"):
        assert report_of_months(months, period) == revenue_report(books.ledger, period)
    assert report_of_months(months, "2026").operating_revenue == Decimal("430.50")
