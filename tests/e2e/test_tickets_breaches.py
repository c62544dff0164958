"""Breach detection over the real store: exactly one TicketSlaBreached per ticket and target, with two
scanner instances racing, after a crash between claim and publish, and from the running scan loop."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from parkops_runtime.auth import Role
from tickets.breaches import BreachScanner
from tickets.main import create_app

from tests.e2e.test_tickets_harness import TicketsDesk, desk_of, leasing_of, tickets_settings
from tests.support.infra import Infra
from tests.support.services import bearer, eventually, run_id, serving

LATER = timedelta(days=30)


async def open_tickets(desk: TicketsDesk, n: int) -> list[str]:
    ids = []
    for i in range(n):
        r = await desk.open(desk.operator(), title=f"ticket {i}")
        assert r.status_code == 201, r.text
        ids.append(r.json()["ticket_id"])
    return ids


def per_target(events: list[dict[str, object]]) -> Counter[tuple[object, object]]:
    return Counter((e["ticket_id"], e["target"]) for e in events)


async def test_two_instances_claim_each_breach_exactly_once(infra: Infra) -> None:
    run = run_id()
    first, second = (create_app(tickets_settings(infra, run)) for _ in range(2))
    async with leasing_of(infra, run) as leasing, serving(first) as a, serving(second) as b:
        desk_a = await desk_of(first, a, leasing, infra, run)
        desk_b = await desk_of(second, b, leasing, infra, run)
        tickets = await open_tickets(desk_a, 6) + await open_tickets(desk_b, 6)
        acked = await b.post(f"/tickets/{tickets[0]}/acknowledge", headers=desk_b.operator())
        assert acked.status_code == 200
        scanners: list[BreachScanner] = [first.state.scanner, second.state.scanner]
        await asyncio.gather(*(s.rebuild() for s in scanners))
        now = datetime.now(UTC) + LATER
        claims = await asyncio.gather(*(s.scan_once(now) for s in scanners * 2))
        expected = 2 * len(tickets) - 1  # the acknowledged ticket answered in time
        assert sum(len(c) for c in claims) == expected
        events = await desk_a.events("ticket-sla-breached", at_least=expected)
        counts = per_target(events)
        assert len(counts) == expected
        assert set(counts.values()) == {1}
        assert (tickets[0], "response") not in counts
        for shard in first.state.tickets.shards.all():
            async for doc in shard.collection.find({}, {"breaches": 1}):
                assert len(doc["breaches"]) == (1 if doc["_id"] == tickets[0] else 2)


class Crash(BaseException):
    """Dies like SIGKILL would: nothing after it runs."""


async def test_a_breach_claimed_just_before_a_crash_is_published_once_after_restart(infra: Infra) -> None:
    run = run_id()
    settings = tickets_settings(infra, run)
    async with leasing_of(infra, run) as leasing:
        before = create_app(settings)
        async with serving(before) as client:
            tickets = await open_tickets(await desk_of(before, client, leasing, infra, run), 3)
        crashed = create_app(settings)  # never started: no relay sweep either

        async def crash_before_publishing(*_: object) -> None:
            raise Crash

        crashed.state.runtime.relay.after_write = crash_before_publishing
        scanner: BreachScanner = crashed.state.scanner
        await scanner.rebuild()
        now = datetime.now(UTC) + LATER
        with pytest.raises(Crash):
            await scanner.scan_once(
                now
            )  # claims under way are stored with their events, then the process dies
        await asyncio.sleep(0.1)  # let the other claims under way meet the same end
        stored = await crashed.state.runtime.database["sla_breaches"].count_documents({})
        await crashed.state.runtime.client.close()
        assert 1 <= stored < 6

        restarted = create_app(settings)
        async with serving(restarted) as client:
            desk = await desk_of(restarted, client, leasing, infra, run)
            await restarted.state.scanner.rebuild()
            assert len(await restarted.state.scanner.scan_once(now)) == 6 - stored
            await restarted.state.scanner.rebuild()
            assert await restarted.state.scanner.scan_once(now) == []
            events = await desk.events("ticket-sla-breached", at_least=6)  # and any late copy
            expected = {(t, target): 1 for t in tickets for target in ("response", "resolution")}
            assert per_target(events) == Counter(expected)
            staff = desk.operator()
            for ticket in tickets:
                body = (await client.get(f"/tickets/{ticket}", headers=staff)).json()
                assert body["breached_targets"] == ["resolution", "response"]


async def test_the_running_scanner_detects_a_missed_target(infra: Infra) -> None:
    run = run_id()
    app = create_app(
        tickets_settings(
            infra, run, breach_scanner_enabled=True, breach_scan_seconds=0.1, instance_heartbeat_seconds=0.2
        )
    )
    async with leasing_of(infra, run) as leasing, serving(app) as client:
        desk = await desk_of(app, client, leasing, infra, run)
        admin = bearer(Role.GROUP_ADMIN, desk.group)
        fast = {"category": "security", "priority": "emergency"}
        sla = {"overrides": [{**fast, "policy": {"response_seconds": 1, "resolution_seconds": 600}}]}
        assert (await client.put(f"/parks/{desk.park}/sla", headers=admin, json=sla)).status_code == 200
        ticket = (await desk.open(desk.operator(), title="alarm", **fast)).json()["ticket_id"]

        async def breached() -> dict[str, object] | None:
            body = (await client.get(f"/tickets/{ticket}", headers=admin)).json()
            return body if body["breached_targets"] == ["response"] else None

        body = await eventually(breached, within=10)
        assert body["sla_state"] == "breached"
        (event,) = [e for e in await desk.events("ticket-sla-breached", 1) if e["ticket_id"] == ticket]
        assert (event["target"], event["category"]) == ("response", "security")


async def test_every_replica_holds_the_due_times_another_opened_and_claims_them_once_it_is_gone(
    infra: Infra,
) -> None:
    """The due index follows every replica's tickets (their events): nothing to adopt when one goes."""
    run = run_id()
    settings = tickets_settings(infra, run, breach_scanner_enabled=True, breach_scan_seconds=0.1)
    leaving, staying = create_app(settings), create_app(settings)
    async with leasing_of(infra, run) as leasing, serving(staying) as b:
        survivor: BreachScanner = staying.state.scanner
        async with serving(leaving) as a:
            tickets = await open_tickets(await desk_of(leaving, a, leasing, infra, run), 3)

            async def followed() -> bool:
                return len(survivor.index) >= 2 * len(tickets)

            await eventually(followed, within=10)
        claimed = await survivor.scan_once(datetime.now(UTC) + LATER)
        assert {(e.ticket_id, e.target) for e in claimed} == {
            (t, target) for t in tickets for target in ("response", "resolution")
        }
        desk = await desk_of(staying, b, leasing, infra, run)
        events = await desk.events("ticket-sla-breached", at_least=6)
        assert per_target(events) == Counter(
            {(t, target): 1 for t in tickets for target in ("response", "resolution")}
        )


def due_at(scanner: BreachScanner, at: datetime) -> set[tuple[str, str, datetime]]:
    """What the scanner would try at `at` (due times to the millisecond, as the store keeps them)."""
    return {
        (e.ticket_id, e.target, e.due.replace(microsecond=e.due.microsecond // 1000 * 1000))
        for e in scanner.index.due(at)
    }


async def test_a_due_index_restarted_from_its_checkpoint_fires_what_one_read_from_every_ticket_does(
    infra: Infra,
) -> None:
    run = run_id()
    settings = tickets_settings(infra, run, breach_scanner_enabled=True, breach_scan_seconds=3600)
    first = create_app(settings)
    async with leasing_of(infra, run) as leasing:
        async with serving(first) as client:
            desk = await desk_of(first, client, leasing, infra, run)
            staff = desk.operator()
            await eventually(first.state.due_feed.ready, within=10)
            before = await open_tickets(desk, 4)
            assert (await client.post(f"/tickets/{before[0]}/acknowledge", headers=staff)).is_success
            resolved = await client.post(
                f"/tickets/{before[1]}/resolve", headers=staff, json={"acknowledge": True}
            )
            assert resolved.is_success  # due for auto-close now
            assert first.state.due_feed.from_checkpoint is False  # a new database: read from every ticket
            await first.state.due_feed.checkpoint()
            after = await open_tickets(desk, 2)  # after the checkpoint: from the events since
            assert (await client.post(f"/tickets/{after[0]}/acknowledge", headers=staff)).is_success
            assert (await client.post(f"/tickets/{before[2]}/acknowledge", headers=staff)).is_success

        restarted = create_app(settings)
        async with serving(restarted) as client:
            feed = restarted.state.due_feed
            await eventually(feed.ready, within=10)
            assert feed.from_checkpoint

            async def reread() -> bool:
                return not feed.dirty and not feed._rereading

            await eventually(reread, within=10)
            scratch = create_app(settings)  # never started: its scanner reads every ticket
            await scratch.state.scanner.rebuild()
            later = datetime.now(UTC) + timedelta(days=400)
            expected = due_at(scratch.state.scanner, later)
            assert len(expected) == 2 * 6 - 3 - 2 + 1  # 3 responses met; 1 resolved: its auto-close only
            assert due_at(restarted.state.scanner, later) == expected
            await scratch.state.runtime.client.close()


async def test_unrated_resolved_tickets_auto_close_after_the_parks_delay(infra: Infra) -> None:
    run = run_id()
    app = create_app(tickets_settings(infra, run))
    async with leasing_of(infra, run) as leasing, serving(app) as client:
        desk = await desk_of(app, client, leasing, infra, run)
        staff = desk.operator()
        assert (
            await client.put(f"/parks/{desk.park}/sla", headers=staff, json={"auto_close_days": 3})
        ).is_success
        rated, unrated = await open_tickets(desk, 2)
        for ticket in (rated, unrated):
            r = await client.post(f"/tickets/{ticket}/resolve", headers=staff, json={"acknowledge": True})
            assert r.status_code == 200, r.text
        scanner: BreachScanner = app.state.scanner
        await scanner.rebuild()
        await scanner.scan_once(datetime.now(UTC) + timedelta(days=2))
        assert (await client.get(f"/tickets/{unrated}", headers=staff)).json()["state"] == "resolved"
        late = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3, minutes=1)
        await scanner.scan_once(late)
        closed = (await client.get(f"/tickets/{unrated}", headers=staff)).json()
        assert (closed["state"], datetime.fromisoformat(closed["closed_at"])) == ("closed", late)


async def test_a_ticket_opened_while_the_due_index_is_reread_is_not_lost(infra: Infra) -> None:
    run = run_id()
    app = create_app(tickets_settings(infra, run))
    async with leasing_of(infra, run) as leasing, serving(app) as client:
        desk = await desk_of(app, client, leasing, infra, run)
        scanner: BreachScanner = app.state.scanner
        (before,) = await open_tickets(desk, 1)
        read_from_store = app.state.tickets.due_documents
        opened: list[str] = []

        async def store_read_then_a_new_ticket() -> AsyncIterator[dict[str, object]]:
            async for doc in read_from_store():
                yield doc
            opened.extend(await open_tickets(desk, 1))  # written after the store was read

        app.state.tickets.due_documents = store_read_then_a_new_ticket
        await scanner.rebuild()
        assert len(scanner.index) == 4, "response and resolution targets of both tickets"
        due = {e.ticket_id for e in await scanner.scan_once(datetime.now(UTC) + timedelta(days=30))}
        assert due == {before, *opened}
