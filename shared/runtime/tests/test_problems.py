"""Every error of an app built by ServiceRuntime is an RFC 9457 problem, and its OpenAPI document says so.

A tiny app with the runtime's access layer over a stub directory; no lifespan, so no broker or store."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated, Any

import httpx
import jwt
import pytest
from fastapi import APIRouter, Depends, FastAPI, Query
from parkops_kernel.bounds import Area, BusinessDate, Code, Count, Int64, Money, Name, PastDate
from parkops_kernel.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from parkops_runtime.access import GroupScope, ParkAccess, ParkScope, StaffScope, tenant_roles
from parkops_runtime.auth import Role, TokenCodec
from parkops_runtime.breaker import StoreUnavailable
from parkops_runtime.directory import ParkEntry, TenantEntry
from parkops_runtime.errors import ConcurrencyConflict, Unauthorized, Unavailable
from parkops_runtime.problems import DOCUMENTED, MEDIA_TYPE, status_of
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.settings import DEV_JWT_SECRET, ServiceSettings, settings_for
from pydantic import BaseModel, Field
from pymongo.errors import ServerSelectionTimeoutError

TOKENS = TokenCodec(DEV_JWT_SECRET, "parkops")


class ProbeSettings(ServiceSettings):
    SERVICE_NAME = "probe"
    model_config = settings_for("PROBE_")


class StubDirectory:
    """Park p1 and p2 of group g1; tenant t1 onboarded in both."""

    async def park(self, park_id: str) -> ParkEntry | None:
        return (
            ParkEntry(park_id, "g1", park_id.upper(), datetime(2020, 1, 1, tzinfo=UTC))
            if park_id
            in {
                "p1",
                "p2",
            }
            else None
        )

    async def tenant(self, park_id: str, tenant_id: str) -> TenantEntry | None:
        return TenantEntry(park_id, tenant_id, "g1", "T1") if tenant_id == "t1" else None


class NewUnit(BaseModel):
    name: Name
    area_m2: Area
    rent: Money
    listed_on: BusinessDate
    building_founded_on: PastDate
    floors: Count
    meter_reading: Int64
    tags: list[Code] = Field(default_factory=list, max_length=3)


router = APIRouter()


@router.get("/parks/{park_id}/units")
async def list_units(scope: ParkScope, limit: Annotated[Count, Query()] = 50) -> list[str]:
    return [f"{scope.park_id}/u{i}" for i in range(min(limit, 2))]


@router.post("/parks/{park_id}/units", status_code=201)
async def add_unit(scope: StaffScope, unit: NewUnit) -> dict[str, str]:
    return {"park_id": scope.park_id, "name": unit.name}


@router.post("/parks/{park_id}/units/{unit_id}/let")
async def let_unit(scope: StaffScope, unit_id: str) -> dict[str, str]:
    if unit_id == "taken":
        raise Conflict(f"unit {unit_id} is let already")
    raise Unprocessable("the lease would start before the park existed", field="starts_on")


@router.post("/parks/{park_id}/tenants/{tenant_id}/metrics")
async def report_metrics(
    scope: Annotated[ParkAccess, Depends(tenant_roles(Role.GROUP_ADMIN, Role.TENANT_USER))], tenant_id: str
) -> dict[str, str]:
    return {"tenant_id": tenant_id}


@router.get("/parks/{park_id}/vacancy")
async def vacancy(scope: ParkScope, until: str = "2030-01-01") -> dict[str, str]:
    raise Unprocessable("the window ends before it starts", field="until", location="query")


@router.get("/parks/{park_id}/boom")
async def boom(scope: ParkScope) -> dict[str, str]:
    raise RuntimeError("password=hunter2 in an internal stack")


@router.get("/parks/{park_id}/stored")
async def stored(scope: ParkScope) -> dict[str, str]:
    raise ServerSelectionTimeoutError("mongodb://db-7.internal:27017 timed out")


@router.get("/groups/{group_id}/summary")
async def summary(scope: GroupScope) -> dict[str, str]:
    return {"group_id": scope.group_id}


@pytest.fixture(scope="module")
def app() -> FastAPI:
    runtime = ServiceRuntime(ProbeSettings(dev_mode=True))
    runtime.directory = StubDirectory()
    return runtime.create_app("probe", [router])


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: see the 500 a client gets, not the exception the server logs.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        yield client


def bearer(role: Role, group: str = "g1", parks: list[str] | None = None, tenant: str | None = None) -> Any:
    return {"Authorization": f"Bearer {TOKENS.mint('u', role, group, parks or [], tenant_id=tenant)}"}


ADMIN = bearer(Role.GROUP_ADMIN)
GOOD_UNIT = {
    "name": "A-101",
    "area_m2": "120.50",
    "rent": "8000.00",
    "listed_on": "2026-03-01",
    "building_founded_on": "2001-05-17",
    "floors": 3,
    "meter_reading": 12,
}


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"] == HTTPStatus(status).phrase
    assert body["type"].startswith("urn:parkops:problem:")
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


async def test_a_valid_request_passes(http: httpx.AsyncClient) -> None:
    response = await http.post("/parks/p1/units", json=GOOD_UNIT, headers=ADMIN)
    assert response.status_code == 201, response.text
    assert response.json() == {"park_id": "p1", "name": "A-101"}


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status"),
    [
        ("GET", "/parks/p1/units", {}, None, 401),
        ("GET", "/parks/p1/units", {"Authorization": "Bearer not-a-jwt"}, None, 401),
        ("GET", "/parks/p1/units", {"Authorization": "Basic dTpw"}, None, 401),
        ("POST", "/parks/p1/units", bearer(Role.AUDITOR), GOOD_UNIT, 403),
        ("POST", "/parks/p1/units", bearer(Role.TENANT_USER, parks=["p1"], tenant="t1"), GOOD_UNIT, 403),
        ("GET", "/groups/g1/summary", bearer(Role.PARK_OPERATOR, parks=["p1"]), None, 403),
        ("GET", "/parks/p9/units", ADMIN, None, 404),
        ("GET", "/parks/p1/units", bearer(Role.GROUP_ADMIN, group="g2"), None, 404),
        ("GET", "/parks/p1/units", bearer(Role.PARK_OPERATOR, parks=["p2"]), None, 404),
        ("GET", "/parks/p1/units", bearer(Role.TENANT_USER, parks=["p1"], tenant="t2"), None, 404),
        ("GET", "/groups/g2/summary", ADMIN, None, 404),
        ("GET", "/no/such/route", ADMIN, None, 404),
        ("POST", "/parks/p1/units", ADMIN, {"name": "x"}, 422),
        ("GET", "/parks/p1/units?limit=-1", ADMIN, None, 422),
        ("POST", "/parks/p1/units", ADMIN | {"content-type": "application/json"}, b"{not json", 400),
        ("DELETE", "/parks/p1/units", ADMIN, None, 405),
        ("POST", "/parks/p1/units/taken/let", ADMIN, None, 409),
        ("GET", "/parks/p1/boom", ADMIN, None, 500),
        ("GET", "/parks/p1/stored", ADMIN, None, 503),
    ],
)
async def test_every_error_is_a_problem(
    http: httpx.AsyncClient, method: str, path: str, headers: dict[str, str], body: Any, status: int
) -> None:
    kwargs: dict[str, Any] = {"content": body} if isinstance(body, bytes) else {"json": body}
    problem_of(await http.request(method, path, headers=headers, **kwargs), status)


async def test_a_401_asks_for_a_bearer_token_and_says_why(http: httpx.AsyncClient) -> None:
    response = await http.get("/parks/p1/units", headers={"Authorization": "Bearer not-a-jwt"})
    assert response.headers["www-authenticate"] == "Bearer"
    assert problem_of(response, 401)["detail"].startswith("invalid token")


async def test_a_malformed_claim_is_a_401_problem_naming_it(http: httpx.AsyncClient) -> None:
    claims = {"sub": "u", "role": "tenant_user", "group": "g1", "parks": ["p1"], "iss": "parkops"}
    token = jwt.encode(claims | {"exp": 4_000_000_000}, DEV_JWT_SECRET, algorithm="HS256")
    response = await http.get("/parks/p1/units", headers={"Authorization": f"Bearer {token}"})
    assert "tenant" in problem_of(response, 401)["detail"]


async def test_out_of_scope_reads_exactly_as_missing(http: httpx.AsyncClient) -> None:
    other_group = await http.get("/parks/p1/units", headers=bearer(Role.GROUP_ADMIN, group="g2"))
    not_named = await http.get("/parks/p1/units", headers=bearer(Role.PARK_OPERATOR, parks=["p2"]))
    missing = await http.get("/parks/p9/units", headers=ADMIN)
    assert other_group.json() == not_named.json() == missing.json() | {"detail": "park p1 not found"}


async def test_a_422_lists_every_field_at_fault(http: httpx.AsyncClient) -> None:
    nonsense = GOOD_UNIT | {
        "name": "A\x00101",
        "area_m2": 1e30,
        "rent": "10.005",
        "listed_on": "9999-01-01",
        "building_founded_on": "2199-01-01",
        "floors": 10**40,
        "meter_reading": 10**40,
        "tags": ["a", "b", "c", "d"],
    }
    body = problem_of(await http.post("/parks/p1/units", json=nonsense, headers=ADMIN), 422)
    fields = {(e["field"], e["location"]) for e in body["errors"]}
    assert fields == {(name, "body") for name in nonsense}
    for error in body["errors"]:
        assert error["field"] in body["detail"]
        assert error["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rent", 1e30),
        ("meter_reading", 10**40),
        ("rent", "12.345"),
        ("listed_on", "9999-01-01"),
        ("listed_on", "0001-01-01"),
        ("name", "nul\x00"),
        ("building_founded_on", "2199-12-31"),
    ],
)
async def test_each_bound_is_a_422_naming_its_field(http: httpx.AsyncClient, field: str, value: Any) -> None:
    body = problem_of(await http.post("/parks/p1/units", json=GOOD_UNIT | {field: value}, headers=ADMIN), 422)
    assert [e["field"] for e in body["errors"]] == [field]


async def test_a_query_parameter_out_of_bounds_is_named(http: httpx.AsyncClient) -> None:
    body = problem_of(await http.get(f"/parks/p1/units?limit={10**40}", headers=ADMIN), 422)
    assert [(e["field"], e["location"]) for e in body["errors"]] == [("limit", "query")]


async def test_a_rule_broken_in_the_domain_names_its_field(http: httpx.AsyncClient) -> None:
    body = problem_of(await http.post("/parks/p1/units/u1/let", headers=ADMIN), 422)
    assert body["errors"] == [
        {"field": "starts_on", "location": "body", "message": "the lease would start before the park existed"}
    ]


async def test_a_rule_about_a_query_parameter_says_so(http: httpx.AsyncClient) -> None:
    body = problem_of(await http.get("/parks/p1/vacancy?until=2020-01-01", headers=ADMIN), 422)
    assert [(e["field"], e["location"]) for e in body["errors"]] == [("until", "query")]


@pytest.mark.parametrize(
    ("who", "tenant", "status"),
    [
        (bearer(Role.TENANT_USER, parks=["p1"], tenant="t1"), "t1", 200),
        (bearer(Role.GROUP_ADMIN), "t1", 200),
        (bearer(Role.TENANT_USER, parks=["p1"], tenant="t1"), "t2", 404),
        (bearer(Role.PARK_OPERATOR, parks=["p1"]), "t1", 403),
        (bearer(Role.GROUP_ADMIN, group="g2"), "t1", 404),
    ],
    ids=["own-tenant", "admin", "another-tenant", "role-may-not", "another-group"],
)
async def test_tenant_routes_let_a_tenant_user_reach_only_its_own(
    http: httpx.AsyncClient, who: dict[str, str], tenant: str, status: int
) -> None:
    response = await http.post(f"/parks/p1/tenants/{tenant}/metrics", headers=who)
    if status == 200:
        assert response.json() == {"tenant_id": tenant}
    else:
        problem_of(response, status)


async def test_a_500_tells_nothing_of_the_internals(http: httpx.AsyncClient) -> None:
    body = problem_of(await http.get("/parks/p1/boom", headers=ADMIN), 500)
    assert "hunter2" not in body["detail"]
    assert "RuntimeError" not in body["detail"]


async def test_an_unreachable_store_is_503_to_retry(http: httpx.AsyncClient) -> None:
    response = await http.get("/parks/p1/stored", headers=ADMIN)
    assert "internal" not in problem_of(response, 503)["detail"]
    assert response.headers["retry-after"] == "1"


@pytest.mark.parametrize(
    "path", ["/parks/p%001/units", "/parks/p1%00/units", "/parks/p1/units/u%001/let", "/groups/g1%0a/summary"]
)
async def test_a_control_character_in_the_path_is_404(http: httpx.AsyncClient, path: str) -> None:
    problem_of(await http.request("POST" if path.endswith("let") else "GET", path, headers=ADMIN), 404)


async def test_openapi_declares_problems_for_every_operation(http: httpx.AsyncClient) -> None:
    document = (await http.get("/openapi.json")).json()
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        if path.startswith(("/parks", "/groups"))
        for method, operation in item.items()
    ]
    assert len(operations) == 8
    for path, method, operation in operations:
        responses = operation["responses"]
        assert {str(code) for code in DOCUMENTED} <= set(responses), (path, method)
        for code in DOCUMENTED:
            content = responses[str(code)]["content"]
            assert content == {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}, (path, code)
        successes = [code for code in responses if code.startswith("2")]
        assert len(successes) == 1
        assert "application/json" in responses[successes[0]]["content"]
    assert document["paths"]["/parks/{park_id}/units"]["post"]["responses"].keys() >= {"201"}
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}


def test_each_kind_of_error_maps_to_one_status_and_a_subclass_to_its_nearest_kind() -> None:
    statuses = [
        status_of(e)
        for e in (
            DomainError("rule"),
            Unauthorized("token"),
            Forbidden("role"),
            NotFound("park"),
            Conflict("let"),
            ConcurrencyConflict("race"),
            Unprocessable("area", "area_m2"),
            Unavailable("keys"),
            StoreUnavailable("store"),
        )
    ]
    assert statuses == [400, 401, 403, 404, 409, 409, 422, 503, 503]
