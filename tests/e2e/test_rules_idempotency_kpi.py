"""kpi's creates and actions follow the one Idempotency-Key rule (`parkops_runtime.request_keys`), over the
real broker and store: the same key and request answer the first answer with its status and publish
nothing more, the same key with another request is 409 naming the key, and a key used on one park (or
by another group on its own park) meets nothing of another's. The keys live in the store: a restarted
service answers them the same."""

import json
import uuid
from typing import Any

from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from parkops_contracts.events.kpi import KpiTargetMissed, LowEfficiencySpaceFlagged
from parkops_contracts.events.leasing import UnitListed
from parkops_runtime.auth import Role

from services.kpi.tests.unit.kpi_facts import unit
from tests.e2e.conftest import Platform
from tests.support.kafka import envelope, produce, read_all
from tests.support.parks import known, register_park
from tests.support.services import bearer, eventually, isolated_settings, serving

TARGET = {"target": "0.5", "weight": "20"}
AGREEMENT = {"kpis": ["tax_growth"], "bonus_basis": "revenue", "bonus_share": "0.1"}
SCAN = {"as_of": "2026-12-31", "max_vacant_days": 100}


def key(name: str) -> dict[str, str]:
    return {"Idempotency-Key": name}


async def parks(p: Platform, *names: str, group: str | None = None) -> list[str]:
    """Parks registered for the group (the platform's by default), known to kpi."""
    group = group or p.group
    admin = bearer(Role.GROUP_ADMIN, group)
    ids = [f"{name}-{uuid.uuid4().hex[:6]}" for name in names]
    for park in ids:
        await register_park(p.leasing, group, park)
        await known(p.kpi, f"/parks/{park}/targets", admin)
    return ids


async def published(p: Platform, contract: type[Any], park: str, at_least: int) -> list[dict[str, Any]]:
    """The park's records on the contract's topic, once the topic is quiet."""
    records = await read_all(p.infra.kafka_bootstrap_servers, contract.topic(f"t{p.run}"), at_least=at_least)
    return [body for r in records if (body := json.loads(r.value))["park_id"] == park]


async def test_a_terms_change_replays_its_first_answer_and_refuses_another_request(
    platform: Platform,
) -> None:
    p = platform
    one, two = await parks(p, "keys-terms", "keys-terms-other")
    first = await p.kpi.put(f"/parks/{one}/targets/occupancy_rate", headers=p.admin | key("t-1"), json=TARGET)
    assert first.status_code == 200, first.text
    spelt_otherwise = {"target": "0.50", "weight": "20.0"}
    again = await p.kpi.put(
        f"/parks/{one}/targets/occupancy_rate", headers=p.admin | key("t-1"), json=spelt_otherwise
    )
    assert (again.status_code, again.json()) == (200, first.json())
    other = await p.kpi.put(
        f"/parks/{one}/targets/occupancy_rate", headers=p.admin | key("t-1"), json={**TARGET, "weight": "30"}
    )
    assert other.status_code == 409, other.text
    assert "t-1" in other.json()["detail"]
    agreed = await p.kpi.put(f"/parks/{one}/agreement", headers=p.admin | key("t-1"), json=AGREEMENT)
    assert agreed.status_code == 409, agreed.text  # the key was another operation's

    elsewhere = await p.kpi.put(
        f"/parks/{two}/targets/occupancy_rate", headers=p.admin | key("t-1"), json=TARGET
    )
    assert elsewhere.status_code == 200, elsewhere.text
    assert elsewhere.json()["park_id"] == two
    terms = (await p.kpi.get(f"/parks/{one}/targets", headers=p.admin)).json()
    assert [c["what"] for c in terms["changes"]] == ["target occupancy_rate"]

    restarted = create_kpi(isolated_settings(KpiSettings, p.infra, p.run))
    async with serving(restarted) as kpi:  # the same store, nothing in memory: the key is stored
        await known(kpi, f"/parks/{one}/targets", p.admin)
        after = await kpi.put(
            f"/parks/{one}/targets/occupancy_rate", headers=p.admin | key("t-1"), json=TARGET
        )
        assert (after.status_code, after.json()) == (200, first.json())
        refused = await kpi.put(
            f"/parks/{one}/targets/occupancy_rate",
            headers=p.admin | key("t-1"),
            json={**TARGET, "weight": "1"},
        )
        assert refused.status_code == 409, refused.text


async def test_an_assessment_replayed_answers_201_again_and_is_published_once(platform: Platform) -> None:
    p = platform
    other_group = f"other-{p.run}"
    [mine] = await parks(p, "keys-assessed")
    [theirs] = await parks(p, "keys-assessed-theirs", group=other_group)
    for park, admin in ((mine, p.admin), (theirs, bearer(Role.GROUP_ADMIN, other_group))):
        assert (await p.kpi.put(f"/parks/{park}/agreement", headers=admin, json=AGREEMENT)).status_code == 200
    path = f"/parks/{mine}/assessments/2025"  # closed whenever the test runs
    first = await p.kpi.post(path, headers=p.admin | key("a-1"))
    assert first.status_code == 201, first.text
    assert first.json()["type"] == "KpiTargetMissed"  # no facts: tax growth has no evidence
    again = await p.kpi.post(path, headers=p.admin | key("a-1"))
    assert (again.status_code, again.json()) == (201, first.json())
    assert (await p.kpi.post(path, headers=p.admin)).status_code == 409  # published and immutable
    assert (await p.kpi.post(path, headers=p.admin | key("a-2"))).status_code == 409

    theirs_answer = await p.kpi.post(
        f"/parks/{theirs}/assessments/2025", headers=bearer(Role.GROUP_ADMIN, other_group) | key("a-1")
    )
    assert theirs_answer.status_code == 201, theirs_answer.text
    assert theirs_answer.json()["park_id"] == theirs
    records = await published(p, KpiTargetMissed, mine, at_least=2)
    assert [r["assessment_id"] for r in records] == [f"{mine}:2025"]


async def test_a_scan_replayed_answers_its_flags_and_publishes_them_once(platform: Platform) -> None:
    p = platform
    one, two = await parks(p, "keys-scanned", "keys-scanned-other")
    for park in (one, two):
        listed = unit("u-vacant", "100").model_copy(update={"park_id": park, "group_id": p.group})
        record = (listed.model_dump_json().encode(), envelope(UnitListed, uuid.uuid4().hex))
        await produce(p.infra.kafka_bootstrap_servers, UnitListed.topic(f"t{p.run}"), [record], park.encode())

        async def counted(park: str = park) -> bool:
            body = (await p.kpi.get(f"/parks/{park}/occupancy", headers=p.admin)).json()
            return bool(body["units_total"])

        await eventually(counted)
    path = f"/parks/{one}/low-efficiency-scans"
    first = await p.kpi.post(path, headers=p.admin | key("s-1"), json=SCAN)
    assert first.status_code == 201, first.text
    assert [f["unit_id"] for f in first.json()] == ["u-vacant"]
    again = await p.kpi.post(path, headers=p.admin | key("s-1"), json=SCAN)
    assert (again.status_code, again.json()) == (201, first.json())
    other = await p.kpi.post(path, headers=p.admin | key("s-1"), json={**SCAN, "max_vacant_days": 10})
    assert other.status_code == 409, other.text
    assert "s-1" in other.json()["detail"]
    elsewhere = await p.kpi.post(
        f"/parks/{two}/low-efficiency-scans", headers=p.admin | key("s-1"), json=SCAN
    )
    assert elsewhere.status_code == 201, elsewhere.text
    assert [f["park_id"] for f in elsewhere.json()] == [two]

    assert await published(p, LowEfficiencySpaceFlagged, one, at_least=2) == first.json()
