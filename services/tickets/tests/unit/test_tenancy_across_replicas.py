"""Replicas of tickets share one inbox (the store) but one consumer group: a leasing event reaches the
memory of one replica only. The consumer bumps the park's count of changes; a replica whose count is
behind reads the park's facts again before opening a ticket there, so what another replica consumed
counts on every replica."""

from collections import Counter
from collections.abc import Iterable
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


class MemoryChanges:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    async def bump(self, park_ids: Iterable[str]) -> None:
        self.counts.update(set(park_ids))

    async def of(self, park_id: str) -> int:
        return self.counts[park_id]

    async def all(self) -> dict[str, int]:
        return dict(self.counts)


async def test_a_replica_refuses_a_tenant_that_left_when_another_consumed_the_termination() -> None:
    inbox, changes = MemoryInbox(), MemoryChanges()
    consumer, other = (TenantAccess(inbox, Parks(), changes) for _ in range(2))  # type: ignore[arg-type]
    await other.reload()  # started before anything was consumed
    await consumer.record([delivery(tenant_onboarded("acme", ["u1"], "100"), "onboarded")])
    for replica in (consumer, other):
        assert await replica.opener(staff(), ASKED, AFTER) == "acme"
    await consumer.record([delivery(LEFT, "terminated")])
    for replica in (consumer, other):
        with pytest.raises(Forbidden, match="no new tickets"):
            await replica.opener(staff(), ASKED, AFTER)


async def test_a_redelivery_bumps_the_count_too() -> None:
    """A crash may come between storing the fact and bumping its park's count: the redelivery bumps it."""
    inbox, changes = MemoryInbox(), MemoryChanges()
    consumer = TenantAccess(inbox, Parks(), changes)  # type: ignore[arg-type]
    onboarded = delivery(tenant_onboarded("acme", ["u1"], "100"), "onboarded")
    await inbox.record([onboarded])  # stored, then the crash
    await consumer.record([onboarded])
    assert changes.counts == {"p1": 1}
