"""kpi knows only the parks leasing registered, for the group that registered them; every input is bounded.
leasing and kpi run in this process against the real broker and store."""

import uuid
from decimal import Decimal
from typing import Any

import httpx
from parkops_contracts.events.leasing import UnitListed
from parkops_runtime.auth import Role
from pymongo import AsyncMongoClient

from services.kpi.tests.unit.kpi_facts import unit
from tests.e2e.conftest import Platform
from tests.support.kafka import envelope, produce
from tests.support.parks import known, register_park
from tests.support.services import bearer, eventually

TARGET = {"target": "0.5", "weight": "20"}
AGREEMENT = {"kpis": ["tax_growth"], "bonus_basis": "revenue", "bonus_share": "0.1"}
SCAN = {"as_of": "2026-12-31"}


async def stored(p: Platform, park: str) -> dict[str, int]:
    """How many documents kpi keeps under the park, per collection it writes on request."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(p.infra.mongodb_url)
    try:
        database = client[f"t{p.run}_kpi"]
        return {
            name: await database[name].count_documents({"park_id": park})
            for name in ("kpi_terms", "kpi_assessments", "kpi_scans")
        }
    finally:
        await client.close()


async def every_route(kpi: httpx.AsyncClient, park: str, headers: dict[str, str]) -> list[httpx.Response]:
    """Each of kpi's park routes, reads, writes and actions, once."""
    return [
        await kpi.get(f"/parks/{park}/occupancy", headers=headers),
        await kpi.get(f"/parks/{park}/scorecards/2026", headers=headers),
        await kpi.get(f"/parks/{park}/scorecards/2026/csv", headers=headers),
        await kpi.get(f"/parks/{park}/scorecards/2026/kpis/revenue", headers=headers),
        await kpi.get(
            f"/parks/{park}/kpis/revenue/series", params={"from": "2025", "to": "2026"}, headers=headers
        ),
        await kpi.get(f"/parks/{park}/targets", headers=headers),
        await kpi.get(f"/parks/{park}/assessments/2026", headers=headers),
        await kpi.put(f"/parks/{park}/targets/occupancy_rate", headers=headers, json=TARGET),
        await kpi.put(f"/parks/{park}/agreement", headers=headers, json=AGREEMENT),
        await kpi.post(f"/parks/{park}/assessments/2026", headers=headers),
        await kpi.post(f"/parks/{park}/low-efficiency-scans", headers=headers, json=SCAN),
    ]


def as_missing(response: httpx.Response, park: str) -> dict[str, Any]:
    assert response.status_code == 404, response.text
    body: dict[str, Any] = response.json()
    return body | {"detail": body["detail"].replace(park, "<park>")}


async def test_another_groups_admin_gets_404_under_a_park_id_before_and_after_its_owner_registers_it(
    platform: Platform,
) -> None:
    park, squatter = "squatted-park", bearer(Role.GROUP_ADMIN, f"squatter-{platform.run}")
    nowhere = [
        as_missing(r, "no-such-park") for r in await every_route(platform.kpi, "no-such-park", squatter)
    ]
    before = [as_missing(r, park) for r in await every_route(platform.kpi, park, squatter)]
    assert before == nowhere  # a park id nobody registered: nothing created, nothing told

    await register_park(platform.leasing, platform.group, park)
    await known(platform.kpi, f"/parks/{park}/targets", platform.admin)
    after = [as_missing(r, park) for r in await every_route(platform.kpi, park, squatter)]
    assert after == nowhere  # another group's park reads exactly as a missing one
    assert await stored(platform, park) == {"kpi_terms": 0, "kpi_assessments": 0, "kpi_scans": 0}

    own = await platform.kpi.get(f"/parks/{park}/targets", headers=platform.admin)
    assert own.json()["changes"] == []
    assert not any(t["overridden"] for t in own.json()["targets"].values())
    card = await platform.kpi.get(f"/parks/{park}/scorecards/2026", headers=platform.admin)
    assert card.status_code == 200, card.text
    assert card.json()["group_id"] == platform.group
    set_by_owner = await platform.kpi.put(
        f"/parks/{park}/targets/occupancy_rate", headers=platform.admin, json=TARGET
    )
    assert set_by_owner.status_code == 200, set_by_owner.text
    assert (await stored(platform, park))["kpi_terms"] == 1


async def test_a_park_unknown_to_leasing_is_404_for_its_would_be_group_too(platform: Platform) -> None:
    for response in await every_route(platform.kpi, "never-registered", platform.admin):
        assert response.status_code == 404, response.text
    assert await stored(platform, "never-registered") == {
        "kpi_terms": 0,
        "kpi_assessments": 0,
        "kpi_scans": 0,
    }


async def test_roles_the_park_admits_but_not_for_this_are_403(platform: Platform) -> None:
    park = "roles-park"
    await register_park(platform.leasing, platform.group, park)
    await known(platform.kpi, f"/parks/{park}/occupancy", platform.admin)
    operator = bearer(Role.PARK_OPERATOR, platform.group, [park])
    auditor = bearer(Role.AUDITOR, platform.group)
    for who in (operator, auditor):
        responses = await every_route(platform.kpi, park, who)
        reads, writes = responses[:6], responses[7:]
        assert [r.status_code for r in reads] == [200] * 6, [r.text for r in reads]
        assert [r.status_code for r in writes] == [403] * len(writes)
        assert (await platform.kpi.get(f"/parks/{park}/assessments/2026", headers=who)).status_code == 404
    other_operator = bearer(Role.PARK_OPERATOR, platform.group, ["another-park"])
    assert (await platform.kpi.get(f"/parks/{park}/occupancy", headers=other_operator)).status_code == 404
    portfolio = f"/groups/{platform.group}/portfolio/2026"
    assert (await platform.kpi.get(portfolio, headers=operator)).status_code == 403
    assert (await platform.kpi.get(portfolio, headers=auditor)).status_code == 200
    other_group = bearer(Role.AUDITOR, f"other-{platform.run}")
    assert (await platform.kpi.get(portfolio, headers=other_group)).status_code == 404
    assert await stored(platform, park) == {"kpi_terms": 0, "kpi_assessments": 0, "kpi_scans": 0}


async def test_facts_naming_another_group_for_a_park_count_nowhere(platform: Platform) -> None:
    park, squatter = "facts-park", f"squatter-{platform.run}"
    await register_park(platform.leasing, platform.group, park)
    await known(platform.kpi, f"/parks/{park}/occupancy", platform.admin)
    listed = [
        unit("u-squat", "9000").model_copy(update={"park_id": park, "group_id": squatter}),
        unit("u-own", "100").model_copy(update={"park_id": park, "group_id": platform.group}),
    ]
    records = [(e.model_dump_json().encode(), envelope(UnitListed, uuid.uuid4().hex)) for e in listed]
    # one partition, in this order: once the owner's unit counts, the squatter's was consumed before it
    await produce(
        platform.infra.kafka_bootstrap_servers, UnitListed.topic(f"t{platform.run}"), records, park.encode()
    )

    async def owners_unit() -> dict[str, Any] | None:
        body = (await platform.kpi.get(f"/parks/{park}/occupancy", headers=platform.admin)).json()
        return body if body["units_total"] else None

    body = await eventually(owners_unit)
    assert (body["units_total"], Decimal(body["area_total_m2"])) == (1, Decimal(100))
    portfolio = await platform.kpi.get(
        f"/groups/{squatter}/portfolio/2026", headers=bearer(Role.GROUP_ADMIN, squatter)
    )
    assert portfolio.json()["parks"] == []  # the squatter's facts make no park of its own either


async def test_out_of_bounds_inputs_are_422_naming_the_field_and_nothing_is_stored(
    platform: Platform,
) -> None:
    park = "bounded-park"
    await register_park(platform.leasing, platform.group, park)
    await known(platform.kpi, f"/parks/{park}/targets", platform.admin)
    base = f"/parks/{park}"
    cases: list[tuple[str, str, dict[str, Any] | None, str]] = [
        ("PUT", f"{base}/targets/occupancy_rate", {"target": "NaN", "weight": "20"}, "target"),
        ("PUT", f"{base}/targets/occupancy_rate", {"target": "1e400", "weight": "20"}, "target"),
        ("PUT", f"{base}/targets/occupancy_rate", {"target": "1.4", "weight": "20"}, "target"),
        ("PUT", f"{base}/targets/occupancy_rate", {"target": "0.5", "weight": "101"}, "weight"),
        ("PUT", f"{base}/targets/occupancy_rate", {"target": "0.5", "weight": "12.5"}, "weight"),
        ("PUT", f"{base}/targets/no_such_kpi", TARGET, "kpi"),
        ("PUT", f"{base}/agreement", AGREEMENT | {"kpis": ["tax_growth"] * 51}, "kpis"),
        ("PUT", f"{base}/agreement", AGREEMENT | {"kpis": ["no_such_kpi"]}, "kpis"),
        ("PUT", f"{base}/agreement", AGREEMENT | {"kpis": ["tax\u0000growth"]}, "kpis.0"),
        ("PUT", f"{base}/agreement", AGREEMENT | {"bonus_share": "0"}, "bonus_share"),
        ("PUT", f"{base}/agreement", AGREEMENT | {"bonus_share": "1.5"}, "bonus_share"),
        ("POST", f"{base}/low-efficiency-scans", {"as_of": "2300-01-01"}, "as_of"),
        ("POST", f"{base}/low-efficiency-scans", SCAN | {"max_vacant_days": -1}, "max_vacant_days"),
        ("POST", f"{base}/low-efficiency-scans", SCAN | {"max_vacant_days": 10**20}, "max_vacant_days"),
        ("POST", f"{base}/low-efficiency-scans", SCAN | {"min_tax_per_m2": "1e13"}, "min_tax_per_m2"),
        ("POST", f"{base}/assessments/9999-Q4", None, "period"),
        ("POST", f"{base}/assessments/2199", None, "period"),  # not over yet
        ("GET", f"{base}/scorecards/2026-13", None, "period"),
        ("GET", f"{base}/kpis/revenue/series?from=1800&to=2026", None, "from"),
        ("GET", f"{base}/kpis/revenue/series?from=2026&to=2026-02-30", None, "to"),
    ]
    for method, path, body, field in cases:
        response = await platform.kpi.request(method, path, headers=platform.admin, json=body)
        assert response.status_code == 422, (method, path, body, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}, (path, body, response.text)
    assert (await platform.kpi.get(f"{base}/targets", headers=platform.admin)).json()["changes"] == []
    assert await stored(platform, park) == {"kpi_terms": 0, "kpi_assessments": 0, "kpi_scans": 0}
