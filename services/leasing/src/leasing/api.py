"""HTTP routes of the leasing service: schemas in, use case, schemas out. No business rules here;
who sees what is `leasing.access`."""

from fastapi import APIRouter, status
from parkops_runtime.access import ParkAccess
from parkops_runtime.auth import CurrentPrincipal, Principal

from leasing import access
from leasing.access import GroupAdmin, ParkScope, StaffScope
from leasing.domain.park import EnterpriseProfile, Park, Tenant, Unit, UnitStatus
from leasing.domain.queries import unit_status
from leasing.schemas import (
    IdempotencyKey,
    ParkCreate,
    ParkPublic,
    PathId,
    TenantCreate,
    TenantPublic,
    UnitCreate,
    UnitPublic,
)
from leasing.service import LeasingService


def park_public(who: Principal, park: Park) -> ParkPublic:
    return ParkPublic(
        park_id=park.park_id,
        group_id=park.group_id,
        name=park.name,
        park_type=park.park_type,
        leading_industries=park.leading_industries,
        unit_count=len(park.units),
        tenant_count=access.tenant_count_seen(who, park),
    )


def unit_public(scope: ParkAccess, unit: Unit, status: UnitStatus | None = None) -> UnitPublic:
    return UnitPublic.model_validate(
        {
            **unit.model_dump(),
            "park_id": scope.park_id,
            "status": status or unit.status,
            "tenant_id": access.occupant_seen(scope, unit.tenant_id),
        }
    )


def tenant_public(park_id: str, tenant: Tenant) -> TenantPublic:
    return TenantPublic(park_id=park_id, **tenant.model_dump(exclude={"metrics"}))


def build_park_router(leasing: LeasingService) -> APIRouter:
    """Parks: registration (group admins) and reading."""
    router = APIRouter(tags=["leasing"])

    @router.post("/parks", status_code=status.HTTP_201_CREATED)
    async def register_park(
        body: ParkCreate, who: GroupAdmin, idempotency_key: IdempotencyKey = None
    ) -> ParkPublic:
        """A retry with its `Idempotency-Key` answers the park first registered, 201 again."""
        park = await leasing.register_park(
            who.group_id, body.name, body.park_type, body.leading_industries, body.park_id, idempotency_key
        )
        return park_public(who, park)

    @router.get("/parks")
    async def list_parks(who: CurrentPrincipal) -> list[ParkPublic]:
        parks = access.parks_seen(who, await leasing.parks(who.group_id))
        return [park_public(who, p) for p in parks]

    @router.get("/parks/{park_id}")
    async def get_park(scope: ParkScope) -> ParkPublic:
        return park_public(scope.who, await leasing.park(scope))

    return router


def build_space_router(leasing: LeasingService) -> APIRouter:
    """A park's units and the tenants onboarded into them."""
    router = APIRouter(tags=["leasing"])

    @router.post("/parks/{park_id}/units", status_code=status.HTTP_201_CREATED)
    async def list_unit(
        body: UnitCreate, scope: StaffScope, idempotency_key: IdempotencyKey = None
    ) -> UnitPublic:
        """A retry with its `Idempotency-Key` answers the unit first listed, 201 again."""
        unit = await leasing.list_unit(
            scope, body.building, body.floor, body.unit_number, body.unit_type, body.area_m2, idempotency_key
        )
        return unit_public(scope, unit)

    @router.get("/parks/{park_id}/units")
    async def list_units(scope: ParkScope) -> list[UnitPublic]:
        park, today = await leasing.park(scope), leasing.now().date()
        return [unit_public(scope, u, unit_status(park, u, today)) for u in park.units.values()]

    @router.post("/parks/{park_id}/tenants", status_code=status.HTTP_201_CREATED)
    async def onboard_tenant(
        body: TenantCreate, scope: StaffScope, idempotency_key: IdempotencyKey = None
    ) -> TenantPublic:
        """A retry with its `Idempotency-Key` answers the tenant first onboarded, 201 again."""
        profile = EnterpriseProfile.model_validate(body.model_dump(exclude={"unit_ids"}))
        tenant = await leasing.onboard_tenant(scope, profile, body.unit_ids, idempotency_key)
        return tenant_public(scope.park_id, tenant)

    @router.get("/parks/{park_id}/tenants")
    async def list_tenants(scope: ParkScope) -> list[TenantPublic]:
        park = await leasing.park(scope)
        return [tenant_public(scope.park_id, t) for t in access.tenants_seen(scope, park)]

    @router.get("/parks/{park_id}/tenants/{tenant_id}")
    async def get_tenant(tenant_id: PathId, scope: ParkScope) -> TenantPublic:
        tenant = access.tenant_seen(scope, await leasing.park(scope), tenant_id)
        return tenant_public(scope.park_id, tenant)

    return router
