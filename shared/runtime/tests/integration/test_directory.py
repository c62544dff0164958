"""The park directory over the real store: the first registration of a park wins, redelivery changes
nothing, a replica that never consumed the event finds the park in the store, ids that cannot exist are
not looked up."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from parkops_contracts.base import Event
from parkops_contracts.envelope import CloudEventMeta
from parkops_contracts.events.leasing import ParkRegistered, ParkType, TenantOnboarded
from parkops_runtime.consumer import Delivery
from parkops_runtime.directory import ParkEntry, StoredDirectory, TenantEntry
from parkops_runtime.mongo import Document
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from tests.support.infra import Infra
from tests.support.services import run_id

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def delivered(event: Event, event_id: str) -> Delivery:
    meta = CloudEventMeta(id=event_id, source="/parkops/leasing", type=event.ce_type(), time=AT, subject="p")
    return Delivery(meta, event, {}, "topic", 0, 0)


def registered(park_id: str, group_id: str) -> ParkRegistered:
    return ParkRegistered(
        park_id=park_id,
        group_id=group_id,
        name=f"Park of {group_id}",
        park_type=ParkType.INCUBATOR,
        leading_industries=["C39"],
        registered_at=AT,
    )


def onboarded(park_id: str, tenant_id: str, group_id: str) -> TenantOnboarded:
    return TenantOnboarded(
        park_id=park_id,
        group_id=group_id,
        tenant_id=tenant_id,
        name="Chipworks",
        credit_code="91320594MA1MXXXX0X",
        industry_code="C39",
        in_leading_industry=True,
        high_tech=True,
        founded_on=date(2019, 5, 1),
        headcount=40,
        unit_ids=["u1"],
        leased_area_m2=Decimal("120.00"),
        onboarded_at=AT,
    )


@pytest.fixture
async def collection(infra: Infra) -> AsyncIterator[AsyncCollection[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra.mongodb_url, tz_aware=True)
    database = client[f"t{run_id()}_directory"]
    yield database["directory"]
    await client.drop_database(database.name)
    await client.close()


async def test_the_first_registration_of_a_park_wins_and_every_replica_finds_it(
    collection: AsyncCollection[Document],
) -> None:
    consuming, other_replica = StoredDirectory(collection), StoredDirectory(collection)
    assert await other_replica.park("p1") is None

    await consuming.record([delivered(registered("p1", "group-a"), "e1")])
    await consuming.record([delivered(registered("p1", "group-b"), "e2")])  # a squatter's copy
    await consuming.record([delivered(registered("p1", "group-a"), "e1")])  # redelivered

    expected = ParkEntry("p1", "group-a", "Park of group-a", AT)
    assert await consuming.park("p1") == expected
    assert await other_replica.park("p1") == expected
    assert await collection.count_documents({}) == 1


async def test_tenants_are_known_per_park(collection: AsyncCollection[Document]) -> None:
    directory = StoredDirectory(collection)
    await directory.record(
        [delivered(registered("p1", "g"), "e1"), delivered(onboarded("p1", "t1", "g"), "e2")]
    )

    assert await directory.tenant("p1", "t1") == TenantEntry("p1", "t1", "g", "Chipworks")
    assert await directory.tenant("p2", "t1") is None
    assert await directory.tenant("p1", "t2") is None


async def test_ids_that_cannot_exist_are_not_found(collection: AsyncCollection[Document]) -> None:
    directory = StoredDirectory(collection)
    await directory.record([delivered(registered("p1", "g"), "e1")])

    for impossible in ("p1/../p1", "p1\x00", "", "p" * 101):
        assert await directory.park(impossible) is None
