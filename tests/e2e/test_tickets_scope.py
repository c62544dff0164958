"""Tickets answer only for parks the directory gives the caller: another group's park, a park tickets
never heard of and another tenant's ticket are all 404 exactly like something missing, and nothing is
stored for them; bad input is a 422 naming the field, and nothing is stored either."""

import json
from typing import Any

import httpx
from parkops_runtime.auth import Role

from tests.e2e.test_tickets_harness import TicketsDesk, desk
from tests.support.services import bearer

__all__ = ["desk"]

TICKET_ACTIONS: list[tuple[str, dict[str, Any] | None]] = [
    ("acknowledge", None),
    ("start", None),
    ("assign", {"team": "glazing"}),
    ("defer", {"until": "2199-01-01T00:00:00Z", "reason": "parts"}),
    ("work", {"labour": [{"technician": "wu", "hours": "1", "hourly_rate": "90"}]}),
    ("resolve", {"acknowledge": True}),
    ("close", None),
    ("reopen", {"reason": "again"}),
    ("rating", {"score": 5}),
]


async def ticket_routes(client: httpx.AsyncClient, ticket: str, who: dict[str, str]) -> list[httpx.Response]:
    """Every route on one ticket, as `who`."""
    responses = [await client.get(f"/tickets/{ticket}", headers=who)]
    for action, body in TICKET_ACTIONS:
        responses.append(await client.post(f"/tickets/{ticket}/{action}", headers=who, json=body))
    return responses


async def park_routes(client: httpx.AsyncClient, park: str, who: dict[str, str]) -> list[httpx.Response]:
    """Every route under one park, as `who`, with bodies that would be accepted in scope."""
    ticket = {"category": "repair", "priority": "normal", "title": "door jammed"}
    return [
        await client.post(f"/parks/{park}/tickets", headers=who, json=ticket),
        await client.get(f"/parks/{park}/tickets/open", headers=who),
        await client.get(f"/parks/{park}/tickets/times", headers=who),
        await client.get(f"/parks/{park}/tickets/scorecard", headers=who),
        await client.get(f"/parks/{park}/sla", headers=who),
        await client.put(f"/parks/{park}/sla", headers=who, json={"auto_close_days": 3}),
    ]


def assert_missing(found: list[httpx.Response], missing: list[httpx.Response], name: str, as_: str) -> None:
    """Each answer is the 404 of the same route for something that does not exist, word for word."""
    assert len(found) == len(missing)
    for response, absent in zip(found, missing, strict=True):
        assert absent.status_code == 404, absent.text
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == absent.headers["content-type"]
        assert response.json() == json.loads(absent.text.replace(name, as_))


async def stored(desk: TicketsDesk) -> tuple[int, int]:
    """Tickets and SLA settings stored so far."""
    slas = await desk.app.state.runtime.database["park_sla"].count_documents({})
    return len(await desk.app.state.tickets.find({})), slas


async def test_another_groups_admin_finds_nothing_and_creates_nothing(desk: TicketsDesk) -> None:
    await desk.onboard("scope-a")
    opened = await desk.open(desk.tenant("scope-a"))
    assert opened.status_code == 201, opened.text
    ticket = opened.json()["ticket_id"]
    before = await stored(desk)
    intruder = bearer(Role.GROUP_ADMIN, f"other-{desk.group}")

    found = await park_routes(desk.client, desk.park, intruder)
    missing = await park_routes(desk.client, "no-such-park", intruder)
    assert_missing(found, missing, "no-such-park", desk.park)
    assert found[0].json()["detail"] == f"park {desk.park} not found"
    ticket_found = await ticket_routes(desk.client, ticket, intruder)
    ticket_missing = await ticket_routes(desk.client, "no-such-ticket", intruder)
    assert_missing(ticket_found, ticket_missing, "no-such-ticket", ticket)

    assert await stored(desk) == before
    assert (await desk.client.get(f"/tickets/{ticket}", headers=desk.admin())).json()["state"] == "open"


async def test_another_tenant_finds_nothing_where_the_owner_is_refused_staff_work(desk: TicketsDesk) -> None:
    await desk.onboard("owner")
    await desk.onboard("neighbour")
    ticket = (await desk.open(desk.tenant("owner"))).json()["ticket_id"]
    neighbour = desk.tenant("neighbour")
    assert_missing(
        await ticket_routes(desk.client, ticket, neighbour),
        await ticket_routes(desk.client, "no-such-ticket", neighbour),
        "no-such-ticket",
        ticket,
    )

    owner, auditor = desk.tenant("owner"), bearer(Role.AUDITOR, desk.group)
    for who in (owner, auditor):
        assert (await desk.client.get(f"/tickets/{ticket}", headers=who)).status_code == 200
    for action, body in TICKET_ACTIONS:
        staff_only = action not in ("reopen", "rating")
        as_owner = await desk.client.post(f"/tickets/{ticket}/{action}", headers=owner, json=body)
        if staff_only:
            assert as_owner.status_code == 403, (action, as_owner.text)
        as_auditor = await desk.client.post(f"/tickets/{ticket}/{action}", headers=auditor, json=body)
        assert as_auditor.status_code == 403, (action, as_auditor.text)
    assert (await desk.client.get(f"/tickets/{ticket}", headers=owner)).json()["state"] == "open"
    # an auditor opens nothing: 403 before the body is even read
    opened = await desk.client.post(f"/parks/{desk.park}/tickets", headers=auditor, json={})
    assert opened.status_code == 403, opened.text
    park_figures = await desk.client.get(f"/parks/{desk.park}/tickets/open", headers=owner)
    assert park_figures.status_code == 403


async def test_a_park_tickets_does_not_know_has_no_sla_settings(desk: TicketsDesk) -> None:
    before = await stored(desk)
    admin = desk.admin()
    unknown = "never-registered"
    read = await desk.client.get(f"/parks/{unknown}/sla", headers=admin)
    write = await desk.client.put(f"/parks/{unknown}/sla", headers=admin, json={"auto_close_days": 3})
    for response in (read, write):
        assert response.status_code == 404, response.text
        assert response.json()["detail"] == f"park {unknown} not found"
    assert (await desk.client.get(f"/parks/{unknown}/tickets/open", headers=admin)).status_code == 404
    assert await stored(desk) == before


async def test_out_of_bounds_input_is_a_422_naming_the_field_and_stores_nothing(desk: TicketsDesk) -> None:
    await desk.onboard("bounds")
    tenant, staff, c = desk.tenant("bounds"), desk.operator(), desk.client
    before = await stored(desk)

    def refused(response: httpx.Response, field: str, location: str = "body") -> None:
        assert response.status_code == 422, response.text
        assert {"field": field, "location": location} in [
            {k: e[k] for k in ("field", "location")} for e in response.json()["errors"]
        ], response.text

    huge = {
        "category": "it",
        "priority": "low",
        "policy": {"response_seconds": 10**20, "resolution_seconds": 60},
    }
    refused(
        await c.put(f"/parks/{desk.park}/sla", headers=staff, json={"overrides": [huge]}),
        "overrides.0.policy.response_seconds",
    )
    refused(await desk.open(tenant, title="broken\x00door"), "title")
    refused(await desk.open(tenant, title="x" * 201), "title")
    refused(await desk.open(tenant, description="bell\x07"), "description")
    refused(await desk.open(tenant, attachments=[f"files/{i}.jpg" for i in range(10_000)]), "attachments")
    refused(await desk.open(tenant, attachments=["f" * 201]), "attachments.0")
    refused(await desk.open(tenant, unit_id="../etc"), "unit_id")
    refused(
        await c.get(f"/parks/{desk.park}/tickets/times", headers=staff, params={"from": "1800-01-01"}),
        "from",
        "query",
    )
    assert await stored(desk) == before
    assert (await c.get(f"/parks/{desk.park}/sla", headers=staff)).json()["overrides"] == []

    ticket = (await desk.open(tenant)).json()["ticket_id"]
    url = f"/tickets/{ticket}"
    refused(
        await c.post(f"{url}/defer", headers=staff, json={"until": "2300-01-01T00:00:00Z", "reason": "x"}),
        "until",
    )
    work = {"labour": [{"technician": "wu", "hours": "1", "hourly_rate": "1e13"}]}
    refused(await c.post(f"{url}/work", headers=staff, json=work), "labour.0.hourly_rate")
    assert (await c.post(f"{url}/resolve", headers=staff, json={"acknowledge": True})).status_code == 200
    for score in (0, 6, 10**20):
        refused(await c.post(f"{url}/rating", headers=tenant, json={"score": score}), "score")
    after = (await c.get(url, headers=tenant)).json()
    assert (after["rating"], after["deferred_until"], after["billable_amount"]) == (None, None, "0.00")
