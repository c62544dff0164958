"""Replicas of tickets share one inbox (the store) but one consumer group: a leasing event reaches the
memory of one replica only. Each reads a park's facts again before opening a ticket there, so what
another replica consumed counts here too, at most `reload_every` seconds late."""

from datetime import date

import pytest
from parkops_kernel.errors import Forbidden
from tickets.access import TenantAccess
from tickets.domain.commands import OpenTicket

from tests.support.events import tenant_onboarded

from .service_fixtures import MemoryInbox, Parks, delivery, staff
from .test_directory import terminated

# acme: a tenant the park directory (`Parks`) knows
ASKED = OpenTicket(category="repair", priority="normal", title="door", tenant_id="acme")
AFTER = date(2026, 7, 1)
LEFT = terminated(["u1"], date(2026, 6, 30)).model_copy(update={"tenant_id": "acme"})


async def replicas(reload_every: float) -> tuple[TenantAccess, TenantAccess]:
    inbox = MemoryInbox()
    consumer, other = (TenantAccess(inbox, Parks(), reload_every) for _ in range(2))  # type: ignore[arg-type]
    await consumer.record([delivery(tenant_onboarded("acme", ["u1"], "100"), "onboarded")])
    return consumer, other


async def test_a_replica_refuses_a_tenant_that_left_when_another_consumed_the_termination() -> None:
    consumer, other = await replicas(reload_every=0)
    for replica in (consumer, other):
        assert await replica.opener(staff(), ASKED, AFTER) == "acme"
    await consumer.record([delivery(LEFT, "terminated")])
    for replica in (consumer, other):
        with pytest.raises(Forbidden, match="no new tickets"):
            await replica.opener(staff(), ASKED, AFTER)


async def test_within_reload_every_a_replica_answers_from_memory() -> None:
    consumer, other = await replicas(reload_every=3600)
    assert await other.opener(staff(), ASKED, AFTER) == "acme"  # its first look reads the park's facts
    await consumer.record([delivery(LEFT, "terminated")])
    assert await other.opener(staff(), ASKED, AFTER) == "acme"  # the bounded lag
    with pytest.raises(Forbidden):
        await consumer.opener(staff(), ASKED, AFTER)
