"""A tenant's tickets (`GET /tickets`) answered from its list (`tickets.tenant_lists`), tickets stored
before the lists existed included once the backfill ran, without reading every ticket."""

from pymongo import AsyncMongoClient
from tickets.main import create_app

from tests.e2e.test_tickets_harness import desk_of, leasing_of, tickets_settings
from tests.support.infra import Infra
from tests.support.services import eventually, run_id, serving


async def test_a_tenants_tickets_come_from_its_list_with_those_stored_before_the_lists(infra: Infra) -> None:
    run = run_id()
    settings = tickets_settings(infra, run)
    async with leasing_of(infra, run) as leasing:
        before = create_app(settings)
        async with serving(before) as client:
            desk = await desk_of(before, client, leasing, infra, run)
            await desk.onboard("acme")
            await desk.onboard("beta")
            old = (await desk.open(desk.tenant("acme"), title="old")).json()["ticket_id"]
            others = (await desk.open(desk.tenant("beta"))).json()["ticket_id"]
            onboarded = desk.tenants
        store: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infra.mongodb_url)
        try:  # as a store written before the lists existed: no list, no backfill marker
            await store[settings.database].drop_collection("tenant_tickets")
            await store[settings.database]["read_models"].delete_many({})
        finally:
            await store.close()

        after = create_app(settings)
        async with serving(after) as client:
            desk = await desk_of(after, client, leasing, infra, run)
            desk.tenants.update(onboarded)
            await eventually(after.state.backfill.complete, within=20)
            new = (await desk.open(desk.tenant("acme"), title="new")).json()["ticket_id"]

            async def every_ticket(_: object) -> None:
                raise AssertionError("the query read every ticket")

            after.state.tickets.find = every_ticket
            mine = (await client.get("/tickets", headers=desk.tenant("acme"))).json()
            assert [t["ticket_id"] for t in mine] == [new, old]
            theirs = (await client.get("/tickets", headers=desk.tenant("beta"))).json()
            assert [t["ticket_id"] for t in theirs] == [others]
