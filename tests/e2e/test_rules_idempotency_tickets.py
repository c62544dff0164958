"""The one idempotency rule (`parkops_runtime.request_keys`) on the tickets service, over the real
broker and store: a keyed create or action sent again answers its first answer with the same status and
publishes nothing more; the key with another request is 409 naming the key; a key is scoped to what it
changes (a ticket, a park's SLA) and, for an open, to the caller's group, park and tenant, so one
caller's key never meets another's. Keys are kept in the store with the change: a restarted service
still knows them."""

from typing import Any

import httpx
from parkops_runtime.auth import Role
from tickets.main import create_app

from tests.e2e.test_tickets_harness import TicketsDesk, desk, desk_of, leasing_of, tickets_settings
from tests.support.infra import Infra
from tests.support.parks import directory_knows, register_park
from tests.support.services import bearer, run_id, serving

__all__ = ["desk"]

DOOR = {"category": "repair", "priority": "high", "title": "door jammed"}


def keyed(who: dict[str, str], key: str) -> dict[str, str]:
    return who | {"Idempotency-Key": key}


async def published(desk: TicketsDesk, name: str, ticket_id: str, at_least: int = 1) -> int:
    """How many events of a kind the topic holds for one ticket (copies included)."""
    return len([e for e in await desk.events(name, at_least) if e["ticket_id"] == ticket_id])


async def act(client: httpx.AsyncClient, who: dict[str, str], path: str, body: Any = None) -> httpx.Response:
    return await client.post(path, headers=who, json=body)


async def test_a_keyed_open_answers_its_first_answer_even_after_a_restart(infra: Infra) -> None:
    run = run_id()
    async with leasing_of(infra, run) as leasing:
        before = create_app(tickets_settings(infra, run))
        async with serving(before) as client:
            desk = await desk_of(before, client, leasing, infra, run)
            await desk.onboard("acme")
            tenant, staff = desk.tenant("acme"), desk.operator()
            first = await desk.open(keyed(tenant, "open-door-7"), **DOOR)
            assert first.status_code == 201, first.text
            ticket = first.json()["ticket_id"]
            again = await desk.open(keyed(tenant, "open-door-7"), **DOOR)
            assert (again.status_code, again.json()) == (201, first.json())
            other = await desk.open(keyed(tenant, "open-door-7"), **DOOR | {"title": "window broken"})
            assert other.status_code == 409, other.text
            assert "open-door-7" in other.json()["detail"]
            by_staff = await desk.open(keyed(staff, "open-door-7"), **DOOR)  # a key is its caller's own
            assert by_staff.status_code == 201, by_staff.text
            assert by_staff.json()["ticket_id"] != ticket
            assert await published(desk, "ticket-opened", ticket, 2) == 1

        after = create_app(tickets_settings(infra, run))
        async with serving(after) as client:  # the same store and topics, nothing in memory
            tenants, desk = desk.tenants, await desk_of(after, client, leasing, infra, run)
            desk.tenants = tenants
            await directory_knows(after, desk.park, desk.tenant_id("acme"))
            again = await desk.open(keyed(tenant, "open-door-7"), **DOOR)
            assert (again.status_code, again.json()) == (201, first.json())
            other = await desk.open(keyed(tenant, "open-door-7"), **DOOR | {"title": "window broken"})
            assert other.status_code == 409, other.text
            assert await published(desk, "ticket-opened", ticket, 2) == 1


async def test_a_keyed_action_has_one_effect_and_one_event(desk: TicketsDesk) -> None:
    client = desk.client
    staff = desk.operator()
    tickets = [(await desk.open(staff, **DOOR)).json()["ticket_id"] for _ in range(2)]
    path = f"/tickets/{tickets[0]}"
    first = await act(client, keyed(staff, "ack-1"), f"{path}/acknowledge")
    assert first.status_code == 200, first.text
    again = await act(client, keyed(staff, "ack-1"), f"{path}/acknowledge")
    assert (again.status_code, again.json()) == (200, first.json())
    assigned = await act(client, keyed(staff, "as-1"), f"{path}/assign", {"team": "plumbing"})
    assert assigned.status_code == 200, assigned.text
    again = await act(client, keyed(staff, "as-1"), f"{path}/assign", {"team": "plumbing"})
    assert (again.status_code, again.json()) == (200, assigned.json())
    other = await act(client, keyed(staff, "as-1"), f"{path}/assign", {"team": "electrics"})
    assert other.status_code == 409, other.text
    assert "as-1" in other.json()["detail"]
    assert (await act(client, keyed(staff, "as-1"), f"{path}/close")).status_code == 409
    elsewhere = await act(
        client, keyed(staff, "as-1"), f"/tickets/{tickets[1]}/assign", {"team": "electrics"}
    )
    assert (elsewhere.status_code, elsewhere.json()["team"]) == (200, "electrics"), "a key is its ticket's"
    assert await published(desk, "ticket-acknowledged", tickets[0]) == 1
    assert await published(desk, "ticket-assigned", tickets[0], 2) == 1
    assert (await client.get(path, headers=staff)).json()["team"] == "plumbing"


async def test_open_keys_of_one_park_or_group_do_not_meet_anothers(desk: TicketsDesk) -> None:
    app, leasing = desk.app, desk.leasing
    second_park, other_group, third_park = f"{desk.park}-2", f"{desk.group}-other", f"{desk.park}-3"
    await register_park(leasing, desk.group, second_park)
    await register_park(leasing, other_group, third_park)
    for park in (second_park, third_park):
        await directory_knows(app, park)
    admin, stranger = desk.admin(), bearer(Role.GROUP_ADMIN, other_group)
    opened = [
        await desk.open(keyed(admin, "same-key"), **DOOR),
        await desk.open(keyed(admin, "same-key"), second_park, **DOOR),
        await desk.open(keyed(stranger, "same-key"), third_park, **DOOR),
    ]
    assert [r.status_code for r in opened] == [201, 201, 201], [r.text for r in opened]
    assert len({r.json()["ticket_id"] for r in opened}) == 3
    assert [r.json()["park_id"] for r in opened] == [desk.park, second_park, third_park]


async def test_a_keyed_sla_configuration_replays_and_refuses_another(desk: TicketsDesk) -> None:
    client = desk.client
    path, staff = f"/parks/{desk.park}/sla", desk.operator()
    first = await client.put(path, headers=keyed(staff, "sla-1"), json={"auto_close_days": 3})
    assert first.status_code == 200, first.text
    again = await client.put(path, headers=keyed(staff, "sla-1"), json={"auto_close_days": 3})
    assert (again.status_code, again.json()) == (200, first.json())
    other = await client.put(path, headers=keyed(staff, "sla-1"), json={"auto_close_days": 9})
    assert other.status_code == 409, other.text
    assert (await client.get(path, headers=staff)).json()["auto_close_days"] == 3


async def test_sla_settings_stored_before_they_were_versioned_still_load_and_change(infra: Infra) -> None:
    run = run_id()
    app = create_app(tickets_settings(infra, run))
    async with leasing_of(infra, run) as leasing:
        park, group = f"park-{run}", f"group-{run}"
        old = {"_id": park, "park_id": park, "group_id": group, "overrides": [], "auto_close_days": 4}
        await app.state.runtime.database["park_sla"].insert_one(old | {"business_hours_categories": []})
        async with serving(app) as client:
            desk = await desk_of(app, client, leasing, infra, run)
            path, staff = f"/parks/{desk.park}/sla", desk.operator()
            assert (await client.get(path, headers=staff)).json()["auto_close_days"] == 4
            changed = await client.put(path, headers=keyed(staff, "sla-2"), json={"auto_close_days": 5})
            assert (changed.status_code, changed.json()["auto_close_days"]) == (200, 5), changed.text
