"""A park in parts (ADR 14): a lease's commands write its units' books and its lease file, never the
park; a lease over several units is all or nothing; a park stored whole is migrated on read."""

from datetime import date, timedelta

import pytest
from leasing.domain import lease_book
from leasing.domain.commands import RenewLease, SignLease
from leasing.park_parts import book_id
from leasing.repository import ParkCodec
from parkops_contracts.events import leasing as events
from parkops_kernel.errors import Conflict

from .test_service import START, Leasing, a_park, a_tenant, staff


async def test_a_sign_leaves_the_park_as_it_was() -> None:
    leasing, units = await a_park()
    tenant = await a_tenant(leasing)
    version = leasing.memory.documents["p1"]["_version"]
    lease = await leasing.service.sign_lease(staff(), SignLease(tenant, units, 12, date(2027, 1, 1)), None)
    assert leasing.memory.documents["p1"]["_version"] == version
    assert [
        b.lease_ids()
        for b in (await leasing.parts.books.get_many([book_id("p1", u) for u in units])).values()
    ] == [[lease.lease_id], [lease.lease_id]]
    assert [e.lease_id for e in leasing.events(events.LeaseSigned)] == [lease.lease_id]
    assert len(leasing.events(events.UnitOccupied)) == 2


async def test_a_lease_over_several_units_is_all_or_nothing() -> None:
    """The claims themselves, as when two signs pass the park's check at once and race to the books."""
    leasing, units = await a_park(3)
    tenant = await a_tenant(leasing)
    first, held, _ = sorted(units)  # claimed in id order: `first` is claimed before `held` refuses
    await leasing.service.sign_lease(staff(), SignLease(tenant, [held], 12, date(2027, 1, 1)), None)
    unaware = (await leasing.parts.require("p1")).with_leases({})  # a racer that read before the sign
    bundle = lease_book.sign_lease(
        unaware, SignLease(tenant, [first, held], 12, date(2027, 1, 1)), "l2", START
    )
    with pytest.raises(Conflict, match=f"unit {held} is not available"):
        await leasing.parts.claim("p1", bundle)
    book = await leasing.parts.books.get(book_id("p1", first))
    assert book is not None
    assert book.periods == [], "the claim made before the refusal is released"
    await leasing.service.sign_lease(staff(), SignLease(tenant, [first], 12, date(2027, 1, 1)), None)


async def test_a_park_stored_with_its_leases_is_migrated_on_read() -> None:
    leasing, units = await a_park()
    tenant = await a_tenant(leasing)
    park = await leasing.parks.store.require("p1")
    old = park.model_copy(deep=True)  # as one document kept a park before ADR 14
    lease = lease_book.sign_lease(old, SignLease(tenant, units[:1], 12, date(2027, 1, 1)), "old-lease", START)
    old.take_events()
    stored = leasing.memory.documents["p1"]
    leasing.memory.documents["p1"] = {**stored, **ParkCodec().encode(old), "_version": stored["_version"] + 1}

    assert [x.lease_id for x in await leasing.queries.leases(staff())] == [lease.lease_id]
    assert (await leasing.parks.store.require("p1")).leases == {}
    assert await leasing.parts.files.get(f"p1/{lease.lease_id}") is not None
    with pytest.raises(Conflict, match="lease old-lease"):
        await leasing.service.sign_lease(staff(), SignLease(tenant, units[:1], 12, date(2027, 6, 1)), None)
    assert leasing.events(events.LeaseSigned) == [], "a migration publishes nothing"


async def test_a_renewal_whose_own_file_was_never_written_still_holds_its_units() -> None:
    """A writer that died between the renewal's commit and the new lease's file: the renewed lease's
    file keeps the new lease, which every read shows and every claim respects, however late."""
    leasing, units = await a_park()
    tenant = await a_tenant(leasing)
    signed = await leasing.service.sign_lease(
        staff(), SignLease(tenant, units[:1], 12, date(2027, 1, 1)), None
    )
    renewal = await leasing.service.renew_lease(staff(), RenewLease(signed.lease_id, 12), None)
    del leasing.files.documents[f"p1/{renewal.lease_id}"]  # as if never written
    leasing.clock.now += timedelta(minutes=5)  # long past an abandoned claim's minute
    other = Leasing(leasing.memory, leasing.claims, (leasing.books, leasing.files))  # nothing in memory

    assert [x.lease_id for x in await other.queries.leases(staff())] == [signed.lease_id, renewal.lease_id]
    with pytest.raises(Conflict, match=f"lease {renewal.lease_id}"):
        await other.service.sign_lease(staff(), SignLease(tenant, units[:1], 12, date(2028, 6, 1)), None)
    assert (await other.queries.lease(staff(), renewal.lease_id)).lease_id == renewal.lease_id
    assert f"p1/{renewal.lease_id}" in leasing.files.documents, "looked up by id, it is written"
