"""Matchmaking over the real broker and store, with leasing in-process: onboarding in leasing seeds
profiles, proposals with their score breakdown, acceptance by both sides, deals, meetings with
attendance, scoping and bad input."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded, TerminationReason
from parkops_contracts.events.matchmaking import DealClosed, MatchAccepted, MatchmakingMeetingAttended
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.matchmaking import Enterprises, Matchmaking, matchmaking_running
from tests.support.services import bearer, eventually, run_id

PARK_A, PARK_B = "mm-park-a", "mm-park-b"
TENANTS: Enterprises = {
    "vax": (PARK_A, "C2762", "Suzhou Vaccine Co"),
    "glass": (PARK_A, "C3055", "Glass Vials Ltd"),
    "chips": (PARK_B, "C3973", "Wafer Fab Co"),
    "leaver": (PARK_B, "C3055", "Leaving Packaging Co"),
}


def onboarded_again(m: Matchmaking, name: str) -> TenantOnboarded:
    """A redelivery of an enterprise's onboarding (leasing's own event went out already)."""
    park, industry, display = TENANTS[name]
    return TenantOnboarded(
        park_id=park, group_id=m.group, tenant_id=m.id(name), name=display, credit_code="x" * 18,
        industry_code=industry, in_leading_industry=True, high_tech=True, founded_on=date(2024, 1, 1),
        headcount=30, unit_ids=["u1"], leased_area_m2=Decimal("100"), onboarded_at=datetime.now(UTC),
    )  # fmt: skip


@pytest.fixture(scope="module")
async def mm(infra: Infra) -> AsyncIterator[Matchmaking]:
    run = run_id()
    async with matchmaking_running(infra, run, f"group-{run}") as m:
        await m.settle(TENANTS)
        await m.publish(onboarded_again(m, "vax"))  # redelivered: no second effect
        await declare(m, "glass", offerings=[
            {"offering_id": "vials", "text": "中硼硅玻璃瓶 疫苗西林瓶 borosilicate vaccine vials",
             "segment": "bio.packaging", "capacity": 20000, "certifications": ["GMP"]},
        ])  # fmt: skip
        await declare(m, "chips", offerings=[
            {"offering_id": "wafers", "text": "12英寸晶圆代工", "segment": "ic.wafer_fab", "capacity": 500},
        ])  # fmt: skip
        await declare(m, "leaver", offerings=[
            {"offering_id": "old-vials", "text": "疫苗西林瓶", "segment": "bio.packaging", "capacity": 100},
        ])  # fmt: skip
        await declare(m, "vax", needs=[
            {"need_id": "need-vials", "text": "采购疫苗西林瓶 glass vials", "volume": 5000,
             "required_certifications": ["GMP"]},
        ])  # fmt: skip
        yield m


def profile_url(m: Matchmaking, name: str) -> str:
    return f"/parks/{TENANTS[name][0]}/profiles/{m.id(name)}"


def proposal_url(m: Matchmaking, park: str, proposal_id: str, action: str = "") -> str:
    return f"/parks/{park}/proposals/{proposal_id}" + (f"/{action}" if action else "")


async def declare(m: Matchmaking, name: str, **body: object) -> dict[str, object]:
    park = TENANTS[name][0]
    r = await m.http.put(profile_url(m, name), headers=m.operator(park), json=body)
    assert r.status_code == 200, r.text
    result: dict[str, object] = r.json()
    return result


async def propose(m: Matchmaking, headers: dict[str, str]) -> httpx.Response:
    return await m.http.post(f"{profile_url(m, 'vax')}/needs/need-vials/proposals", headers=headers)


async def test_the_asyncapi_document_lists_what_matchmaking_publishes_and_consumes(mm: Matchmaking) -> None:
    document = json.dumps((await mm.http.get("/asyncapi.json")).json())
    for contract in (MatchAccepted, DealClosed, MatchmakingMeetingAttended, TenantOnboarded, LeaseTerminated):
        assert mm.topic(contract) in document


async def test_onboarding_seeds_a_profile_from_the_industry_code(mm: Matchmaking) -> None:
    r = await mm.http.get(profile_url(mm, "vax"), headers=mm.tenant("vax"))
    assert r.status_code == 200, r.text
    assert r.json()["segment"] == "bio.drug_manufacturing"
    assert r.json()["active"] is True
    assert (await mm.http.get(profile_url(mm, "glass"), headers=mm.tenant("vax"))).status_code == 404
    listed = (await mm.http.get(f"/parks/{PARK_A}/profiles", headers=mm.admin())).json()
    assert sorted(p["tenant_id"] for p in listed) == sorted([mm.id("vax"), mm.id("glass")])
    own = (await mm.http.get(f"/parks/{PARK_A}/profiles", headers=mm.tenant("vax"))).json()
    assert [p["tenant_id"] for p in own] == [mm.id("vax")]


async def test_proposals_are_explained_accepted_by_both_sides_and_become_deals(mm: Matchmaking) -> None:
    r = await propose(mm, mm.tenant("vax"))
    assert r.status_code == 200, r.text
    ranked = r.json()
    assert ranked[0]["supplier_id"] == mm.id("glass")
    assert {"chain", "text", "certifications", "capacity", "proximity", "anchor"} <= {
        c["name"] for c in ranked[0]["breakdown"]
    }
    assert "directly supplies" in next(c["reason"] for c in ranked[0]["breakdown"] if c["name"] == "chain")
    again = await propose(mm, mm.operator(PARK_A))
    assert again.json()[0]["proposal_id"] == ranked[0]["proposal_id"], "an open proposal is reused"
    pid = ranked[0]["proposal_id"]

    accept = proposal_url(mm, PARK_A, pid, "accept")
    first = await mm.http.post(accept, headers=mm.tenant("vax"), json={})
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "proposed"
    twice = await mm.http.post(accept, headers=mm.tenant("vax"), json={})
    assert twice.status_code == 409
    deal = proposal_url(mm, PARK_A, pid, "deal")
    early_deal = await mm.http.post(
        deal, headers=mm.operator(PARK_A), json={"value_cny": "1000", "estimated_saving_cny": "150"}
    )
    assert early_deal.status_code == 409
    other_side = await mm.http.post(
        accept, headers=mm.operator(PARK_A), json={"enterprise_id": mm.id("glass")}
    )
    assert other_side.json()["status"] == "accepted"
    by_tenant = await mm.http.post(
        deal, headers=mm.tenant("vax"), json={"value_cny": "1.00", "estimated_saving_cny": "0"}
    )
    assert by_tenant.status_code == 403, "a side sees the proposal; recording deals is staff's"
    terms = {"value_cny": "250000.00", "estimated_saving_cny": "37500.00"}
    unfit = await mm.http.post(deal, headers=mm.operator(PARK_A), json=terms | {"saving_percent": "0"})
    assert unfit.status_code == 422, unfit.text
    assert [e["field"] for e in unfit.json()["errors"]] == ["saving_percent"]
    closed = await mm.http.post(deal, headers=mm.operator(PARK_A), json=terms)
    assert closed.status_code == 200, closed.text
    # the saving as agreed: 37,500 / (250,000 + 37,500) = 13.043...% of what the buyer paid before
    shown = closed.json()
    assert (shown["estimated_saving_cny"], shown["saving_percent"]) == ("37500.00", "13.04")
    declined = await mm.http.post(
        proposal_url(mm, PARK_A, pid, "decline"), headers=mm.tenant("glass"), json={}
    )
    assert declined.status_code == 409

    for contract in (MatchAccepted, DealClosed):
        records = await read_all(mm.infra.kafka_bootstrap_servers, mm.topic(contract), at_least=1)
        bodies = [json.loads(r.value) for r in records]
        assert [b["proposal_id"] for b in bodies] == [pid]
        assert bodies[0]["buyer_id"] == mm.id("vax")
    assert (bodies[0]["estimated_saving_cny"], bodies[0]["saving_percent"]) == ("37500.00", "13.04")
    # the proposal shows when its deal closed, as DealClosed says (the reconciliation dates deals by it)
    assert datetime.fromisoformat(shown["closed_at"]) == datetime.fromisoformat(bodies[0]["closed_at"])


async def test_a_decline_is_final_and_penalises_the_pair(mm: Matchmaking) -> None:
    ranked = (await propose(mm, mm.operator(PARK_A))).json()
    other = next(p for p in ranked if p["supplier_id"] == mm.id("leaver"))
    declined = await mm.http.post(
        proposal_url(mm, PARK_A, other["proposal_id"], "decline"), headers=mm.tenant("vax"), json={}
    )
    assert declined.json()["status"] == "declined"
    late = await mm.http.post(
        proposal_url(mm, PARK_B, other["proposal_id"], "accept"),
        headers=mm.operator(PARK_B),
        json={"enterprise_id": mm.id("leaver")},
    )
    assert late.status_code == 409
    fresh = (await propose(mm, mm.operator(PARK_A))).json()
    again = next(p for p in fresh if p["supplier_id"] == mm.id("leaver"))
    assert again["proposal_id"] != other["proposal_id"]
    assert any(c["name"] == "declined_before" for c in again["breakdown"])
    assert again["score"] < other["score"]


async def test_each_caller_sees_only_its_own_proposals(mm: Matchmaking) -> None:
    await propose(mm, mm.operator(PARK_A))
    glass = (await mm.http.get(f"/parks/{PARK_A}/proposals", headers=mm.tenant("glass"))).json()
    chips = (await mm.http.get(f"/parks/{PARK_B}/proposals", headers=mm.tenant("chips"))).json()
    park_a = (await mm.http.get(f"/parks/{PARK_A}/proposals", headers=mm.operator(PARK_A))).json()
    park_b = (await mm.http.get(f"/parks/{PARK_B}/proposals", headers=mm.operator(PARK_B))).json()

    def ids(proposals: list[dict[str, Any]]) -> set[str]:
        return {p["proposal_id"] for p in proposals}

    def of(who: str, proposals: list[dict[str, Any]]) -> set[str]:
        return ids([p for p in proposals if mm.id(who) in (p["buyer_id"], p["supplier_id"])])

    assert of("glass", park_a)  # the park's operator sees proposals the tenant is a party to
    assert ids(glass) == of("glass", park_a)  # ... and the tenant sees exactly those
    leaver = (await mm.http.get(f"/parks/{PARK_B}/proposals", headers=mm.tenant("leaver"))).json()
    assert of("leaver", park_b)
    assert ids(leaver) == of("leaver", park_b)
    assert of("chips", park_b)  # ranked low (wafers for vials) but proposed all the same
    assert ids(chips) == of("chips", park_b)
    assert park_b  # vax's need in park A drew a supplier of park B (the leaver)
    assert [p for p in park_b if PARK_B not in (p["buyer_park_id"], p["supplier_park_id"])] == []
    hidden = next(p for p in glass if mm.id("chips") not in (p["buyer_id"], p["supplier_id"]))
    for park in (PARK_A, PARK_B):
        url = proposal_url(mm, park, hidden["proposal_id"])
        assert (await mm.http.get(url, headers=mm.tenant("chips"))).status_code == 404
    other_group = bearer(Role.GROUP_ADMIN, "another-group")
    assert (await mm.http.get(f"/parks/{PARK_A}/proposals", headers=other_group)).status_code == 404


async def test_bad_input_names_the_field_and_other_parks_answer_404(mm: Matchmaking) -> None:
    url, op = profile_url(mm, "vax"), mm.operator(PARK_A)
    empty = await mm.http.put(url, headers=op, json={"needs": [{"text": "   "}]})
    assert empty.status_code == 422
    assert "needs.0.text" in [e["field"] for e in empty.json()["errors"]]
    punctuation = await mm.http.put(url, headers=op, json={"needs": [{"text": "\uff1f\uff01\u3002"}]})
    assert punctuation.status_code == 422
    assert [e["field"] for e in punctuation.json()["errors"]] == ["needs.0.text"]
    unknown = await mm.http.put(
        url, headers=op, json={"offerings": [{"text": "疫苗", "segment": "bio.nope"}]}
    )
    assert unknown.status_code == 422
    assert "offerings.0.segment" in unknown.json()["detail"]
    negative = await mm.http.put(url, headers=op, json={"offerings": [{"text": "疫苗", "capacity": -1}]})
    assert negative.status_code == 422
    assert "offerings.0.capacity" in [e["field"] for e in negative.json()["errors"]]
    still = (await mm.http.get(url, headers=op)).json()
    assert [n["need_id"] for n in still["needs"]] == ["need-vials"], "nothing was half-written"

    chips = f"/parks/{PARK_B}/profiles/{mm.id('chips')}/needs/x/proposals"
    assert (await mm.http.post(chips, headers=op)).status_code == 404
    wrong_park = f"/parks/{PARK_A}/profiles/{mm.id('chips')}/needs/x/proposals"
    assert (await mm.http.post(wrong_park, headers=mm.operator(PARK_A, PARK_B))).status_code == 404
    assert (await propose(mm, mm.tenant("glass"))).status_code == 404
    auditor = bearer(Role.AUDITOR, mm.group)
    assert (await propose(mm, auditor)).status_code == 403, "an auditor sees the need, may not act"


async def test_a_meeting_batches_proposals_and_bills_attendance_once(mm: Matchmaking) -> None:
    op = mm.operator(PARK_A)
    r = await mm.http.post(
        f"/parks/{PARK_A}/meetings",
        headers=op,
        json={"title": "November supply meeting", "held_on": "2026-11-30"},
    )
    assert r.status_code == 201, r.text
    meeting = r.json()
    assert {mm.id("vax"), mm.id("glass")} <= set(meeting["participants"])
    assert len(meeting["proposal_ids"]) == len(set(meeting["proposal_ids"]))
    url = f"/parks/{PARK_A}/meetings/{meeting['meeting_id']}/attendance"
    vax = {"tenant_id": mm.id("vax")}
    assert (await mm.http.post(url, headers=op, json=vax)).status_code == 200
    assert (await mm.http.post(url, headers=op, json=vax)).status_code == 409
    assert (await mm.http.post(url, headers=op, json={"tenant_id": "nobody"})).status_code == 404
    assert (await mm.http.post(url, headers=mm.tenant("vax"), json=vax)).status_code == 403
    records = await read_all(
        mm.infra.kafka_bootstrap_servers, mm.topic(MatchmakingMeetingAttended), at_least=1
    )
    assert [json.loads(r.value)["tenant_id"] for r in records] == [mm.id("vax")]


async def test_a_terminated_lease_retires_the_profile_from_new_matches(mm: Matchmaking) -> None:
    before = (await propose(mm, mm.operator(PARK_A))).json()
    assert mm.id("chips") in {p["supplier_id"] for p in before}
    await mm.publish(
        LeaseTerminated(
            park_id=PARK_B, group_id=mm.group, lease_id="l1", tenant_id=mm.id("chips"), unit_ids=["u1"],
            released_area_m2=Decimal("100"), terminated_on=date(2026, 11, 30),
            reason=TerminationReason.RELOCATION, terminated_at=datetime.now(UTC),
        )
    )  # fmt: skip

    async def retired() -> bool:
        r = await mm.http.get(profile_url(mm, "chips"), headers=mm.operator(PARK_B))
        return r.json()["active"] is False

    await eventually(retired)
    ranked = (await propose(mm, mm.operator(PARK_A))).json()
    assert mm.id("chips") not in {p["supplier_id"] for p in ranked}
    await declare(mm, "chips", needs=[{"need_id": "n-chips", "text": "光刻胶"}])
    own = await mm.http.post(
        f"{profile_url(mm, 'chips')}/needs/n-chips/proposals", headers=mm.operator(PARK_B)
    )
    assert own.status_code == 409
