"""Idempotency keys on listing units and onboarding tenants, over HTTP against the real store, with the
events read back from Kafka: a retry answers the first result and publishes nothing more."""

import asyncio
import json
from typing import Any

from parkops_contracts.base import Event
from parkops_contracts.events.leasing import ParkRegistered, TenantOnboarded, UnitListed
from parkops_runtime.auth import Role

from tests.e2e.conftest import Platform
from tests.e2e.test_first_slice import make_park
from tests.e2e.test_leasing_concurrency import replicas
from tests.support.demo import enterprise
from tests.support.kafka import read_all
from tests.support.services import bearer


def unit_body(number: str, area: str = "80.00") -> dict[str, object]:
    return {"building": "K", "floor": 2, "unit_number": number, "unit_type": "office", "area_m2": area}


def keyed(p: Platform, key: str) -> dict[str, str]:
    return {**p.admin, "Idempotency-Key": key}


async def events_until(p: Platform, event: type[Event], field: str, sentinel: str) -> list[dict[str, Any]]:
    """Every event of the topic up to the sentinel: an event leasing published for the same park after
    the requests under test. A park's commits are published in order, so a second copy of an earlier
    event would be on the topic before it."""
    topic, kafka = event.topic(f"t{p.run}"), p.infra.kafka_bootstrap_servers
    seen = 0
    for _ in range(30):
        values = [json.loads(r.value) for r in await read_all(kafka, topic, seen + 1, timeout_s=2)]
        if any(v[field] == sentinel for v in values):
            return values
        seen = len(values)
    raise AssertionError(f"the sentinel {field}={sentinel} never reached {topic}")


async def test_a_unit_listed_again_with_its_key_is_the_first_unit_and_one_event(platform: Platform) -> None:
    await make_park(platform, "idem-units", ["100.00"])
    post, path = platform.leasing.post, "/parks/idem-units/units"
    first = await post(path, headers=keyed(platform, "list-k1"), json=unit_body("K-1"))
    assert first.status_code == 201, first.text
    again = await post(path, headers=keyed(platform, "list-k1"), json=unit_body("K-1", area="80"))
    assert again.status_code == 201, again.text  # the first answer's status
    assert again.json()["unit_id"] == first.json()["unit_id"]

    other = await post(path, headers=keyed(platform, "list-k1"), json=unit_body("K-2"))
    assert other.status_code == 409, other.text
    assert "idempotency key list-k1" in other.json()["detail"]

    sentinel = await post(path, headers=platform.admin, json=unit_body("K-3"))
    assert sentinel.status_code == 201, sentinel.text
    listed = await events_until(platform, UnitListed, "unit_id", sentinel.json()["unit_id"])
    mine = [e for e in listed if e["park_id"] == "idem-units" and e["building"] == "K"]
    assert [e["unit_number"] for e in mine] == ["K-1", "K-3"]
    units = (await platform.leasing.get(path, headers=platform.admin)).json()
    assert sorted(u["unit_number"] for u in units if u["building"] == "K") == ["K-1", "K-3"]


async def test_a_tenant_onboarded_again_with_its_key_is_the_first_tenant_and_one_event(
    platform: Platform,
) -> None:
    units = await make_park(platform, "idem-tenants", ["100.00", "200.00", "300.00"])
    post, path = platform.leasing.post, "/parks/idem-tenants/tenants"
    body = enterprise(9101, unit_ids=units[:1])
    first = await post(path, headers=keyed(platform, "onboard-k1"), json=body)
    assert first.status_code == 201, first.text
    again = await post(path, headers=keyed(platform, "onboard-k1"), json=body)
    assert again.status_code == 201, again.text
    assert again.json()["tenant_id"] == first.json()["tenant_id"]

    other = await post(path, headers=keyed(platform, "onboard-k1"), json={**body, "unit_ids": units[1:2]})
    assert other.status_code == 409, other.text
    assert "idempotency key onboard-k1" in other.json()["detail"]

    sentinel = await post(path, headers=platform.admin, json=enterprise(9102, unit_ids=units[2:]))
    assert sentinel.status_code == 201, sentinel.text
    onboarded = await events_until(platform, TenantOnboarded, "tenant_id", sentinel.json()["tenant_id"])
    mine = [e["tenant_id"] for e in onboarded if e["park_id"] == "idem-tenants"]
    assert mine == [first.json()["tenant_id"], sentinel.json()["tenant_id"]]
    tenants = (await platform.leasing.get(path, headers=platform.admin)).json()
    assert len(tenants) == 2


async def test_concurrent_duplicates_over_four_replicas_list_one_unit(platform: Platform) -> None:
    await make_park(platform, "idem-race", ["100.00"])
    path = "/parks/idem-race/units"
    async with replicas(platform, 3) as clients:
        answers = await asyncio.gather(
            *(
                clients[i % 4].post(path, headers=keyed(platform, "race-k"), json=unit_body("K-9"))
                for i in range(20)
            )
        )
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers if r.status_code != 201]
    assert len({r.json()["unit_id"] for r in answers}) == 1

    sentinel = await platform.leasing.post(path, headers=platform.admin, json=unit_body("K-10"))
    assert sentinel.status_code == 201, sentinel.text
    listed = await events_until(platform, UnitListed, "unit_id", sentinel.json()["unit_id"])
    assert [e["unit_number"] for e in listed if e["park_id"] == "idem-race" and e["building"] == "K"] == [
        "K-9",
        "K-10",
    ]


async def test_a_key_belongs_to_its_park(platform: Platform) -> None:
    for park_id in ("idem-scope-a", "idem-scope-b"):
        await make_park(platform, park_id, ["100.00"])
    made = [
        await platform.leasing.post(
            f"/parks/{p}/units", headers=keyed(platform, "same-key"), json=unit_body("K-1")
        )
        for p in ("idem-scope-a", "idem-scope-b")
    ]
    assert [r.status_code for r in made] == [201, 201]
    assert made[0].json()["unit_id"] != made[1].json()["unit_id"]


async def test_a_key_is_bounded(platform: Platform) -> None:
    await make_park(platform, "idem-bounds", ["100.00"])
    for key in ("k" * 201, "a\tb"):
        r = await platform.leasing.post(
            "/parks/idem-bounds/units", headers=keyed(platform, key), json=unit_body("K-1")
        )
        assert r.status_code == 422, r.text
        assert "Idempotency-Key" in str(r.json()["errors"]), r.text
    fine = await platform.leasing.post(
        "/parks/idem-bounds/units", headers=keyed(platform, "k" * 200), json=unit_body("K-1")
    )
    assert fine.status_code == 201, fine.text


def park_body(name: str = "Keyed Park") -> dict[str, object]:
    return {"name": name, "park_type": "incubator", "leading_industries": ["C39"]}


async def test_a_park_registered_again_with_its_key_is_the_first_park(platform: Platform) -> None:
    """Without a park_id the id derives from group and key, so even concurrent duplicates on four
    replicas register one park; another group's same key registers its own."""
    headers = keyed(platform, "register-k1")
    async with replicas(platform, 3) as clients:
        answers = await asyncio.gather(
            *(clients[i % 4].post("/parks", headers=headers, json=park_body()) for i in range(12))
        )
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers if r.status_code != 201]
    assert len({r.json()["park_id"] for r in answers}) == 1
    park_id = answers[0].json()["park_id"]

    other = await platform.leasing.post("/parks", headers=headers, json=park_body("Another Name"))
    assert other.status_code == 409, other.text
    assert "idempotency key register-k1" in other.json()["detail"]
    stranger = bearer(Role.GROUP_ADMIN, f"other-{platform.run}") | {"Idempotency-Key": "register-k1"}
    theirs = await platform.leasing.post("/parks", headers=stranger, json=park_body())
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["park_id"] != park_id

    registered = await events_until(platform, ParkRegistered, "park_id", theirs.json()["park_id"])
    assert [e["park_id"] for e in registered].count(park_id) == 1
    mine = (await platform.leasing.get("/parks", headers=platform.admin)).json()
    assert [p["park_id"] for p in mine].count(park_id) == 1


async def test_a_chosen_park_id_with_a_key_replays_only_for_its_group(platform: Platform) -> None:
    body = {**park_body(), "park_id": "idem-chosen"}
    first = await platform.leasing.post("/parks", headers=keyed(platform, "chosen-k"), json=body)
    assert first.status_code == 201, first.text
    again = await platform.leasing.post("/parks", headers=keyed(platform, "chosen-k"), json=body)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    unkeyed = await platform.leasing.post("/parks", headers=platform.admin, json=body)
    assert unkeyed.status_code == 409
    stranger = bearer(Role.GROUP_ADMIN, f"other-{platform.run}") | {"Idempotency-Key": "chosen-k"}
    theirs = await platform.leasing.post("/parks", headers=stranger, json=body)
    assert theirs.status_code == 409
    assert theirs.json()["detail"] == "park id idem-chosen is taken"  # tells nothing about the key
