"""Tenancy: who is a tenant of a park on a day, and the claim that keeps a credit code a tenant of one
park of a group at a time.

A tenant has *left* a park on a day when it has leases there and every one of them ended before that day
(ran out or was terminated). A tenant without any lease yet has not left: it was onboarded and waits
for its lease."""

from collections.abc import Iterable
from datetime import date, datetime

from parkops_contracts.base import Event
from parkops_kernel.errors import Conflict
from parkops_kernel.recording import RecordsEvents

from leasing.domain.lease import Lease
from leasing.domain.tenants import Tenant


def has_left(tenant_id: str, leases: Iterable[Lease], on: date) -> bool:
    own = [x for x in leases if x.tenant_id == tenant_id]
    return bool(own) and all(x.last_day < on for x in own)


def current_tenant(
    tenants: Iterable[Tenant], leases: Iterable[Lease], credit_code: str, on: date
) -> Tenant | None:
    every = list(leases)
    return next(
        (t for t in tenants if t.credit_code == credit_code and not has_left(t.tenant_id, every, on)), None
    )


class CreditCodeClaim(RecordsEvents[Event]):
    """One per group and credit code: the park (and tenant) the enterprise was last onboarded into.

    Written before the park's onboarding, in its own aggregate (parks are separate aggregates, so no one
    write covers two parks). If the park's write then fails, the claim names a park where the code is no
    tenant: such a claim holds nothing, so a retry (in that park or any other) takes it again."""

    claim_id: str
    group_id: str
    credit_code: str
    park_id: str
    tenant_id: str
    claimed_at: datetime

    def take(
        self, park_id: str, tenant_id: str, looked_at: str | None, holder: Tenant | None, at: datetime
    ) -> None:
        """Claim the code for `tenant_id` in `park_id`. `holder` is the current tenant with this code of
        `looked_at`, the park the claim named when it was read (None: no claim then, no current tenant
        there, or that park is this one, whose own rule keeps a code once per park): another park's
        current tenant is 409 naming credit_code."""
        if self.park_id not in (looked_at, park_id):
            raise Conflict(
                f"credit_code: {self.credit_code} is being onboarded in park {self.park_id} meanwhile; "
                "try again"
            )
        if holder is not None and self.park_id != park_id:
            raise Conflict(
                f"credit_code: {self.credit_code} is already a tenant of park {self.park_id} of this group "
                f"(tenant {holder.tenant_id}); it may be onboarded here once it has left that park"
            )
        self.park_id, self.tenant_id, self.claimed_at = park_id, tenant_id, at
