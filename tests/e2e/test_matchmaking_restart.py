"""The in-memory index and proposals are rebuilt from the store when the service restarts."""

from matchmaking.main import create_app
from matchmaking.settings import MatchmakingSettings
from parkops_runtime.auth import Role

from tests.e2e.test_matchmaking_flow import PARK_A, Matchmaking, onboarded
from tests.support.infra import Infra
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving


async def test_a_restarted_service_serves_the_same_profiles_proposals_and_penalties(infra: Infra) -> None:
    run = run_id()
    settings = isolated_settings(MatchmakingSettings, infra, run)
    group = f"group-{run}"
    op = bearer(Role.PARK_OPERATOR, group, [PARK_A])
    need_url = f"/parks/{PARK_A}/profiles/vax/needs/n1/proposals"
    async with serving(create_app(settings)) as http:
        m = Matchmaking(run, infra, http, group)
        for tenant_id in ("vax", "glass"):
            await m.publish(onboarded(group, tenant_id))

        async def seeded() -> bool:
            return len((await http.get(f"/parks/{PARK_A}/profiles", headers=op)).json()) == 2

        await eventually(seeded)
        offering = {"text": "疫苗西林瓶", "segment": "bio.packaging", "capacity": 10}
        put = await http.put(f"/parks/{PARK_A}/profiles/glass", headers=op, json={"offerings": [offering]})
        assert put.status_code == 200, put.text
        put = await http.put(
            f"/parks/{PARK_A}/profiles/vax", headers=op, json={"needs": [{"need_id": "n1", "text": "西林瓶"}]}
        )
        assert put.status_code == 200, put.text
        [first] = (await http.post(need_url, headers=op)).json()
        r = await http.post(
            f"/proposals/{first['proposal_id']}/decline", headers=op, json={"enterprise_id": "vax"}
        )
        assert r.status_code == 200, r.text
        body = {"title": "December", "held_on": "2026-12-15", "top_k": 3}
        meeting = (await http.post(f"/parks/{PARK_A}/meetings", headers=op, json=body)).json()
        attendance = f"/parks/{PARK_A}/meetings/{meeting['meeting_id']}/attendance"
        assert (await http.post(attendance, headers=op, json={"tenant_id": "glass"})).status_code == 200

    async with serving(create_app(settings)) as http:
        assert len((await http.get(f"/parks/{PARK_A}/profiles", headers=op)).json()) == 2
        declined = (await http.get(f"/proposals/{first['proposal_id']}", headers=op)).json()
        assert declined["status"] == "declined"
        [again] = (await http.post(need_url, headers=op)).json()
        assert again["supplier_id"] == "glass"
        assert any(c["name"] == "declined_before" for c in again["breakdown"])
        stored = (await http.get(f"/parks/{PARK_A}/meetings/{meeting['meeting_id']}", headers=op)).json()
        assert stored == {**meeting, "attended": ["glass"]}
        assert (await http.post(attendance, headers=op, json={"tenant_id": "glass"})).status_code == 409
