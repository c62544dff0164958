"""Who sees a ticket: out of scope reads exactly as missing; a role that sees it but may not act, 403."""

from datetime import UTC, datetime

import pytest
from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.auth import Principal, Role
from parkops_runtime.directory import ParkEntry, TenantEntry
from tickets.access import tenant_for_new_ticket, ticket_park

from .factory import new_ticket


class Parks:
    """p1 of g1 with tenants tenant-1 and tenant-2."""

    async def park(self, park_id: str) -> ParkEntry | None:
        return ParkEntry("p1", "g1", "Park 1", datetime(2026, 1, 1, tzinfo=UTC)) if park_id == "p1" else None

    async def tenant(self, park_id: str, tenant_id: str) -> TenantEntry | None:
        known = park_id == "p1" and tenant_id in ("tenant-1", "tenant-2")
        return TenantEntry(park_id, tenant_id, "g1", tenant_id) if known else None


def who(
    role: Role, group: str = "g1", parks: tuple[str, ...] = ("p1",), tenant: str | None = None
) -> Principal:
    return Principal("u1", role, group, frozenset(parks), tenant)


@pytest.mark.parametrize(
    "caller",
    [
        who(Role.GROUP_ADMIN, group="g2"),
        who(Role.PARK_OPERATOR, parks=("p2",)),
        who(Role.TENANT_USER, tenant="tenant-2"),
        who(Role.TENANT_USER, tenant="tenant-9"),
    ],
)
async def test_a_ticket_out_of_scope_is_missing(caller: Principal) -> None:
    with pytest.raises(NotFound, match=r"^ticket t1 not found$"):
        await ticket_park(Parks(), caller, new_ticket(tenant_id="tenant-1"))


async def test_staff_auditors_and_the_owner_see_it() -> None:
    ticket = new_ticket(tenant_id="tenant-1")
    for caller in (
        who(Role.GROUP_ADMIN, parks=()),
        who(Role.AUDITOR),
        who(Role.TENANT_USER, tenant="tenant-1"),
    ):
        assert (await ticket_park(Parks(), caller, ticket)).park_id == "p1"
    with pytest.raises(NotFound):  # a staff ticket is no tenant's
        await ticket_park(Parks(), who(Role.TENANT_USER, tenant="tenant-1"), new_ticket(tenant_id=None))


async def test_whom_a_new_ticket_is_for() -> None:
    owner = await ticket_park(Parks(), who(Role.TENANT_USER, tenant="tenant-1"), new_ticket())
    assert tenant_for_new_ticket(owner, None) == tenant_for_new_ticket(owner, "tenant-1") == "tenant-1"
    with pytest.raises(Unprocessable) as other:
        tenant_for_new_ticket(owner, "tenant-2")
    assert other.value.field == "tenant_id"
    operator = await ticket_park(Parks(), who(Role.PARK_OPERATOR), new_ticket())
    assert tenant_for_new_ticket(operator, "tenant-2") == "tenant-2"
