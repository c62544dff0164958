"""HTTP routes of the leasing service: schemas in, use case, schemas out. No business rules here."""

from fastapi import APIRouter, status
from parkops_runtime.auth import CurrentPrincipal
from parkops_runtime.errors import NotFound

from leasing.domain.park import EnterpriseProfile, Park, Tenant, Unit, UnitStatus
from leasing.domain.queries import unit_status
from leasing.schemas import ParkCreate, ParkPublic, TenantCreate, TenantPublic, UnitCreate, UnitPublic
from leasing.service import LeasingService


def park_public(park: Park) -> ParkPublic:
    return ParkPublic(
        park_id=park.park_id,
        group_id=park.group_id,
        name=park.name,
        park_type=park.park_type,
        leading_industries=park.leading_industries,
        unit_count=len(park.units),
        tenant_count=len(park.tenants),
    )


def unit_public(park_id: str, unit: Unit, status: UnitStatus | None = None) -> UnitPublic:
    return UnitPublic.model_validate(
        {**unit.model_dump(), "park_id": park_id, "status": status or unit.status}
    )


def tenant_public(park_id: str, tenant: Tenant) -> TenantPublic:
    return TenantPublic(park_id=park_id, **tenant.model_dump(exclude={"metrics"}))


def build_router(leasing: LeasingService) -> APIRouter:
    router = APIRouter(tags=["leasing"])

    @router.post("/parks", status_code=status.HTTP_201_CREATED)
    async def register_park(body: ParkCreate, who: CurrentPrincipal) -> ParkPublic:
        park = await leasing.register_park(
            who, body.name, body.park_type, body.leading_industries, body.park_id
        )
        return park_public(park)

    @router.get("/parks")
    async def list_parks(who: CurrentPrincipal) -> list[ParkPublic]:
        return [park_public(p) for p in await leasing.parks(who)]

    @router.get("/parks/{park_id}")
    async def get_park(park_id: str, who: CurrentPrincipal) -> ParkPublic:
        return park_public(await leasing.park(who, park_id))

    @router.post("/parks/{park_id}/units", status_code=status.HTTP_201_CREATED)
    async def list_unit(park_id: str, body: UnitCreate, who: CurrentPrincipal) -> UnitPublic:
        unit = await leasing.list_unit(
            who, park_id, body.building, body.floor, body.unit_number, body.unit_type, body.area_m2
        )
        return unit_public(park_id, unit)

    @router.get("/parks/{park_id}/units")
    async def list_units(park_id: str, who: CurrentPrincipal) -> list[UnitPublic]:
        park, today = await leasing.park(who, park_id), leasing.now().date()
        return [unit_public(park_id, u, unit_status(park, u, today)) for u in park.units.values()]

    @router.post("/parks/{park_id}/tenants", status_code=status.HTTP_201_CREATED)
    async def onboard_tenant(park_id: str, body: TenantCreate, who: CurrentPrincipal) -> TenantPublic:
        profile = EnterpriseProfile.model_validate(body.model_dump(exclude={"unit_ids"}))
        tenant = await leasing.onboard_tenant(who, park_id, profile, body.unit_ids)
        return tenant_public(park_id, tenant)

    @router.get("/parks/{park_id}/tenants")
    async def list_tenants(park_id: str, who: CurrentPrincipal) -> list[TenantPublic]:
        park = await leasing.park(who, park_id)
        return [
            tenant_public(park_id, t) for t in park.tenants.values() if who.tenant_id in (None, t.tenant_id)
        ]

    @router.get("/parks/{park_id}/tenants/{tenant_id}")
    async def get_tenant(park_id: str, tenant_id: str, who: CurrentPrincipal) -> TenantPublic:
        park = await leasing.park(who, park_id)
        tenant = park.tenants.get(tenant_id)
        if tenant is None or who.tenant_id not in (None, tenant_id):
            raise NotFound(f"tenant {tenant_id} not found")
        return tenant_public(park_id, tenant)

    return router
