"""Tenancy over the real broker and store, leasing in-process: client-chosen need and offering ids
never reach another owner's proposals (another tenant of the park, another group), parks matchmaking
does not know answer 404 and keep nothing, a tenant sees only the meetings it is in and of those only
its counterparts, and bad input is a 422 naming the field with nothing stored."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import httpx
import pytest
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.matchmaking import Enterprises, Matchmaking, matchmaking_running
from tests.support.parks import known, register_park
from tests.support.services import bearer, run_id

PARK, PARK_B = "mm-t-a", "mm-t-b"
GROUP_A: Enterprises = {
    "vax": (PARK, "C2762", "Vaccine Co"),
    "pharma": (PARK, "C2762", "Injectables Co"),
    "glass": (PARK, "C3055", "Vials Co"),
    "idle": (PARK, "C3973", "Quiet Co"),
}
GROUP_B: Enterprises = {"vax-b": (PARK_B, "C2762", "Vaccine B"), "glass-b": (PARK_B, "C3055", "Vials B")}
VIALS = {
    "offering_id": "vials",
    "text": "疫苗西林瓶 vaccine vials",
    "segment": "bio.packaging",
    "capacity": 100,
}
NEED = {"need_id": "n-shared", "text": "采购疫苗西林瓶 vials", "volume": 10}


@dataclass
class Two:
    a: Matchmaking
    b: Matchmaking


def profile(m: Matchmaking, name: str) -> str:
    return f"/parks/{m.parks[m.id(name)]}/profiles/{m.id(name)}"


async def put_profile(m: Matchmaking, name: str, body: dict[str, object]) -> None:
    r = await m.http.put(profile(m, name), headers=m.tenant(name), json=body)
    assert r.status_code == 200, r.text


def invalid(r: httpx.Response) -> list[str]:
    """The fields a 422 names (none for any other status)."""
    return [e["field"] for e in r.json()["errors"]] if r.status_code == 422 else []


@pytest.fixture(scope="module")
async def two(infra: Infra) -> AsyncIterator[Two]:
    run = run_id()
    async with matchmaking_running(infra, run, f"group-a-{run}") as a:
        b = replace(a, group=f"group-b-{run}", ids={}, parks={})
        await a.settle(GROUP_A)
        await b.settle(GROUP_B, seed=500)
        await put_profile(a, "glass", {"offerings": [VIALS]})
        await put_profile(b, "glass-b", {"offerings": [VIALS]})  # the very same client-chosen ids
        for m, name in ((a, "vax"), (a, "pharma"), (b, "vax-b")):
            await put_profile(m, name, {"needs": [NEED]})
        yield Two(a, b)


async def test_a_tenant_naming_another_tenants_need_id_gets_404_and_only_its_own_proposals(two: Two) -> None:
    a = two.a
    [vax_deal] = (
        await a.http.post(f"{profile(a, 'vax')}/needs/n-shared/proposals", headers=a.tenant("vax"))
    ).json()
    proposal = f"/parks/{PARK}/proposals/{vax_deal['proposal_id']}"
    for name, side in (("vax", {}), ("glass", {})):
        assert (await a.http.post(f"{proposal}/accept", headers=a.tenant(name), json=side)).status_code == 200
    deal = {"value_cny": "880000.00", "estimated_saving_cny": "12345.67"}
    assert (await a.http.post(f"{proposal}/deal", headers=a.operator(PARK), json=deal)).status_code == 200

    aimed = await a.http.post(f"{profile(a, 'vax')}/needs/n-shared/proposals", headers=a.tenant("pharma"))
    assert aimed.status_code == 404
    assert "880000" not in aimed.text
    assert (await a.http.get(proposal, headers=a.tenant("pharma"))).status_code == 404
    assert (await a.http.post(f"{proposal}/decline", headers=a.tenant("pharma"), json={})).status_code == 404

    own = await a.http.post(f"{profile(a, 'pharma')}/needs/n-shared/proposals", headers=a.tenant("pharma"))
    assert own.status_code == 200, own.text
    [mine] = own.json()
    assert (mine["buyer_id"], mine["supplier_id"]) == (a.id("pharma"), a.id("glass"))
    assert mine["offering_id"] == "vials"
    assert mine["proposal_id"] != vax_deal["proposal_id"]
    assert (mine["status"], mine["deal_value_cny"], mine["estimated_saving_cny"]) == ("proposed", None, None)
    listed = (await a.http.get(f"/parks/{PARK}/proposals", headers=a.tenant("pharma"))).json()
    assert [p["proposal_id"] for p in listed] == [mine["proposal_id"]]
    assert (await a.http.get(f"/parks/{PARK}/proposals", headers=a.tenant("idle"))).json() == []


async def test_another_groups_tenant_with_the_same_client_ids_gets_only_its_own_data(two: Two) -> None:
    a, b = two.a, two.b
    [theirs] = (
        await a.http.post(f"{profile(a, 'vax')}/needs/n-shared/proposals", headers=a.operator(PARK))
    ).json()
    r = await b.http.post(f"{profile(b, 'vax-b')}/needs/n-shared/proposals", headers=b.tenant("vax-b"))
    assert r.status_code == 200, r.text
    [own] = r.json()
    assert (own["buyer_id"], own["supplier_id"]) == (b.id("vax-b"), b.id("glass-b"))
    assert (own["buyer_park_id"], own["need_id"], own["offering_id"]) == (PARK_B, "n-shared", "vials")
    assert own["proposal_id"] != theirs["proposal_id"]
    assert own["deal_value_cny"] is None
    listed = (await b.http.get(f"/parks/{PARK_B}/proposals", headers=b.admin())).json()
    assert {p["buyer_id"] for p in listed} == {b.id("vax-b")}
    crossing = await b.http.get(f"/parks/{PARK}/proposals/{theirs['proposal_id']}", headers=b.admin())
    assert crossing.status_code == 404
    own_in_a = await b.http.get(f"/parks/{PARK_B}/proposals/{theirs['proposal_id']}", headers=b.admin())
    assert own_in_a.status_code == 404


async def test_parks_matchmaking_does_not_know_answer_404_and_keep_nothing(two: Two) -> None:
    a, b = two.a, two.b
    body = {"title": "Squatted", "held_on": "2026-12-01"}
    late = "mm-t-late"
    squatter = bearer(Role.PARK_OPERATOR, a.group, [late, PARK_B])
    for park in (late, PARK_B):  # not registered yet; registered by the other group
        assert (await a.http.post(f"/parks/{park}/meetings", headers=squatter, json=body)).status_code == 404
        for path in ("meetings", "profiles", "proposals", "chain-map"):
            r = await a.http.get(f"/parks/{park}/{path}", headers=squatter)
            assert r.status_code == 404, (park, path, r.text)
            assert r.json()["detail"] == f"park {park} not found"
    missing = await a.http.get(f"/parks/{PARK}/meetings/no-such-meeting", headers=a.operator(PARK))
    assert missing.status_code == 404

    await register_park(a.leasing, a.group, late)
    meetings = await known(a.http, f"/parks/{late}/meetings", squatter)
    assert meetings.status_code == 200, meetings.text
    assert meetings.json() == [], "the refused meeting left nothing behind"
    assert (await b.http.get(f"/parks/{PARK_B}/meetings", headers=b.admin())).json() == []


async def test_a_tenant_sees_only_meetings_it_is_in_and_only_its_counterparts(two: Two) -> None:
    a = two.a
    r = await a.http.post(
        f"/parks/{PARK}/meetings", headers=a.operator(PARK), json={"title": "Vials", "held_on": "2026-12-10"}
    )
    assert r.status_code == 201, r.text
    full = r.json()
    assert set(full["participants"]) == {a.id("vax"), a.id("pharma"), a.id("glass")}
    url = f"/parks/{PARK}/meetings/{full['meeting_id']}"

    vax = (await a.http.get(url, headers=a.tenant("vax"))).json()
    assert set(vax["participants"]) == {a.id("vax"), a.id("glass")}, "not the other buyer"
    assert len(vax["proposal_ids"]) == 1
    glass = (await a.http.get(url, headers=a.tenant("glass"))).json()
    assert set(glass["participants"]) == set(full["participants"]), "the supplier meets both buyers"
    assert (await a.http.get(url, headers=a.tenant("idle"))).status_code == 404
    assert (await a.http.get(f"/parks/{PARK}/meetings", headers=a.tenant("idle"))).json() == []
    [listed] = (await a.http.get(f"/parks/{PARK}/meetings", headers=a.tenant("vax"))).json()
    assert listed == vax
    assert (await a.http.get(url, headers=bearer(Role.GROUP_ADMIN, two.b.group))).status_code == 404


async def test_bad_input_is_422_naming_the_field_and_stores_nothing(two: Two) -> None:
    a = two.a
    url, before = (
        profile(a, "pharma"),
        (await a.http.get(profile(a, "pharma"), headers=a.tenant("pharma"))).json(),
    )
    cases = {
        "needs.0.text": {"needs": [{**NEED, "text": "vials\x00"}]},
        "needs.0.need_id": {"needs": [{**NEED, "need_id": "a b"}]},
        "needs.0.deadline": {"needs": [{**NEED, "deadline": "2300-01-01"}]},
        "needs.0.volume": {"needs": [{**NEED, "volume": 1e13}]},
        "needs.0.required_certifications": {"needs": [{**NEED, "required_certifications": ["GMP"] * 51}]},
        "needs.1.need_id": {"needs": [NEED, NEED]},
        "offerings.0.certifications.0": {"offerings": [{**VIALS, "certifications": ["G\nMP"]}]},
        "needs": {"needs": [NEED] * 201},
    }
    for field, body in cases.items():
        r = await a.http.put(url, headers=a.tenant("pharma"), json=body)
        assert field in invalid(r), (field, r.text)
    assert (await a.http.get(url, headers=a.tenant("pharma"))).json() == before

    propose = f"{url}/needs/n-shared/proposals"
    for k in ("0", "51", "x"):
        r = await a.http.post(f"{propose}?k={k}", headers=a.tenant("pharma"))
        assert invalid(r) == ["k"], r.text
    meetings, op = f"/parks/{PARK}/meetings", a.operator(PARK)
    count = len((await a.http.get(meetings, headers=op)).json())
    for field, body in (
        ("held_on", {"title": "Far", "held_on": "1899-12-31"}),
        ("title", {"title": "a\x07b", "held_on": "2026-12-01"}),
        ("top_k", {"title": "Many", "held_on": "2026-12-01", "top_k": 51}),
    ):
        r = await a.http.post(meetings, headers=op, json=body)
        assert field in invalid(r), r.text
    assert len((await a.http.get(meetings, headers=op)).json()) == count
    listed = (await a.http.get(f"/parks/{PARK}/proposals", headers=op)).json()
    some = listed[0]["proposal_id"]
    for field, deal in (
        ("value_cny", {"value_cny": "1000000000000.01", "estimated_saving_cny": "0"}),
        ("value_cny", {"value_cny": "1.001", "estimated_saving_cny": "0"}),
        ("estimated_saving_cny", {"value_cny": "1", "estimated_saving_cny": "-1"}),
    ):
        r = await a.http.post(f"/parks/{PARK}/proposals/{some}/deal", headers=op, json=deal)
        assert invalid(r) == [field], r.text
    status = await a.http.get(f"/parks/{PARK}/proposals?status=nonsense", headers=op)
    assert invalid(status) == ["status"]
