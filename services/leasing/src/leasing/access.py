"""What each role sees of leasing's resources and may do to them.

Which park a request reaches is decided by `parkops_runtime.access` (a park of another group, one the
token does not name, one where a tenant user's enterprise is no tenant: 404 as if missing). Inside a
park in scope, this module decides the rest; routes only pick a dependency and call these functions.

- park list: a group admin and an auditor get every park of their group, a park operator the parks its
  token names, a tenant user those of them where its enterprise is a tenant, without the tenant count;
- park, units, availability: everyone in scope; a tenant user sees the public listing, with no unit's
  occupant but itself;
- tenants, leases, expiring leases: staff and auditors all of the park; a tenant user its own, and
  another enterprise's is 404, worded as for a missing one;
- quote: for any tenant; a tenant user only for itself (another tenant 404);
- rent roll, occupancy, vacancy, pricing policy, commitments: staff and auditors; a tenant user 403
  (park-wide figures and the park's books);
- writes (units, tenants, leases, commitments, renovations): staff; pricing policy and park
  registration: group admins; anyone else 403;
- tenant metrics: staff for any tenant, a tenant user for itself (another 404), an auditor 403.
"""

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends
from parkops_runtime.access import AdminScope, FiguresScope, ParkAccess, ParkScope, StaffScope, tenant_roles
from parkops_runtime.auth import STAFF, CurrentPrincipal, Principal, Role

from leasing.domain.lease import Lease
from leasing.domain.park import Park, Tenant

__all__ = [
    "AdminScope",
    "FiguresScope",
    "GroupAdmin",
    "MetricsScope",
    "ParkScope",
    "StaffScope",
    "act_for_tenant",
    "lease_seen",
    "leases_seen",
    "occupant_seen",
    "parks_seen",
    "tenant_count_seen",
    "tenant_seen",
    "tenants_seen",
]


async def _group_admin(who: CurrentPrincipal) -> Principal:
    who.require_role(Role.GROUP_ADMIN)
    return who


GroupAdmin = Annotated[Principal, Depends(_group_admin)]
"""Registering a park: a group admin, for its own group (the token's)."""
MetricsScope = Annotated[ParkAccess, Depends(tenant_roles(*STAFF, Role.TENANT_USER))]
"""Reporting a tenant's yearly figures: staff for any tenant, a tenant user for itself (another 404)."""


def parks_seen(who: Principal, parks: Iterable[Park]) -> list[Park]:
    """The parks of the caller's group it reaches: as `ParkScope` decides for one park, over a list."""
    return [
        park
        for park in parks
        if who.sees_park(park.group_id, park.park_id)
        and (who.role is not Role.TENANT_USER or str(who.tenant_id) in park.tenants)
    ]


def tenant_count_seen(who: Principal, park: Park) -> int | None:
    return None if who.role is Role.TENANT_USER else len(park.tenants)


def occupant_seen(access: ParkAccess, tenant_id: str | None) -> str | None:
    """A unit's occupant: a tenant user learns only whether it is itself, never another enterprise."""
    return tenant_id if access.sees_tenant(tenant_id) else None


def _tenant(owned: Tenant | Lease) -> str:
    return owned.tenant_id


def tenants_seen(access: ParkAccess, park: Park) -> list[Tenant]:
    return access.visible(park.tenants.values(), _tenant)


def act_for_tenant(access: ParkAccess, tenant_id: str) -> None:
    """A tenant user quotes and reports only for itself: another tenant is 404, as if missing."""
    access.require_own(tenant_id, f"tenant {tenant_id}")


def tenant_seen(access: ParkAccess, park: Park, tenant_id: str) -> Tenant:
    act_for_tenant(access, tenant_id)
    return park.tenant(tenant_id)


def leases_seen(access: ParkAccess, leases: Iterable[Lease]) -> list[Lease]:
    return access.visible(leases, _tenant)


def lease_seen(access: ParkAccess, park: Park, lease_id: str) -> Lease:
    return access.own(park.lease(lease_id), _tenant, f"lease {lease_id}")
