"""A park in parts (ADR 14): a lease's commands write its units' books and its lease file, never the
park; a lease over several units is all or nothing; a park stored whole is migrated on read."""

from datetime import date, timedelta
from typing import Any

import pytest
from leasing.domain import lease_book
from leasing.domain.commands import RenewLease, SignLease, StartRenovation, TerminateLease
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


async def test_a_retry_that_meets_its_own_lease_stored_meanwhile_gets_the_first_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sign and a renewal whose answers were lost (the store failed after their commits), retried on
    another replica while the first one's relay was still finishing the commit: the retry looks for its
    key before the file is applied, then meets its own lease (a unit held by it, a lease renewed by it).
    Its first answer stands, not a 409 (found by the fault suite: a keyed sign refused by itself)."""
    leasing, units = await a_park()
    tenant = await a_tenant(leasing)
    sign = SignLease(tenant, units[:1], 12, date(2027, 1, 1))
    signed = await leasing.service.sign_lease(staff(), sign, "sign-key")
    renewed = await leasing.service.renew_lease(staff(), RenewLease(signed.lease_id, 12), "renew-key")
    other = Leasing(leasing.memory, leasing.claims, (leasing.books, leasing.files))
    looked_up = other.parts.files.answered
    early: set[str] = set()

    async def before_the_commit_is_applied(key_of: str, idempotency: Any) -> Any:
        if key_of not in early:  # the retry's first look-up: not there yet
            early.add(key_of)
            return None
        return await looked_up(key_of, idempotency)

    monkeypatch.setattr(other.parts.files, "answered", before_the_commit_is_applied)
    assert await other.service.sign_lease(staff(), sign, "sign-key") == signed
    early.clear()  # the renewal looks its key up in the same file
    assert await other.service.renew_lease(staff(), RenewLease(signed.lease_id, 12), "renew-key") == renewed
    assert early == {f"p1/{signed.lease_id}"}
    with pytest.raises(Conflict, match=f"lease {signed.lease_id}"):  # without its key: refused
        await other.service.sign_lease(staff(), sign, "another-key")


async def test_a_sign_whose_write_failed_keeps_its_claim_until_it_is_abandoned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A store failing as the lease is written: the commit may be stored and finished later, so the
    units stay claimed (releasing them could let another lease under the one being finished). A retry
    with the key signs; another lease gets the units once the claim is abandoned."""
    leasing, units = await a_park()
    tenant = await a_tenant(leasing)
    sign = SignLease(tenant, units[:1], 12, date(2027, 1, 1))
    store_change = leasing.parts.files.change

    async def store_down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("the store went away")

    monkeypatch.setattr(leasing.parts.files, "change", store_down)
    with pytest.raises(ConnectionError):
        await leasing.service.sign_lease(staff(), sign, "k")
    book = await leasing.parts.books.get(book_id("p1", units[0]))
    assert book is not None
    assert len(book.periods) == 1, "the claim stays"
    monkeypatch.setattr(leasing.parts.files, "change", store_change)
    with pytest.raises(Conflict, match="is not available"):
        await leasing.service.sign_lease(staff(), sign, "another-key")
    leasing.clock.now += timedelta(minutes=5)  # the claim is abandoned: another lease takes the unit
    assert (await leasing.service.sign_lease(staff(), sign, "another-key")).unit_ids == units[:1]


async def test_a_renovation_retried_after_its_park_write_failed_starts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The book is marked before the park: a store failing at the park's write leaves the book marked,
    and the retry (same key) must still start the renovation, not meet its own mark as a 409."""
    leasing, units = await a_park()
    store_change = leasing.parts.parks.change

    async def store_down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("the store went away")

    monkeypatch.setattr(leasing.parts.parks, "change", store_down)
    with pytest.raises(ConnectionError):
        await leasing.service.start_renovation(staff(), StartRenovation(units[0]), "k")
    monkeypatch.setattr(leasing.parts.parks, "change", store_change)
    started = await leasing.service.start_renovation(staff(), StartRenovation(units[0]), "k")
    assert started.status == "renovating"
    with pytest.raises(Conflict, match="already under renovation"):  # another request: the park refuses
        await leasing.service.start_renovation(staff(), StartRenovation(units[0]), "another-key")


async def test_a_renewal_its_lease_file_refuses_releases_the_units_it_claimed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lease is terminated between the renewal's check on the park and its commit on the lease's
    file: the file refuses the renewal, and the units the renewal claimed are free again."""
    leasing, units = await a_park()
    tenant = await a_tenant(leasing)
    signed = await leasing.service.sign_lease(
        staff(), SignLease(tenant, units[:1], 12, date(2027, 1, 1)), None
    )
    claim = leasing.parts.claim
    end = TerminateLease(signed.lease_id, date(2027, 6, 30), events.TerminationReason.RELOCATION)

    async def claimed_then_terminated(park_id: str, lease: Any) -> None:
        await claim(park_id, lease)
        await leasing.service.terminate_lease(staff(), end, None)

    monkeypatch.setattr(leasing.parts, "claim", claimed_then_terminated)
    with pytest.raises(Conflict, match="only an active lease is renewed"):
        await leasing.service.renew_lease(staff(), RenewLease(signed.lease_id, 12), None)
    book = await leasing.parts.books.get(book_id("p1", units[0]))
    assert book is not None
    assert book.lease_ids() == [signed.lease_id], "the renewal's claim is released"
