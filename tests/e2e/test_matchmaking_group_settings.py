"""A group admin edits the chain map and the matching settings; group-wide matching can be switched off."""

from matchmaking.main import create_app
from matchmaking.settings import MatchmakingSettings
from parkops_runtime.auth import Role

from tests.e2e.test_matchmaking_flow import PARK_A, PARK_B, Matchmaking, onboarded
from tests.support.infra import Infra
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving


async def test_weights_group_wide_matching_and_the_chain_map_are_the_groups_own(infra: Infra) -> None:
    run = run_id()
    group = f"group-{run}"
    admin, op = bearer(Role.GROUP_ADMIN, group), bearer(Role.PARK_OPERATOR, group, [PARK_A, PARK_B])
    async with serving(create_app(isolated_settings(MatchmakingSettings, infra, run))) as http:
        m = Matchmaking(run, infra, http, group)
        for tenant_id in ("vax", "glass", "leaver"):
            await m.publish(onboarded(group, tenant_id))

        async def seeded() -> bool:
            a = (await http.get(f"/parks/{PARK_A}/profiles", headers=admin)).json()
            return len(a) + len((await http.get(f"/parks/{PARK_B}/profiles", headers=admin)).json()) == 3

        await eventually(seeded)
        for tenant, park in (("glass", PARK_A), ("leaver", PARK_B)):
            body = {"offerings": [{"text": "疫苗西林瓶", "segment": "bio.packaging", "capacity": 10}]}
            assert (
                await http.put(f"/parks/{park}/profiles/{tenant}", headers=op, json=body)
            ).status_code == 200
        need = {"needs": [{"need_id": "n1", "text": "西林瓶"}]}
        assert (await http.put(f"/parks/{PARK_A}/profiles/vax", headers=op, json=need)).status_code == 200
        url = f"/parks/{PARK_A}/profiles/vax/needs/n1/proposals"
        assert {p["supplier_id"] for p in (await http.post(url, headers=op)).json()} == {"glass", "leaver"}

        settings = (await http.get("/settings", headers=admin)).json()
        assert settings["group_wide"] is True
        settings["group_wide"] = False
        settings["weights"]["anchor"] = 0.2
        assert (await http.put("/settings", headers=op, json=settings)).status_code == 403
        r = await http.put("/settings", headers=admin, json=settings)
        assert r.status_code == 200, r.text
        assert r.json()["weights"]["anchor"] == 0.2
        assert [p["supplier_id"] for p in (await http.post(url, headers=op)).json()] == ["glass"]
        bad = {**settings, "weights": {**settings["weights"], "text": -0.1}}
        assert (await http.put("/settings", headers=admin, json=bad)).status_code == 422

        chain = (await http.get("/chain-map", headers=op)).json()
        assert {"upstream": "bio.packaging", "downstream": "bio.drug_manufacturing"} in chain["edges"]
        broken = {
            **chain,
            "edges": [*chain["edges"], {"upstream": "bio.packaging", "downstream": "bio.nope"}],
        }
        r = await http.put("/chain-map", headers=admin, json=broken)
        assert r.status_code == 422
        assert "downstream" in r.json()["detail"]
        in_use = {
            "segments": [s for s in chain["segments"] if s["segment_id"] != "bio.packaging"],
            "edges": [],
        }
        r = await http.put("/chain-map", headers=admin, json=in_use)
        assert r.status_code == 409
        assert "bio.packaging" in r.json()["detail"]
        extended = {**chain, "segments": [*chain["segments"], {"segment_id": "bio.cold_boxes",
                    "name_zh": "冷链包装", "name_en": "cold-chain boxes"}]}  # fmt: skip
        extended["edges"].append({"upstream": "bio.cold_boxes", "downstream": "bio.distribution"})
        assert (await http.put("/chain-map", headers=admin, json=extended)).status_code == 200
        boxes = {"offerings": [{"text": "冷链保温箱", "segment": "bio.cold_boxes"}]}
        assert (await http.put(f"/parks/{PARK_A}/profiles/glass", headers=op, json=boxes)).status_code == 200
        other = bearer(Role.GROUP_ADMIN, "another-group")
        assert all(
            s["segment_id"] != "bio.cold_boxes"
            for s in (await http.get("/chain-map", headers=other)).json()["segments"]
        )
