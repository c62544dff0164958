"""Queries over HTTP: a park's open tickets by age and SLA state, a tenant's own tickets, p50/p90
times per category, SLA compliance and satisfaction; and LeaseTerminated closing the door."""

from datetime import UTC, datetime, timedelta

from parkops_contracts.events.leasing import LeaseTerminated
from parkops_runtime.auth import Role
from tickets.main import create_app

from tests.e2e.test_tickets_harness import TicketsDesk, desk, desk_of, leasing_of, tickets_settings
from tests.support.infra import Infra
from tests.support.services import bearer, eventually, run_id, serving

__all__ = ["desk"]


async def resolve(desk: TicketsDesk, ticket: str) -> None:
    r = await desk.client.post(
        f"/tickets/{ticket}/resolve", headers=desk.operator(), json={"acknowledge": True}
    )
    assert r.status_code == 200, r.text


async def test_park_and_tenant_queries(desk: TicketsDesk) -> None:
    await desk.onboard("q-tenant")
    tenant, staff, c = desk.tenant("q-tenant"), desk.operator(), desk.client
    opened = [
        (await desk.open(tenant, title=f"t{i}", category=cat)).json()["ticket_id"]
        for i, cat in enumerate(["repair", "repair", "cleaning", "it"])
    ]
    await resolve(desk, opened[0])
    await resolve(desk, opened[2])
    rated = await c.post(f"/tickets/{opened[0]}/rating", headers=tenant, json={"score": 5})
    assert rated.status_code == 200

    open_now = (await c.get(f"/parks/{desk.park}/tickets/open", headers=staff)).json()
    assert [t["ticket_id"] for t in open_now] == [opened[1], opened[3]]  # oldest first
    assert all(t["sla_state"] == "on_track" and t["age_seconds"] >= 0 for t in open_now)
    assert (await c.get(f"/parks/{desk.park}/tickets/open", headers=tenant)).status_code == 403
    elsewhere = desk.operator(park="elsewhere")
    assert (await c.get(f"/parks/{desk.park}/tickets/open", headers=elsewhere)).status_code == 404

    mine = (await c.get("/tickets", headers=tenant)).json()
    assert {t["ticket_id"] for t in mine} == set(opened)

    times = (await c.get(f"/parks/{desk.park}/tickets/times", headers=staff)).json()
    assert {t["category"]: t["resolved"] for t in times} == {"repair": 1, "cleaning": 1}
    assert all(t["response_p90_seconds"] is not None for t in times)

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    card = await c.get(f"/parks/{desk.park}/tickets/scorecard", headers=staff, params={"to": tomorrow})
    assert card.json() == {
        "resolved": 2,
        "sla_met": 2,
        "sla_compliance": 1.0,
        "rated": 1,
        "satisfied": 1,
        "satisfaction_rate": 1.0,
    }
    auditor = bearer(Role.AUDITOR, desk.group)
    assert (await c.get(f"/parks/{desk.park}/tickets/scorecard", headers=auditor)).status_code == 200
    bad_period = {"from": tomorrow, "to": datetime.now(UTC).isoformat()}
    assert (
        await c.get(f"/parks/{desk.park}/tickets/times", headers=staff, params=bad_period)
    ).status_code == 422


async def test_no_new_tickets_after_the_lease_ended_but_old_ones_stay_visible(desk: TicketsDesk) -> None:
    leaver = await desk.onboard("leaver")
    tenant = desk.tenant("leaver")
    ticket = (await desk.open(tenant)).json()["ticket_id"]
    ended = LeaseTerminated.model_validate(
        {
            "park_id": desk.park,
            "group_id": desk.group,
            "lease_id": "lease-1",
            "tenant_id": leaver.tenant_id,
            "unit_ids": leaver.unit_ids,
            "released_area_m2": "100",
            "terminated_on": datetime.now(UTC).date() - timedelta(days=1),  # the service's day is UTC's
            "reason": "relocation",
            "terminated_at": datetime.now(UTC),
        }
    )
    await desk.publish(ended)

    async def consumed() -> bool:
        return desk.app.state.access.directory.last_day(desk.park, leaver.tenant_id) is not None

    await eventually(consumed)
    refused = await desk.open(tenant)
    assert refused.status_code == 403
    assert "no new tickets" in refused.json()["detail"]
    assert (await desk.client.get(f"/tickets/{ticket}", headers=tenant)).status_code == 200


async def test_a_parks_business_hours_pause_the_clock_of_the_categories_using_them(infra: Infra) -> None:
    # The service's clock is pinned at Thursday 24 Dec 2026, 17:30 in Shanghai (09:30 UTC). Open
    # Monday to Friday 09:00-18:00 with Christmas a holiday, cleaning's 2 h response target runs 30
    # minutes on Thursday, none on Friday (holiday) or the weekend, and 90 from Monday 09:00: due
    # Monday 28 Dec, 10:30 in Shanghai. Repair keeps the 24/7 clock: due 19:30 the same day.
    opened = datetime(2026, 12, 24, 9, 30, tzinfo=UTC)
    run = run_id()
    app = create_app(tickets_settings(infra, run), clock=lambda: opened)
    async with leasing_of(infra, run) as leasing, serving(app) as client:
        desk = await desk_of(app, client, leasing, infra, run)
        hours = [{"weekday": d, "opens": 540, "closes": 1080} for d in range(5)]
        config = {
            "calendar": {"hours": hours, "holidays": ["2026-12-25"]},
            "business_hours_categories": ["cleaning"],
        }
        staff = desk.operator()
        put = await client.put(f"/parks/{desk.park}/sla", headers=staff, json=config)
        assert put.status_code == 200, put.text
        bad = {"calendar": {"hours": [{"weekday": 0, "opens": 600, "closes": 540}]}}
        assert (await client.put(f"/parks/{desk.park}/sla", headers=staff, json=bad)).status_code == 422

        cleaning = (await desk.open(staff, category="cleaning")).json()
        repair = (await desk.open(staff, category="repair")).json()
    assert datetime.fromisoformat(cleaning["opened_at"]) == opened
    assert datetime.fromisoformat(cleaning["response_due"]) == datetime(2026, 12, 28, 2, 30, tzinfo=UTC)
    assert datetime.fromisoformat(repair["response_due"]) == datetime(2026, 12, 24, 11, 30, tzinfo=UTC)
