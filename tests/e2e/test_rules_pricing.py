"""A changed pricing policy prices new quotes only: signed leases keep the rents they were signed at."""

from tests.e2e.conftest import Platform
from tests.e2e.test_leasing_lifecycle import leasing_park
from tests.support.parks import POLICY, lease_body


async def test_a_changed_policy_leaves_signed_leases_at_their_rents(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "repriced-park")
    leasing, admin = platform.leasing, platform.admin
    signed = await leasing.post(
        "/parks/repriced-park/leases", headers=admin, json=lease_body(tenant, units[:1], "2026-12-01")
    )
    assert signed.status_code == 201, signed.text
    lease = signed.json()
    before = await leasing.post(
        "/parks/repriced-park/quotes", headers=admin, json=lease_body(tenant, units[1:2])
    )
    assert before.status_code == 200, before.text
    assert {m["rent"] for m in before.json()["schedule"]} == {"7200.00"}  # 200 m² x 45 x (1 - 0.20)

    doubled = POLICY | {"base_rents": {"rnd_building": "90", "office": "100"}}
    changed = await leasing.put("/parks/repriced-park/pricing-policy", headers=admin, json=doubled)
    assert changed.status_code == 200, changed.text

    after = await leasing.post(
        "/parks/repriced-park/quotes", headers=admin, json=lease_body(tenant, units[1:2])
    )
    assert after.status_code == 200, after.text
    assert {m["rent"] for m in after.json()["schedule"]} == {"14400.00"}, "a new quote uses the new policy"
    kept = await leasing.get(f"/parks/repriced-park/leases/{lease['lease_id']}", headers=admin)
    assert kept.status_code == 200, kept.text
    assert kept.json() == lease, "the signed lease is exactly as signed"
    assert {m["rent"] for m in lease["schedule"]} == {"3600.00"}  # 100 m² x 45 x (1 - 0.20)
    roll = (await leasing.get("/parks/repriced-park/rent-roll", headers=admin)).json()
    assert [(r["lease_id"], r["monthly_rent"], r["remaining_rent"]) for r in roll] == [
        (lease["lease_id"], "3600.00", "43200.00")
    ], "the rent roll too"
