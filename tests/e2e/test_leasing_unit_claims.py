"""The unit-period claim on the real store (ADR 14): a lease holds its units through their books, one
small document each, claimed in the order of their ids; a lease over several units is all or nothing."""

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from leasing.domain.lease import Lease
from leasing.main import create_app
from leasing.park_parts import ParkParts, book_id
from leasing.repository import BOOKS, LEASES, ParkRepository, book_store, file_store
from leasing.settings import LeasingSettings
from parkops_kernel.errors import Conflict
from parkops_runtime.shards import Shards

from tests.e2e.conftest import Platform
from tests.e2e.test_leasing_concurrency import replicas
from tests.e2e.test_leasing_lifecycle import leasing_park
from tests.support.parks import lease_body
from tests.support.services import isolated_settings, serving


async def test_two_signs_of_one_unit_period_on_two_replicas_exactly_one_wins(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "claim-park")
    async with replicas(platform, 1) as (one, two):
        for year in range(2027, 2037):  # ten rounds, each a race for one unit-period
            body = lease_body(tenant, units[:1], f"{year}-01-01", 12)
            late = {**body, "starts_on": f"{year}-06-01", "term_months": 3}  # overlapping, not equal
            answers = await asyncio.gather(
                one.post("/parks/claim-park/leases", headers=platform.admin, json=body),
                two.post("/parks/claim-park/leases", headers=platform.admin, json=late),
            )
            assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    leases = (await platform.leasing.get("/parks/claim-park/leases", headers=platform.admin)).json()
    assert len(leases) == 10


async def test_a_lease_over_several_units_is_all_or_nothing(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "bundle-park")
    leases, admin = "/parks/bundle-park/leases", platform.admin
    first, held = sorted(units[:2])  # claimed in id order: `first` is claimed, then `held` refuses
    r = await platform.leasing.post(leases, headers=admin, json=lease_body(tenant, [held]))
    assert r.status_code == 201, r.text
    refused = await platform.leasing.post(leases, headers=admin, json=lease_body(tenant, units[:2]))
    assert refused.status_code == 409, refused.text
    assert held in refused.json()["detail"]
    alone = await platform.leasing.post(leases, headers=admin, json=lease_body(tenant, [first]))
    assert alone.status_code == 201, "the refused lease left no claim on the unit it got first"

    async with replicas(platform, 1) as (one, two):  # two bundles sharing a unit, raced each year
        for year in range(2030, 2035):
            left = lease_body(tenant, units[:2], f"{year}-01-01")
            right = lease_body(tenant, units[1:], f"{year}-01-01")
            answers = await asyncio.gather(
                one.post(leases, headers=admin, json=left), two.post(leases, headers=admin, json=right)
            )
            codes = Counter(r.status_code for r in answers)
            assert codes == {201: 1, 409: 1}, [r.text for r in answers]
            lost = units[2] if answers[0].status_code == 201 else units[0]  # the loser's own unit
            free = await one.post(leases, headers=admin, json=lease_body(tenant, [lost], f"{year}-01-01"))
            assert free.status_code == 201, free.text


async def test_a_claim_whose_lease_was_never_written_holds_the_unit_until_abandoned(
    platform: Platform,
) -> None:
    """A writer that died between claiming a unit and writing its lease blocks it for a minute only."""
    units, tenant = await leasing_park(platform, "orphan-park")
    now = [datetime.now(UTC)]
    app = create_app(isolated_settings(LeasingSettings, platform.infra, platform.run))
    async with serving(app):
        runtime = app.state.runtime
        books = book_store(Shards(runtime.aggregates, BOOKS, 1), runtime.outbound, lambda: now[0], 0)
        files = file_store(Shards(runtime.aggregates, LEASES, 1), runtime.outbound, lambda: now[0], 0)
        parks = ParkRepository(Shards(runtime.aggregates, "parks", 1), runtime.outbound, lambda: now[0], 0)
        parts = ParkParts(parks.store, books, files, lambda: now[0])
        await parts.claim("orphan-park", a_lease("dead-writers-lease", tenant, units[0]))
        with pytest.raises(Conflict, match="dead-writers-lease"):
            await parts.claim("orphan-park", a_lease("next-lease", tenant, units[0]))
        now[0] += timedelta(seconds=61)
        await parts.claim("orphan-park", a_lease("next-lease", tenant, units[0]))
        book = await books.require(book_id("orphan-park", units[0]))
        assert book.lease_ids() == ["next-lease"]


def a_lease(lease_id: str, tenant: str, unit: str) -> Lease:
    return Lease(
        lease_id=lease_id,
        tenant_id=tenant,
        unit_ids=[unit],
        area_m2=Decimal(100),
        starts_on=date(2040, 1, 1),
        ends_on=date(2040, 12, 31),
        term_months=12,
        monthly_base_rent=Decimal(1),
        rents=[Decimal(1)] * 12,
        rent_free_months=0,
        free_rule=None,
        rules=[],
        equity=None,
        signed_at=datetime.now(UTC),
    )
