"""Tickets keep their idempotency keys (services/tickets/README.md): a repeated open answers the first
ticket, the key with another request is 409, a change's key is kept among the ticket's last 100 — and
all of it in the store, so a restarted service still knows every key."""

from decimal import Decimal

from tickets.commands import KEPT_KEYS
from tickets.main import create_app

from tests.e2e.test_tickets_harness import desk_of, leasing_of, tickets_settings
from tests.support.infra import Infra
from tests.support.parks import directory_knows
from tests.support.services import run_id, serving

KEY = {"Idempotency-Key": "open-door-7"}


def work(n: int) -> dict[str, object]:
    return {"labour": [{"technician": f"wu-{n}", "hours": "1", "hourly_rate": "1.00"}]}


async def test_keys_answer_the_first_result_and_survive_a_restart(infra: Infra) -> None:
    run = run_id()
    async with leasing_of(infra, run) as leasing:
        before = create_app(tickets_settings(infra, run))
        async with serving(before) as client:
            desk = await desk_of(before, client, leasing, infra, run)
            await desk.onboard("acme")
            tenant, staff = desk.tenant("acme"), desk.operator()
            first = await desk.open(tenant | KEY, title="door jammed")
            assert first.status_code == 201, first.text
            ticket = first.json()["ticket_id"]
            again = await desk.open(tenant | KEY, title="door jammed")
            assert (again.status_code, again.json()) == (201, first.json())
            assert (await desk.open(tenant | KEY, title="window broken")).status_code == 409
            by_staff = await desk.open(staff | KEY, title="door jammed")  # a key is its caller's own
            assert by_staff.status_code == 201, by_staff.text
            assert by_staff.json()["ticket_id"] != ticket
            for n in range(KEPT_KEYS):  # as many keyed changes as a ticket keeps keys of
                answer = await client.post(
                    f"/tickets/{ticket}/work", headers=staff | {"Idempotency-Key": f"work-{n}"}, json=work(n)
                )
                assert answer.status_code == 200, answer.text

        after = create_app(tickets_settings(infra, run))
        async with serving(after) as client:  # the same store and topics, nothing in memory
            tenants, desk = desk.tenants, await desk_of(after, client, leasing, infra, run)
            desk.tenants = tenants
            await directory_knows(after, desk.park, desk.tenant_id("acme"))
            again = await desk.open(tenant | KEY, title="door jammed")
            assert again.status_code == 201, again.text
            assert again.json()["ticket_id"] == ticket
            other = await desk.open(tenant | KEY, title="window broken")
            assert other.status_code == 409, other.text
            assert "open-door-7" in other.json()["detail"]
            for n in (0, KEPT_KEYS // 2, KEPT_KEYS - 1):  # the oldest kept key, one between, the newest
                answer = await client.post(
                    f"/tickets/{ticket}/work", headers=staff | {"Idempotency-Key": f"work-{n}"}, json=work(n)
                )
                assert answer.status_code == 200, answer.text
            resolved = await client.post(
                f"/tickets/{ticket}/resolve", headers=staff, json={"billable": True, "acknowledge": True}
            )
            assert resolved.status_code == 200, resolved.text
            assert Decimal(resolved.json()["billable_amount"]) == KEPT_KEYS, "each keyed change counted once"
            opened = [e for e in await desk.events("ticket-opened", 2) if e["ticket_id"] == ticket]
            assert len(opened) == 1
