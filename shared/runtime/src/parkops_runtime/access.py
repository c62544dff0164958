"""One access layer: which park a request may touch, and as whom — the same rule in every service.

Routes take one of the dependencies below instead of checking scope themselves:

- `ParkScope` for `/parks/{park_id}/...`: the park must be known to the service's directory, owned by the
  token's group and named by the token (group admins and auditors reach every park of their group); a
  tenant user's tenant must be a tenant of that park. Anything else is 404, worded exactly as for a park
  that does not exist, on reads, writes and actions alike — so no service creates state for a park it
  does not know and nothing tells whether a park exists in another group.
- `park_roles(...)` on top of it for actions: 403 when the caller sees the park but its role may not act.
- `GroupScope` for `/groups/{group_id}/...`: the token's own group, for group-wide roles.

What each role sees *of* a resource (fields, other tenants' objects) is said per service, in its
`access` module, with `ParkAccess.visible`, `own` and `require_own` for tenant-owned objects."""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from parkops_kernel.errors import Forbidden, NotFound

from parkops_runtime.auth import CurrentPrincipal, Principal, Role
from parkops_runtime.directory import Directory, ParkEntry

Owned = TypeVar("Owned")


@dataclass(frozen=True)
class ParkAccess:
    who: Principal
    park: ParkEntry

    @property
    def park_id(self) -> str:
        return self.park.park_id

    @property
    def group_id(self) -> str:
        return self.park.group_id

    @property
    def role(self) -> Role:
        return self.who.role

    @property
    def tenant_id(self) -> str | None:
        """The enterprise a tenant user acts for; None for staff and auditors."""
        return self.who.tenant_id if self.who.role is Role.TENANT_USER else None

    @property
    def is_tenant(self) -> bool:
        return self.who.role is Role.TENANT_USER

    def require(self, *roles: Role) -> None:
        """403: the caller sees the park, its role may not do this."""
        self.who.require_role(*roles)

    def sees_tenant(self, tenant_id: str | None) -> bool:
        """Staff and auditors see every tenant of the park; a tenant user only itself."""
        return not self.is_tenant or tenant_id == self.who.tenant_id

    def require_own(self, tenant_id: str | None, what: str) -> None:
        """404 for a tenant user reaching another enterprise's object, as if it did not exist."""
        if not self.sees_tenant(tenant_id):
            raise NotFound(f"{what} not found")

    def visible(self, items: Iterable[Owned], owner: Callable[[Owned], str | None]) -> list[Owned]:
        """The tenant-owned objects the caller sees: all for staff and auditors, a tenant user its own."""
        return [item for item in items if self.sees_tenant(owner(item))]

    def own(self, item: Owned, owner: Callable[[Owned], str | None], what: str) -> Owned:
        """`item` when the caller sees it; `require_own`'s 404 for another enterprise's."""
        self.require_own(owner(item), what)
        return item


def park_not_found(park_id: str) -> NotFound:
    return NotFound(f"park {park_id} not found")


async def resolve_park(directory: Directory, who: Principal, park_id: str) -> ParkAccess:
    """The caller's access to a park, or the same 404 as for a park that does not exist."""
    if not who.may_name_park(park_id):
        raise park_not_found(park_id)
    park = await directory.park(park_id)
    if park is None or park.group_id != who.group_id:
        raise park_not_found(park_id)
    if who.role is Role.TENANT_USER:
        tenant = await directory.tenant(park_id, str(who.tenant_id))
        if tenant is None or tenant.group_id != who.group_id:
            raise park_not_found(park_id)
    return ParkAccess(who, park)


async def park_access(
    request: Request, who: CurrentPrincipal, park_id: Annotated[str, Path(max_length=200)]
) -> ParkAccess:
    directory: Directory = request.app.state.directory
    return await resolve_park(directory, who, park_id)


ParkScope = Annotated[ParkAccess, Depends(park_access)]


def park_roles(*roles: Role) -> Callable[[ParkAccess], Awaitable[ParkAccess]]:
    """A dependency: the park in scope (else 404), then the role allowed to act (else 403)."""

    async def allowed(access: ParkScope) -> ParkAccess:
        access.require(*roles)
        return access

    return allowed


def tenant_roles(*roles: Role) -> Callable[[ParkAccess, str], Awaitable[ParkAccess]]:
    """A dependency for `/parks/{park_id}/tenants/{tenant_id}/...`: the park in scope (else 404), a
    tenant user only for its own enterprise (another one is 404, as if missing), then the role (403)."""

    async def allowed(access: ParkScope, tenant_id: Annotated[str, Path(max_length=200)]) -> ParkAccess:
        access.require_own(tenant_id, f"tenant {tenant_id}")
        access.require(*roles)
        return access

    return allowed


StaffScope = Annotated[ParkAccess, Depends(park_roles(Role.GROUP_ADMIN, Role.PARK_OPERATOR))]
AdminScope = Annotated[ParkAccess, Depends(park_roles(Role.GROUP_ADMIN))]
FiguresScope = Annotated[ParkAccess, Depends(park_roles(Role.GROUP_ADMIN, Role.PARK_OPERATOR, Role.AUDITOR))]
"""Park-wide figures and books (occupancy, scorecards, ledgers, rent roll): staff and auditors; a tenant
user sees its own enterprise, never the park's figures (403)."""


@dataclass(frozen=True)
class GroupAccess:
    who: Principal

    @property
    def group_id(self) -> str:
        return self.who.group_id


async def group_access(who: CurrentPrincipal, group_id: Annotated[str, Path(max_length=200)]) -> GroupAccess:
    """Another group is 404; a park operator or tenant of the group sees only its parks: 403."""
    if group_id != who.group_id:
        raise NotFound(f"group {group_id} not found")
    if not who.group_wide:
        raise Forbidden(f"role {who.role.value} sees single parks, not the group")
    return GroupAccess(who)


GroupScope = Annotated[GroupAccess, Depends(group_access)]


async def group_admin_access(access: GroupScope) -> GroupAccess:
    """The group in scope (else 404), then a group admin's action (an auditor's is 403)."""
    access.who.require_role(Role.GROUP_ADMIN)
    return access


GroupAdminScope = Annotated[GroupAccess, Depends(group_admin_access)]
