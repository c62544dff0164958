"""Parks spread over several collections are found, listed and changed like parks in one."""

from leasing.main import create_app
from leasing.settings import LeasingSettings

from tests.e2e.conftest import Platform
from tests.support.parks import park_body
from tests.support.services import isolated_settings, run_id, serving


async def test_parks_sharded_over_collections(platform: Platform) -> None:
    run = run_id()
    app = create_app(isolated_settings(LeasingSettings, platform.infra, run, park_collections=3))
    async with serving(app) as leasing:
        ids = [f"shard-park-{i}" for i in range(6)]
        for park_id in ids:
            body = park_body(park_id, industries=("C39",))
            assert (await leasing.post("/parks", headers=platform.admin, json=body)).status_code == 201
            unit = {"building": "A", "floor": 1, "unit_number": "A-1", "unit_type": "office", "area_m2": "10"}
            r = await leasing.post(f"/parks/{park_id}/units", headers=platform.admin, json=unit)
            assert r.status_code == 201, r.text
        listed = (await leasing.get("/parks", headers=platform.admin)).json()
        assert [p["park_id"] for p in listed] == ids
        assert [p["unit_count"] for p in listed] == [1] * len(ids)
        database = app.state.runtime.database
        names = await database.list_collection_names()
        used = [name for name in names if name.startswith("parks") and not name.endswith(".commits")]
        assert len(used) > 1, used
        assert sum([await database[name].count_documents({}) for name in used]) == 6
