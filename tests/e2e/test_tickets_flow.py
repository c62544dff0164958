"""Tickets over HTTP: tenant access from TenantOnboarded, the lifecycle, events, bad input, scoping."""

import asyncio
import json
from decimal import Decimal

from parkops_runtime.auth import Role

from tests.e2e.test_tickets_harness import TicketsDesk, desk
from tests.support.parks import register_park
from tests.support.services import bearer

__all__ = ["desk"]


async def test_a_tenant_opens_tickets_only_after_it_was_onboarded(desk: TicketsDesk) -> None:
    before = await desk.open(desk.tenant("acme"))
    assert before.status_code == 404, before.text
    assert before.json()["detail"] == f"park {desk.park} not found"
    acme = await desk.onboard("acme")
    tenant = desk.tenant("acme")
    opened = await desk.open(
        tenant, unit_id=acme.unit_ids[0], building="A", attachments=["files/photo-1.jpg"]
    )
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert (body["state"], body["tenant_id"], body["sla_state"]) == ("open", acme.tenant_id, "on_track")
    events = [
        e for e in await desk.events("ticket-opened", at_least=1) if e["ticket_id"] == body["ticket_id"]
    ]
    assert [{k: e[k] for k in OPENED_FIELDS} for e in events] == [
        {
            "park_id": desk.park,
            "group_id": desk.group,
            "tenant_id": acme.tenant_id,
            "category": "repair",
            "priority": "normal",
            "building": "A",
            "unit_id": acme.unit_ids[0],
            "title": "door jammed",
        }
    ]


OPENED_FIELDS = ("park_id", "group_id", "tenant_id", "category", "priority", "building", "unit_id", "title")


async def test_bad_input_is_refused(desk: TicketsDesk) -> None:
    await desk.onboard("bad-input")
    tenant = desk.tenant("bad-input")
    unknown = await desk.open(tenant, category="plumbing", priority="urgent")
    assert unknown.status_code == 422
    assert "repair, cleaning, security, it, meeting_room, complaint" in unknown.json()["detail"]
    assert unknown.json()["errors"][0]["field"] == "category"
    priority = await desk.open(tenant, priority="urgent")
    assert "emergency, high, normal, low" in priority.json()["detail"]
    other_park = f"{desk.park}-2"
    await register_park(desk.leasing, desk.group, other_park)
    other_park_unit = await desk.list_unit(park=other_park)
    staff_unit = await desk.list_unit()
    for who in (tenant, desk.operator()):
        refused = await desk.open(who, unit_id=other_park_unit)
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == ["unit_id"]
    # a unit listed in this park is fine for staff once the UnitListed event is consumed
    for _ in range(100):
        staff = await desk.open(desk.operator(), unit_id=staff_unit)
        if staff.status_code != 422:
            break
        await asyncio.sleep(0.1)
    assert staff.status_code == 201, staff.text


async def test_lifecycle_with_billable_work_rating_and_events(desk: TicketsDesk) -> None:
    await desk.onboard("beta")
    tenant, staff = desk.tenant("beta"), desk.operator()
    ticket = (await desk.open(tenant, title="broken window")).json()["ticket_id"]
    url = f"/tickets/{ticket}"
    c = desk.client
    early = await c.post(f"{url}/rating", headers=tenant, json={"score": 5})
    assert early.status_code == 409
    assert "it is open" in early.json()["detail"]
    assert (await c.post(f"{url}/acknowledge", headers=tenant)).status_code == 403
    assert (await c.post(f"{url}/acknowledge", headers=staff)).status_code == 200
    assert (await c.post(f"{url}/acknowledge", headers=staff)).status_code == 409
    assigned = await c.post(f"{url}/assign", headers=staff, json={"team": "glazing", "technician": "wu"})
    assert assigned.json()["technician"] == "wu"
    assert (await c.post(f"{url}/start", headers=staff)).json()["state"] == "in_progress"
    work = {
        "labour": [{"technician": "wu", "hours": "2", "hourly_rate": "90"}],
        "materials": [{"item": "pane", "quantity": "1", "unit_price": "240.50"}],
    }
    assert (await c.post(f"{url}/work", headers=staff, json=work)).status_code == 200
    resolved = await c.post(f"{url}/resolve", headers=staff, json={"billable": True})
    assert resolved.json()["billable_amount"] == "420.50"
    assert (await c.post(f"{url}/rating", headers=tenant, json={"score": 7})).status_code == 422
    rated = await c.post(f"{url}/rating", headers=tenant, json={"score": 4, "comment": "ok"})
    assert rated.json()["state"] == "closed"
    twice = await c.post(f"{url}/rating", headers=tenant, json={"score": 5})
    assert twice.status_code == 409
    reopened = await c.post(f"{url}/reopen", headers=tenant, json={"reason": "cracked again"})
    assert (reopened.json()["state"], reopened.json()["reopen_count"]) == ("in_progress", 1)

    resolved_events = [e for e in await desk.events("ticket-resolved", 1) if e["ticket_id"] == ticket]
    assert len(resolved_events) == 1
    assert Decimal(resolved_events[0]["billable_amount"]) == Decimal("420.50")
    assert resolved_events[0]["response_outcome"] == resolved_events[0]["resolution_outcome"] == "met"
    assert [e["score"] for e in await desk.events("ticket-rated", 1) if e["ticket_id"] == ticket] == [4]
    reopens = await desk.events("ticket-reopened", 1)
    assert [e["reopen_count"] for e in reopens if e["ticket_id"] == ticket] == [1]


async def test_resolving_an_unacknowledged_ticket_is_one_recorded_step(desk: TicketsDesk) -> None:
    staff = desk.operator()
    ticket = (await desk.open(staff, category="it", title="wifi down")).json()["ticket_id"]
    plain = await desk.client.post(f"/tickets/{ticket}/resolve", headers=staff, json={})
    assert plain.status_code == 409
    assert "it is open" in plain.json()["detail"]
    both = await desk.client.post(f"/tickets/{ticket}/resolve", headers=staff, json={"acknowledge": True})
    assert both.status_code == 200, both.text
    assert both.json()["acknowledged_at"] == both.json()["resolved_at"]
    resolved = [e for e in await desk.events("ticket-resolved", 1) if e["ticket_id"] == ticket]
    assert [e["acknowledged_in_same_step"] for e in resolved] == [True]
    acks = [e for e in await desk.events("ticket-acknowledged", 1) if e["ticket_id"] == ticket]
    assert len(acks) == 1


async def test_one_idempotency_key_has_one_effect(desk: TicketsDesk) -> None:
    await desk.onboard("gamma")
    tenant, staff = desk.tenant("gamma"), desk.operator()
    key = {"Idempotency-Key": "open-once-123"}
    first, second = await asyncio.gather(
        desk.open(tenant | key, title="noise"), desk.open(tenant | key, title="noise")
    )
    third = await desk.open(tenant | key, title="noise")
    other = await desk.open(tenant | key, title="another request")
    assert other.status_code == 409
    assert "open-once-123" in other.json()["detail"]
    ids = {r.json()["ticket_id"] for r in (first, second, third)}
    assert len(ids) == 1
    assert {r.status_code for r in (first, second, third)} == {201}
    (ticket,) = ids
    ack = staff | {"Idempotency-Key": "ack-1"}
    responses = [await desk.client.post(f"/tickets/{ticket}/acknowledge", headers=ack) for _ in range(2)]
    assert [r.status_code for r in responses] == [200, 200]
    opened = [e for e in await desk.events("ticket-opened", 1) if e["ticket_id"] == ticket]
    acknowledged = [e for e in await desk.events("ticket-acknowledged", 1) if e["ticket_id"] == ticket]
    assert (len(opened), len(acknowledged)) == (1, 1)


async def test_tenants_and_operators_see_only_their_own_tickets(desk: TicketsDesk) -> None:
    await desk.onboard("delta")
    await desk.onboard("epsilon")
    ticket = (await desk.open(desk.tenant("delta"))).json()["ticket_id"]
    url = f"/tickets/{ticket}"
    missing = await desk.client.get("/tickets/no-such-ticket", headers=desk.operator())
    assert (await desk.client.get(url, headers=desk.tenant("delta"))).status_code == 200
    other_park = desk.operator(park="another-park")
    other_group = bearer(Role.GROUP_ADMIN, "another-group")
    for who in (desk.tenant("epsilon"), other_park, other_group):
        for response in (
            await desk.client.get(url, headers=who),
            await desk.client.post(f"{url}/acknowledge", headers=who),
        ):
            assert response.status_code == 404, response.text
            assert response.json() == missing.json() | {"detail": f"ticket {ticket} not found"}
    mine = await desk.client.get("/tickets", headers=desk.tenant("epsilon"))
    assert ticket not in {t["ticket_id"] for t in mine.json()}
    assert ticket in {
        t["ticket_id"] for t in (await desk.client.get("/tickets", headers=desk.tenant("delta"))).json()
    }


async def test_a_redelivered_tenant_onboarded_has_one_effect(desk: TicketsDesk) -> None:
    from tests.support.events import tenant_onboarded

    event = tenant_onboarded("zeta", ["u-z"], "100", park_id=desk.park, group_id=desk.group)
    await desk.publish(event, event_id="same-id")
    await desk.publish(event, event_id="same-id")
    await desk.onboard("zeta-sentinel")
    facts = await desk.app.state.access.inbox.collection.find({}).to_list(None)
    data = [json.loads(f["data"]) if isinstance(f["data"], str) else f["data"] for f in facts]
    assert [d.get("tenant_id") for d in data].count("zeta") == 1
