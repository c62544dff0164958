"""A restarted replica folds its view again from the log (no snapshot yet: from nothing) and reads
proposals and meetings from the store: it serves what it served before."""

from matchmaking.main import create_app
from matchmaking.settings import MatchmakingSettings

from tests.e2e.test_matchmaking_flow import PARK_A, TENANTS
from tests.support.infra import Infra
from tests.support.matchmaking import Matchmaking, leasing_running, ready
from tests.support.services import isolated_settings, run_id, serving


async def test_a_restarted_service_serves_the_same_profiles_proposals_and_penalties(infra: Infra) -> None:
    run = run_id()
    settings = isolated_settings(MatchmakingSettings, infra, run)
    group = f"group-{run}"
    async with leasing_running(infra, run) as leasing:
        async with serving(create_app(settings)) as http:
            m = Matchmaking(run, infra, http, leasing, group)
            await m.settle({name: TENANTS[name] for name in ("vax", "glass")})
            op = m.operator(PARK_A)
            vax, glass = m.id("vax"), m.id("glass")
            need_url = f"/parks/{PARK_A}/profiles/{vax}/needs/n1/proposals"
            offering = {"text": "疫苗西林瓶", "segment": "bio.packaging", "capacity": 10}
            put = await http.put(
                f"/parks/{PARK_A}/profiles/{glass}", headers=op, json={"offerings": [offering]}
            )
            assert put.status_code == 200, put.text
            put = await http.put(
                f"/parks/{PARK_A}/profiles/{vax}",
                headers=op,
                json={"needs": [{"need_id": "n1", "text": "西林瓶"}]},
            )
            assert put.status_code == 200, put.text
            [first] = (await http.post(need_url, headers=op)).json()
            proposal_url = f"/parks/{PARK_A}/proposals/{first['proposal_id']}"
            r = await http.post(f"{proposal_url}/decline", headers=op, json={"enterprise_id": vax})
            assert r.status_code == 200, r.text
            body = {"title": "December", "held_on": "2026-12-15", "top_k": 3}
            meeting = (await http.post(f"/parks/{PARK_A}/meetings", headers=op, json=body)).json()
            attendance = f"/parks/{PARK_A}/meetings/{meeting['meeting_id']}/attendance"
            assert (await http.post(attendance, headers=op, json={"tenant_id": glass})).status_code == 200

        async with serving(create_app(settings)) as http:
            await ready(http)
            assert len((await http.get(f"/parks/{PARK_A}/profiles", headers=op)).json()) == 2
            declined = (await http.get(proposal_url, headers=op)).json()
            assert declined["status"] == "declined"
            [again] = (await http.post(need_url, headers=op)).json()
            assert again["supplier_id"] == glass
            assert any(c["name"] == "declined_before" for c in again["breakdown"])
            stored = (await http.get(f"/parks/{PARK_A}/meetings/{meeting['meeting_id']}", headers=op)).json()
            assert stored == {**meeting, "attended": [glass]}
            assert (await http.post(attendance, headers=op, json={"tenant_id": glass})).status_code == 409
