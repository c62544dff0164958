"""A group admin edits the chain map and the matching settings; group-wide matching can be switched off."""

from parkops_runtime.auth import Role

from tests.e2e.test_matchmaking_flow import PARK_A, PARK_B, TENANTS
from tests.support.infra import Infra
from tests.support.matchmaking import matchmaking_running
from tests.support.services import bearer, run_id


async def test_weights_group_wide_matching_and_the_chain_map_are_the_groups_own(infra: Infra) -> None:
    run = run_id()
    group = f"group-{run}"
    admin, op = bearer(Role.GROUP_ADMIN, group), bearer(Role.PARK_OPERATOR, group, [PARK_A, PARK_B])
    async with matchmaking_running(infra, run, group) as m:
        other = bearer(Role.GROUP_ADMIN, "another-group")
        unknown = await m.http.put("/groups/another-group/settings", headers=other, json={
            "weights": {"chain": 0.3, "text": 0.3, "certifications": 0.1, "capacity": 0.1, "proximity": 0.1,
                        "anchor": 0.1, "declined_penalty": 0.2}, "group_wide": True})  # fmt: skip
        assert unknown.status_code == 404, "nothing is stored for a group owning no park matchmaking knows"
        http = m.http
        await m.settle({name: TENANTS[name] for name in ("vax", "glass", "leaver")})
        for name in ("glass", "leaver"):
            body = {"offerings": [{"text": "疫苗西林瓶", "segment": "bio.packaging", "capacity": 10}]}
            url = f"/parks/{TENANTS[name][0]}/profiles/{m.id(name)}"
            assert (await http.put(url, headers=op, json=body)).status_code == 200
        need = {"needs": [{"need_id": "n1", "text": "西林瓶"}]}
        vax = f"/parks/{PARK_A}/profiles/{m.id('vax')}"
        assert (await http.put(vax, headers=op, json=need)).status_code == 200
        url = f"{vax}/needs/n1/proposals"
        suppliers = {p["supplier_id"] for p in (await http.post(url, headers=op)).json()}
        assert suppliers == {m.id("glass"), m.id("leaver")}

        settings_url, chain_url = f"/groups/{group}/settings", f"/groups/{group}/chain-map"
        settings = (await http.get(settings_url, headers=admin)).json()
        assert settings["group_wide"] is True
        settings["group_wide"] = False
        settings["weights"]["anchor"] = 0.2
        assert (await http.put(settings_url, headers=op, json=settings)).status_code == 403
        assert (await http.put(settings_url, headers=other, json=settings)).status_code == 404
        r = await http.put(settings_url, headers=admin, json=settings)
        assert r.status_code == 200, r.text
        assert r.json()["weights"]["anchor"] == 0.2
        assert [p["supplier_id"] for p in (await http.post(url, headers=op)).json()] == [m.id("glass")]
        bad = {**settings, "weights": {**settings["weights"], "text": -0.1}}
        r = await http.put(settings_url, headers=admin, json=bad)
        assert r.status_code == 422
        assert [e["field"] for e in r.json()["errors"]] == ["weights.text"]

        chain = (await http.get(f"/parks/{PARK_A}/chain-map", headers=m.tenant("vax"))).json()
        assert chain == (await http.get(chain_url, headers=admin)).json()
        assert {"upstream": "bio.packaging", "downstream": "bio.drug_manufacturing"} in chain["edges"]
        broken = {
            **chain,
            "edges": [*chain["edges"], {"upstream": "bio.packaging", "downstream": "bio.nope"}],
        }
        r = await http.put(chain_url, headers=admin, json=broken)
        assert r.status_code == 422
        assert "downstream" in r.json()["detail"]
        in_use = {
            "segments": [s for s in chain["segments"] if s["segment_id"] != "bio.packaging"],
            "edges": [],
        }
        r = await http.put(chain_url, headers=admin, json=in_use)
        assert r.status_code == 409
        assert "bio.packaging" in r.json()["detail"]
        extended = {**chain, "segments": [*chain["segments"], {"segment_id": "bio.cold_boxes",
                    "name_zh": "冷链包装", "name_en": "cold-chain boxes"}]}  # fmt: skip
        extended["edges"].append({"upstream": "bio.cold_boxes", "downstream": "bio.distribution"})
        assert (await http.put(chain_url, headers=admin, json=extended)).status_code == 200
        boxes = {"offerings": [{"text": "冷链保温箱", "segment": "bio.cold_boxes"}]}
        glass = f"/parks/{PARK_A}/profiles/{m.id('glass')}"
        assert (await http.put(glass, headers=op, json=boxes)).status_code == 200
        assert (await http.get(chain_url, headers=other)).status_code == 404
        others = (await http.get("/groups/another-group/chain-map", headers=other)).json()["segments"]
        assert {s["segment_id"] for s in others} == {s["segment_id"] for s in chain["segments"]}
