"""leasing's Idempotency-Key rule (parkops_runtime.request_keys) over the real broker and store: a
command sent again with its key answers the first answer with the same status and publishes nothing
more; the key with another request is 409 naming the key; a key is one park's (one group's, for a park's
registration) and meets no other's; keys live in the store, so another replica answers them too, and
they are forgotten 24 hours after their first use."""

import json
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from leasing.main import create_app
from leasing.settings import LeasingSettings
from parkops_contracts.base import Event
from parkops_contracts.events.leasing import (
    LeaseSigned,
    LeaseTerminated,
    ParkRegistered,
    TenantMetricsReported,
    UnitListed,
)
from parkops_runtime.auth import Role

from tests.e2e.conftest import TODAY
from tests.support.demo import enterprise
from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import list_units, register_park
from tests.support.services import bearer, isolated_settings, run_id, serving

POLICY = {"base_rents": {"rnd_building": "45", "office": "50"}}


class Clock:
    def __init__(self) -> None:
        self.now = TODAY

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Leasing:
    infra: Infra
    run: str
    client: httpx.AsyncClient
    clock: Clock
    group: str

    def admin(self, key: str | None = None, group: str | None = None) -> dict[str, str]:
        keyed = {"Idempotency-Key": key} if key else {}
        return bearer(Role.GROUP_ADMIN, group or self.group) | keyed

    async def published(self, event: type[Event], field: str, sentinel: object) -> list[dict[str, Any]]:
        """The events of a topic up to the sentinel: one leasing published after the requests under test.
        A park's commits are published in order, so a second copy of an earlier event comes before it."""
        topic = event.topic(f"t{self.run}")
        seen = 0
        for _ in range(30):
            records = await read_all(self.infra.kafka_bootstrap_servers, topic, seen + 1, timeout_s=2)
            values = [json.loads(r.value) for r in records]
            if any(v[field] == sentinel for v in values):
                return values
            seen = len(values)
        raise AssertionError(f"the sentinel {field}={sentinel} never reached {topic}")


@pytest.fixture(scope="module")
async def leasing(infra: Infra) -> AsyncIterator[Leasing]:
    run, clock = run_id(), Clock()
    app = create_app(isolated_settings(LeasingSettings, infra, run), clock=clock)
    async with serving(app) as client:
        yield Leasing(infra, run, client, clock, f"group-{run}")


async def a_park(leasing: Leasing, park_id: str) -> tuple[list[str], str]:
    """A park with a pricing policy, four units and a tenant onboarded on the fourth."""
    await register_park(leasing.client, leasing.group, park_id)
    units = await list_units(leasing.client, leasing.group, park_id, ["100.00", "200.00", "50.00", "20.00"])
    r = await leasing.client.put(f"/parks/{park_id}/pricing-policy", headers=leasing.admin(), json=POLICY)
    assert r.status_code == 200, r.text
    seed = zlib.crc32(park_id.encode()) % 10_000  # a credit code is a tenant of one park of a group
    body = enterprise(seed, unit_ids=units[3:])
    r = await leasing.client.post(f"/parks/{park_id}/tenants", headers=leasing.admin(), json=body)
    assert r.status_code == 201, r.text
    return units[:3], r.json()["tenant_id"]


def lease(tenant: str, unit: str, term: int = 12) -> dict[str, object]:
    return {"tenant_id": tenant, "unit_ids": [unit], "term_months": term, "starts_on": "2027-01-01"}


async def test_a_replay_answers_the_first_answer_and_status_and_publishes_nothing_more(
    leasing: Leasing,
) -> None:
    units, tenant = await a_park(leasing, "keys-park")
    post, path = leasing.client.post, "/parks/keys-park/leases"
    first = await post(path, headers=leasing.admin("sign-1"), json=lease(tenant, units[0]))
    assert first.status_code == 201, first.text
    again = await post(path, headers=leasing.admin("sign-1"), json=lease(tenant, units[0]))
    assert (again.status_code, again.json()) == (201, first.json())
    other = await post(path, headers=leasing.admin("sign-1"), json=lease(tenant, units[1]))
    assert other.status_code == 409, other.text
    assert "idempotency key sign-1" in other.json()["detail"]

    lease_id = first.json()["lease_id"]
    end = {"terminated_on": "2027-06-30", "reason": "relocation"}
    ending = f"{path}/{lease_id}/termination"
    ended = [await post(ending, headers=leasing.admin("end-1"), json=end) for _ in "12"]
    assert [r.status_code for r in ended] == [200, 200]
    assert ended[0].json() == ended[1].json()
    later = await post(ending, headers=leasing.admin("end-1"), json={**end, "terminated_on": "2027-07-31"})
    assert later.status_code == 409, later.text

    sentinel = await post(path, headers=leasing.admin(), json=lease(tenant, units[2]))
    assert sentinel.status_code == 201, sentinel.text
    signed = await leasing.published(LeaseSigned, "lease_id", sentinel.json()["lease_id"])
    assert [e["lease_id"] for e in signed if e["park_id"] == "keys-park"] == [
        lease_id,
        sentinel.json()["lease_id"],
    ]
    sentinel_end = await post(
        f"{path}/{sentinel.json()['lease_id']}/termination", headers=leasing.admin(), json=end
    )
    assert sentinel_end.status_code == 200, sentinel_end.text
    terminated = await leasing.published(LeaseTerminated, "lease_id", sentinel.json()["lease_id"])
    assert [e["lease_id"] for e in terminated if e["park_id"] == "keys-park"] == [
        lease_id,
        sentinel.json()["lease_id"],
    ]


async def test_every_write_takes_the_key(leasing: Leasing) -> None:
    """The writes that had no key before: the pricing policy, commitments, renovations, metrics."""
    units, tenant = await a_park(leasing, "keys-writes")
    base = "/parks/keys-writes"
    commitment = {
        "promisor_kind": "government",
        "promisor": "District",
        "description": "six months rent-free",
        "benefit": {"kind": "rent_free_months", "months": 6},
        "valid_from": "2026-01-01",
        "valid_until": "2028-12-31",
    }
    metrics = {"year": 2025, "tax_paid": "10", "revenue": "100", "headcount": 12}
    writes = [
        ("PUT", f"{base}/pricing-policy", POLICY, 200),
        ("POST", f"{base}/commitments", commitment, 201),
        ("POST", f"{base}/units/{units[0]}/renovations/start", None, 200),
        ("POST", f"{base}/units/{units[0]}/renovations", {"base_rent": "60"}, 200),
        ("POST", f"{base}/tenants/{tenant}/metrics", metrics, 201),
    ]
    for n, (method, path, body, status) in enumerate(writes):
        key = leasing.admin(f"write-{n}")
        first = await leasing.client.request(method, path, headers=key, json=body)
        again = await leasing.client.request(method, path, headers=key, json=body)
        assert (first.status_code, again.status_code) == (status, status), (path, first.text, again.text)
        assert again.json() == first.json(), path
    commitments = (await leasing.client.get(f"{base}/commitments", headers=leasing.admin())).json()
    assert len(commitments) == 1  # its id was the register's choice, once


async def test_a_key_of_one_park_or_group_does_not_meet_anothers(leasing: Leasing) -> None:
    for park_id in ("keys-a", "keys-b"):
        await register_park(leasing.client, leasing.group, park_id)
    unit = {"building": "K", "floor": 1, "unit_number": "K-1", "unit_type": "office", "area_m2": "10"}
    made = [
        await leasing.client.post(f"/parks/{p}/units", headers=leasing.admin("same-key"), json=unit)
        for p in ("keys-a", "keys-b")
    ]
    assert [r.status_code for r in made] == [201, 201]
    assert made[0].json()["unit_id"] != made[1].json()["unit_id"]

    park = {"name": "Keyed", "park_type": "incubator", "leading_industries": ["C39"]}
    mine = [await leasing.client.post("/parks", headers=leasing.admin("reg-1"), json=park) for _ in "12"]
    assert [r.status_code for r in mine] == [201, 201]
    assert mine[0].json() == mine[1].json()
    other_group = f"other-{leasing.run}"
    theirs = await leasing.client.post("/parks", headers=leasing.admin("reg-1", other_group), json=park)
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["park_id"] != mine[0].json()["park_id"]
    named = {**park, "park_id": "keys-named"}
    first = await leasing.client.post("/parks", headers=leasing.admin("reg-2"), json=named)
    assert first.status_code == 201, first.text
    stranger = await leasing.client.post("/parks", headers=leasing.admin("reg-2", other_group), json=named)
    assert (stranger.status_code, stranger.json()["detail"]) == (409, "park id keys-named is taken")

    registered = await leasing.published(ParkRegistered, "park_id", "keys-named")
    ids = [e["park_id"] for e in registered]
    assert ids.count(mine[0].json()["park_id"]) == 1
    assert ids.count(theirs.json()["park_id"]) == 1


async def test_keys_are_kept_in_the_store_for_24_hours(leasing: Leasing) -> None:
    _, tenant = await a_park(leasing, "keys-expiry")
    path = f"/parks/keys-expiry/tenants/{tenant}/metrics"
    figures = {"year": 2025, "tax_paid": "10", "revenue": "100", "headcount": 12}
    first = await leasing.client.post(path, headers=leasing.admin("m-1"), json=figures)
    assert first.status_code == 201, first.text

    replica = create_app(isolated_settings(LeasingSettings, leasing.infra, leasing.run), clock=leasing.clock)
    async with serving(replica) as other:  # another replica: nothing of the first in its memory
        again = await other.post(path, headers=leasing.admin("m-1"), json=figures)
        assert (again.status_code, again.json()) == (201, first.json())
        refused = await other.post(path, headers=leasing.admin("m-1"), json={**figures, "headcount": 13})
        assert refused.status_code == 409, refused.text

    leasing.clock.now += timedelta(hours=24, seconds=1)
    try:
        forgotten = await leasing.client.post(
            path, headers=leasing.admin("m-1"), json={**figures, "headcount": 13}
        )
        assert forgotten.status_code == 201, forgotten.text  # a new request now: it reports again
    finally:
        leasing.clock.now = TODAY
    sentinel = await leasing.client.post(path, headers=leasing.admin(), json={**figures, "year": 2024})
    assert sentinel.status_code == 201, sentinel.text
    reported = await leasing.published(TenantMetricsReported, "year", 2024)  # type: ignore[arg-type]
    mine = [e["headcount"] for e in reported if e["park_id"] == "keys-expiry"]
    assert mine == [12, 13, 12]


async def test_a_unit_listed_with_a_key_is_published_once(leasing: Leasing) -> None:
    await register_park(leasing.client, leasing.group, "keys-units")
    unit = {"building": "U", "floor": 1, "unit_number": "U-1", "unit_type": "office", "area_m2": "10"}
    answers = [
        await leasing.client.post("/parks/keys-units/units", headers=leasing.admin("unit-1"), json=unit)
        for _ in "123"
    ]
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["unit_id"] for r in answers}) == 1
    sentinel = await leasing.client.post(
        "/parks/keys-units/units", headers=leasing.admin(), json={**unit, "unit_number": "U-2"}
    )
    assert sentinel.status_code == 201, sentinel.text
    listed = await leasing.published(UnitListed, "unit_id", sentinel.json()["unit_id"])
    assert [e["unit_number"] for e in listed if e["park_id"] == "keys-units"] == ["U-1", "U-2"]
