"""Matchmaking over the real broker and store: TenantOnboarded seeds profiles, proposals with their
score breakdown, acceptance by both sides, deals, meetings with attendance, scoping and bad input."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from matchmaking.main import create_app
from matchmaking.settings import MatchmakingSettings
from parkops_contracts.base import Event
from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded, TerminationReason
from parkops_contracts.events.matchmaking import DealClosed, MatchAccepted, MatchmakingMeetingAttended
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_topic
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving

PARK_A, PARK_B = "mm-park-a", "mm-park-b"
TENANTS = {  # tenant id -> (park, industry code, name)
    "vax": (PARK_A, "C2762", "Suzhou Vaccine Co"),
    "glass": (PARK_A, "C3055", "Glass Vials Ltd"),
    "chips": (PARK_B, "C3973", "Wafer Fab Co"),
    "leaver": (PARK_B, "C3055", "Leaving Packaging Co"),
}


@dataclass
class Matchmaking:
    run: str
    infra: Infra
    http: httpx.AsyncClient
    group: str

    def topic(self, event: type[Event]) -> str:
        return event.topic(f"t{self.run}")

    def operator(self, *parks: str) -> dict[str, str]:
        return bearer(Role.PARK_OPERATOR, self.group, list(parks))

    def tenant(self, tenant_id: str) -> dict[str, str]:
        return bearer(Role.TENANT_USER, self.group, [TENANTS[tenant_id][0]], tenant_id)

    async def publish(self, event: Event) -> None:
        headers = envelope(type(event))
        await produce(
            self.infra.kafka_bootstrap_servers,
            self.topic(type(event)),
            [(event.model_dump_json().encode(), headers)],
            event.key().encode(),
        )


def onboarded(group: str, tenant_id: str) -> TenantOnboarded:
    park, industry, name = TENANTS[tenant_id]
    return TenantOnboarded(
        park_id=park, group_id=group, tenant_id=tenant_id, name=name, credit_code="x" * 18,
        industry_code=industry, in_leading_industry=True, high_tech=True, founded_on=date(2024, 1, 1),
        headcount=30, unit_ids=["u1"], leased_area_m2=Decimal("100"), onboarded_at=datetime.now(UTC),
    )  # fmt: skip


@pytest.fixture(scope="module")
async def mm(infra: Infra) -> AsyncIterator[Matchmaking]:
    run = run_id()
    app = create_app(isolated_settings(MatchmakingSettings, infra, run))
    async with serving(app) as http:
        m = Matchmaking(run, infra, http, f"group-{run}")
        for tenant_id in TENANTS:
            await m.publish(onboarded(m.group, tenant_id))
            await m.publish(onboarded(m.group, tenant_id))  # redelivered: no second effect
        admin = bearer(Role.GROUP_ADMIN, m.group)

        async def all_seeded() -> bool:
            a = await http.get(f"/parks/{PARK_A}/profiles", headers=admin)
            b = await http.get(f"/parks/{PARK_B}/profiles", headers=admin)
            return len(a.json()) == 2 and len(b.json()) == 2

        await eventually(all_seeded)
        await declare(m, "glass", PARK_A, offerings=[
            {"offering_id": "vials", "text": "中硼硅玻璃瓶 疫苗西林瓶 borosilicate vaccine vials",
             "segment": "bio.packaging", "capacity": 20000, "certifications": ["GMP"]},
        ])  # fmt: skip
        await declare(m, "chips", PARK_B, offerings=[
            {"offering_id": "wafers", "text": "12英寸晶圆代工", "segment": "ic.wafer_fab", "capacity": 500},
        ])  # fmt: skip
        await declare(m, "leaver", PARK_B, offerings=[
            {"offering_id": "old-vials", "text": "疫苗西林瓶", "segment": "bio.packaging", "capacity": 100},
        ])  # fmt: skip
        await declare(m, "vax", PARK_A, needs=[
            {"need_id": "need-vials", "text": "采购疫苗西林瓶 glass vials", "volume": 5000,
             "required_certifications": ["GMP"]},
        ])  # fmt: skip
        yield m


async def declare(m: Matchmaking, tenant_id: str, park: str, **body: object) -> dict[str, object]:
    r = await m.http.put(f"/parks/{park}/profiles/{tenant_id}", headers=m.operator(park), json=body)
    assert r.status_code == 200, r.text
    result: dict[str, object] = r.json()
    return result


async def propose(m: Matchmaking, headers: dict[str, str]) -> httpx.Response:
    return await m.http.post(f"/parks/{PARK_A}/profiles/vax/needs/need-vials/proposals", headers=headers)


async def test_the_asyncapi_document_lists_what_matchmaking_publishes_and_consumes(mm: Matchmaking) -> None:
    document = json.dumps((await mm.http.get("/asyncapi.json")).json())
    for contract in (MatchAccepted, DealClosed, MatchmakingMeetingAttended, TenantOnboarded, LeaseTerminated):
        assert mm.topic(contract) in document


async def test_onboarding_seeds_a_profile_from_the_industry_code(mm: Matchmaking) -> None:
    r = await mm.http.get(f"/parks/{PARK_A}/profiles/vax", headers=mm.tenant("vax"))
    assert r.status_code == 200, r.text
    assert r.json()["segment"] == "bio.drug_manufacturing"
    assert r.json()["active"] is True
    assert (await mm.http.get(f"/parks/{PARK_A}/profiles/glass", headers=mm.tenant("vax"))).status_code == 404


async def test_proposals_are_explained_accepted_by_both_sides_and_become_deals(mm: Matchmaking) -> None:
    r = await propose(mm, mm.tenant("vax"))
    assert r.status_code == 200, r.text
    ranked = r.json()
    assert ranked[0]["supplier_id"] == "glass"
    assert {"chain", "text", "certifications", "capacity", "proximity", "anchor"} <= {
        c["name"] for c in ranked[0]["breakdown"]
    }
    assert "directly supplies" in next(c["reason"] for c in ranked[0]["breakdown"] if c["name"] == "chain")
    again = await propose(mm, mm.operator(PARK_A))
    assert again.json()[0]["proposal_id"] == ranked[0]["proposal_id"], "an open proposal is reused"
    pid = ranked[0]["proposal_id"]

    first = await mm.http.post(f"/proposals/{pid}/accept", headers=mm.tenant("vax"), json={})
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "proposed"
    twice = await mm.http.post(f"/proposals/{pid}/accept", headers=mm.tenant("vax"), json={})
    assert twice.status_code == 409
    early_deal = await mm.http.post(
        f"/proposals/{pid}/deal",
        headers=mm.operator(PARK_A),
        json={"value_cny": "1000", "estimated_saving_cny": "150"},
    )
    assert early_deal.status_code == 409
    other_side = await mm.http.post(
        f"/proposals/{pid}/accept", headers=mm.operator(PARK_A), json={"enterprise_id": "glass"}
    )
    assert other_side.json()["status"] == "accepted"
    deal = await mm.http.post(
        f"/proposals/{pid}/deal",
        headers=mm.operator(PARK_A),
        json={"value_cny": "250000.00", "estimated_saving_cny": "37500.00"},
    )
    assert deal.status_code == 200, deal.text
    assert (
        await mm.http.post(f"/proposals/{pid}/decline", headers=mm.tenant("glass"), json={})
    ).status_code == 409

    for contract in (MatchAccepted, DealClosed):
        records = await read_topic(mm.infra.kafka_bootstrap_servers, mm.topic(contract), at_least=1)
        bodies = [json.loads(r.value) for r in records]
        assert [b["proposal_id"] for b in bodies] == [pid]
        assert bodies[0]["buyer_id"] == "vax"


async def test_a_decline_is_final_and_penalises_the_pair(mm: Matchmaking) -> None:
    ranked = (await propose(mm, mm.operator(PARK_A))).json()
    other = next(p for p in ranked if p["supplier_id"] == "leaver")
    declined = await mm.http.post(
        f"/proposals/{other['proposal_id']}/decline", headers=mm.tenant("vax"), json={}
    )
    assert declined.json()["status"] == "declined"
    late = await mm.http.post(
        f"/proposals/{other['proposal_id']}/accept",
        headers=mm.operator(PARK_B),
        json={"enterprise_id": "leaver"},
    )
    assert late.status_code == 409
    fresh = (await propose(mm, mm.operator(PARK_A))).json()
    again = next(p for p in fresh if p["supplier_id"] == "leaver")
    assert again["proposal_id"] != other["proposal_id"]
    assert any(c["name"] == "declined_before" for c in again["breakdown"])
    assert again["score"] < other["score"]


async def test_each_caller_sees_only_its_own_proposals(mm: Matchmaking) -> None:
    await propose(mm, mm.operator(PARK_A))
    glass = (await mm.http.get("/proposals", headers=mm.tenant("glass"))).json()
    chips = (await mm.http.get("/proposals", headers=mm.tenant("chips"))).json()
    assert glass
    assert all("glass" in (p["buyer_id"], p["supplier_id"]) for p in glass)
    assert all("chips" in (p["buyer_id"], p["supplier_id"]) for p in chips)
    park_b = (await mm.http.get("/proposals", headers=mm.operator(PARK_B))).json()
    assert all(PARK_B in (p["buyer_park_id"], p["supplier_park_id"]) for p in park_b)
    hidden = next(p for p in glass if "chips" not in (p["buyer_id"], p["supplier_id"]))
    assert (
        await mm.http.get(f"/proposals/{hidden['proposal_id']}", headers=mm.tenant("chips"))
    ).status_code == 404
    other_group = bearer(Role.GROUP_ADMIN, "another-group")
    assert (await mm.http.get("/proposals", headers=other_group)).json() == []


async def test_bad_input_names_the_field_and_other_parks_answer_404(mm: Matchmaking) -> None:
    url, op = f"/parks/{PARK_A}/profiles/vax", mm.operator(PARK_A)
    empty = await mm.http.put(url, headers=op, json={"needs": [{"text": "   "}]})
    assert empty.status_code == 422
    assert ["body", "needs", 0, "text"] in [e["loc"] for e in empty.json()["detail"]]
    punctuation = await mm.http.put(url, headers=op, json={"needs": [{"text": "\uff1f\uff01\u3002"}]})
    assert punctuation.status_code == 422
    assert "needs.0.text" in punctuation.json()["detail"]
    unknown = await mm.http.put(
        url, headers=op, json={"offerings": [{"text": "疫苗", "segment": "bio.nope"}]}
    )
    assert unknown.status_code == 422
    assert "offerings.0.segment" in unknown.json()["detail"]
    negative = await mm.http.put(url, headers=op, json={"offerings": [{"text": "疫苗", "capacity": -1}]})
    assert negative.status_code == 422
    assert ["body", "offerings", 0, "capacity"] in [e["loc"] for e in negative.json()["detail"]]
    still = (await mm.http.get(url, headers=op)).json()
    assert [n["need_id"] for n in still["needs"]] == ["need-vials"], "nothing was half-written"

    foreign = await mm.http.post(f"/parks/{PARK_B}/profiles/chips/needs/x/proposals", headers=op)
    assert foreign.status_code == 404
    wrong_park = await mm.http.post(
        f"/parks/{PARK_A}/profiles/chips/needs/x/proposals", headers=mm.operator(PARK_A, PARK_B)
    )
    assert wrong_park.status_code == 404
    assert (await propose(mm, mm.tenant("glass"))).status_code == 404


async def test_a_meeting_batches_proposals_and_bills_attendance_once(mm: Matchmaking) -> None:
    op = mm.operator(PARK_A)
    r = await mm.http.post(
        f"/parks/{PARK_A}/meetings",
        headers=op,
        json={"title": "November supply meeting", "held_on": "2026-11-30"},
    )
    assert r.status_code == 201, r.text
    meeting = r.json()
    assert {"vax", "glass"} <= set(meeting["participants"])
    assert len(meeting["proposal_ids"]) == len(set(meeting["proposal_ids"]))
    url = f"/parks/{PARK_A}/meetings/{meeting['meeting_id']}/attendance"
    assert (await mm.http.post(url, headers=op, json={"tenant_id": "vax"})).status_code == 200
    assert (await mm.http.post(url, headers=op, json={"tenant_id": "vax"})).status_code == 409
    assert (await mm.http.post(url, headers=op, json={"tenant_id": "nobody"})).status_code == 404
    assert (await mm.http.post(url, headers=mm.tenant("vax"), json={"tenant_id": "vax"})).status_code == 403
    records = await read_topic(
        mm.infra.kafka_bootstrap_servers, mm.topic(MatchmakingMeetingAttended), at_least=1
    )
    assert [json.loads(r.value)["tenant_id"] for r in records] == ["vax"]


async def test_a_terminated_lease_retires_the_profile_from_new_matches(mm: Matchmaking) -> None:
    before = (await propose(mm, mm.operator(PARK_A))).json()
    assert "chips" in {p["supplier_id"] for p in before}
    await mm.publish(
        LeaseTerminated(
            park_id=PARK_B, group_id=mm.group, lease_id="l1", tenant_id="chips", unit_ids=["u1"],
            released_area_m2=Decimal("100"), terminated_on=date(2026, 11, 30),
            reason=TerminationReason.RELOCATION, terminated_at=datetime.now(UTC),
        )
    )  # fmt: skip

    async def retired() -> bool:
        r = await mm.http.get(f"/parks/{PARK_B}/profiles/chips", headers=mm.operator(PARK_B))
        return r.json()["active"] is False

    await eventually(retired)
    ranked = (await propose(mm, mm.operator(PARK_A))).json()
    assert "chips" not in {p["supplier_id"] for p in ranked}
    await declare(mm, "chips", PARK_B, needs=[{"need_id": "n-chips", "text": "光刻胶"}])
    own = await mm.http.post(
        f"/parks/{PARK_B}/profiles/chips/needs/n-chips/proposals", headers=mm.operator(PARK_B)
    )
    assert own.status_code == 409
