"""The use cases of service.py over the runtime's in-memory store, through the real AggregateStore: each
command's answer and events, and the one Idempotency-Key rule (replay = first answer and no second
event, another request with the key = 409, keys forgotten after 24 hours, a key of one park or group
never meets another's)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import cast

import pytest
from leasing.domain.commands import (
    ListUnit,
    OnboardTenant,
    QuoteLease,
    RegisterCommitment,
    RegisterPark,
    RenewLease,
    RenovateUnit,
    ReportMetrics,
    SetPricingPolicy,
    SignLease,
    StartRenovation,
    TerminateLease,
)
from leasing.domain.policy import PricingPolicy
from leasing.domain.tenants import YearlyMetrics
from leasing.park_parts import ParkParts
from leasing.queries import LeasingQueries, ParkDirectory
from leasing.repository import ParkRepository, book_store, claim_store, file_store
from leasing.service import LeasingService
from parkops_contracts.base import Event
from parkops_contracts.events import leasing as events
from parkops_kernel.errors import Conflict, NotFound
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import keyed_id
from parkops_runtime.auth import Principal, Role
from parkops_runtime.directory import ParkEntry
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import AggregateCollection
from parkops_runtime.shards import Shards
from parkops_runtime.testing import MemoryAggregates

from .pricing_fixtures import commitment
from .test_park import profile

START = datetime(2026, 11, 1, 9, tzinfo=UTC)
PARK = RegisterPark("g1", "IC Park", events.ParkType.INCUBATOR, ["C39"], "p1")
UNIT = ListUnit("A", 1, "A-1", events.UnitType.OFFICE, Decimal(100))
POLICY = SetPricingPolicy(PricingPolicy(base_rents={events.UnitType.OFFICE: Decimal(50)}))


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Leasing:
    """One replica's service and queries over an in-memory store."""

    def __init__(
        self,
        memory: MemoryAggregates | None = None,
        claims: MemoryAggregates | None = None,
        parts: tuple[MemoryAggregates, MemoryAggregates] | None = None,
    ) -> None:
        self.memory = memory or MemoryAggregates()
        self.claims = claims or MemoryAggregates()
        self.books, self.files = parts or (MemoryAggregates(), MemoryAggregates())
        self.clock = Clock()
        shards = Shards(lambda _: cast(AggregateCollection, self.memory), "parks", 1)
        self.parks = ParkRepository(shards, outbound, self.clock, fresh_for=0)
        claims_store = claim_store(self.claims, outbound, self.clock)
        books = book_store(self.books, outbound, self.clock, 0)
        self.parts = ParkParts(
            self.parks.store, books, file_store(self.files, outbound, self.clock, 0), self.clock
        )
        self.service = LeasingService(self.parts, claims_store, self.clock)
        self.queries = LeasingQueries(self.parks, self.parts, self.clock)

    def events(self, contract: type[Event]) -> list[Event]:
        """What the park's parts published, each part in the order it was written."""
        return [e for m in (self.memory, self.books, self.files) for e in m.events(contract)]


def outbound(event: Event) -> OutboundEvent:
    return OutboundEvent.of(event, source="/parkops/leasing", topic_prefix="test")


def staff(park_id: str = "p1", group_id: str = "g1") -> ParkAccess:
    who = Principal("admin", Role.GROUP_ADMIN, group_id, frozenset(), None)
    return ParkAccess(who, ParkEntry(park_id, group_id, "IC Park", START))


async def a_park(units: int = 2) -> tuple[Leasing, list[str]]:
    leasing = Leasing()
    await leasing.service.register_park(PARK, None)
    await leasing.service.set_pricing_policy(staff(), POLICY, None)
    made = [
        await leasing.service.list_unit(staff(), replace(UNIT, unit_number=f"A-{i}"), None)
        for i in range(units)
    ]
    return leasing, [u.unit_id for u in made]


async def a_tenant(leasing: Leasing, code: str = "91350100M000100Y43") -> str:
    return (await leasing.service.onboard_tenant(staff(), OnboardTenant(profile(code), []), None)).tenant_id


async def test_a_park_is_registered_once_and_its_id_is_one_namespace() -> None:
    leasing = Leasing()
    park = await leasing.service.register_park(PARK, None)
    assert (park.park_id, park.group_id, park.unit_count, park.tenant_count) == ("p1", "g1", 0, 0)
    assert len(leasing.events(events.ParkRegistered)) == 1
    for again in (PARK, replace(PARK, group_id="g2")):  # the same group or another: taken, nothing told
        with pytest.raises(Conflict, match=r"^park id p1 is taken$"):
            await leasing.service.register_park(again, None)
    with pytest.raises(Conflict, match=r"^park id p1 is taken$"):  # another group's key is never compared
        await leasing.service.register_park(replace(PARK, group_id="g2"), "k")
    assert len(leasing.events(events.ParkRegistered)) == 1


async def test_a_keyed_registration_without_an_id_names_one_park_per_group_and_key() -> None:
    leasing = Leasing()
    unnamed = replace(PARK, park_id=None)
    first = await leasing.service.register_park(unnamed, "reg-1")
    assert first.park_id == keyed_id("reg-1", "g1", "park")
    assert await leasing.service.register_park(unnamed, "reg-1") == first
    with pytest.raises(Conflict, match="idempotency key reg-1"):
        await leasing.service.register_park(replace(unnamed, name="Another"), "reg-1")
    theirs = await leasing.service.register_park(replace(unnamed, group_id="g2"), "reg-1")
    assert theirs.park_id != first.park_id
    assert [e.park_id for e in leasing.events(events.ParkRegistered)] == [first.park_id, theirs.park_id]


async def test_a_keyed_command_replays_its_first_answer_once_and_refuses_another_request() -> None:
    leasing, _ = await a_park(0)
    first = await leasing.service.list_unit(staff(), UNIT, "k1")
    assert await leasing.service.list_unit(staff(), replace(UNIT, area_m2=Decimal("100.00")), "k1") == first
    with pytest.raises(Conflict, match="idempotency key k1 was used for another request"):
        await leasing.service.list_unit(staff(), replace(UNIT, unit_number="A-2"), "k1")
    with pytest.raises(Conflict, match="idempotency key k1"):  # one key, one request: not another command
        await leasing.service.onboard_tenant(staff(), OnboardTenant(profile(), []), "k1")
    with pytest.raises(Conflict, match="already listed"):  # without the key: a second listing
        await leasing.service.list_unit(staff(), UNIT, None)
    assert [e.unit_id for e in leasing.events(events.UnitListed)] == [first.unit_id]


async def test_a_key_is_forgotten_after_24_hours_and_belongs_to_its_park() -> None:
    leasing, _ = await a_park(0)
    await leasing.service.register_park(replace(PARK, park_id="p2"), None)
    first = await leasing.service.list_unit(staff(), UNIT, "k1")
    other_park = await leasing.service.list_unit(staff("p2"), UNIT, "k1")
    assert other_park.unit_id != first.unit_id
    leasing.clock.now += timedelta(hours=24, seconds=1)
    with pytest.raises(Conflict, match="already listed"):  # the key is forgotten: the request acts again
        await leasing.service.list_unit(staff(), UNIT, "k1")
    assert len(leasing.events(events.UnitListed)) == 2


async def test_onboarding_answers_the_tenant_and_replays_it() -> None:
    leasing, units = await a_park()
    command = OnboardTenant(profile(), units[:1])
    tenant = await leasing.service.onboard_tenant(staff(), command, "on-1")
    assert (tenant.park_id, tenant.unit_ids, tenant.in_leading_industry) == ("p1", units[:1], True)
    assert await leasing.service.onboard_tenant(staff(), command, "on-1") == tenant
    assert len(leasing.events(events.TenantOnboarded)) == 1
    assert (await leasing.queries.tenant(staff(), tenant.tenant_id)) == tenant


async def test_the_pricing_policy_and_a_commitment_are_set_and_replayed() -> None:
    leasing, _ = await a_park()
    dearer = SetPricingPolicy(PricingPolicy(base_rents={events.UnitType.OFFICE: Decimal(60)}))
    policy = await leasing.service.set_pricing_policy(staff(), dearer, "price-1")
    assert policy.base_rents == {events.UnitType.OFFICE: Decimal(60)}
    assert await leasing.queries.pricing_policy(staff()) == policy
    promise = RegisterCommitment(commitment("ignored"))
    registered = await leasing.service.register_commitment(staff(), promise, "c-1")
    assert registered.commitment_id != "ignored"  # the register names a commitment the caller did not
    assert await leasing.service.register_commitment(staff(), promise, "c-1") == registered
    assert [c.commitment_id for c in await leasing.queries.commitments(staff())] == [registered.commitment_id]
    named = await leasing.service.register_commitment(
        staff(), RegisterCommitment(commitment("x"), "gov-1"), None
    )
    assert named.commitment_id == "gov-1"


async def test_a_lease_is_signed_renewed_and_terminated_each_once() -> None:
    leasing, units = await a_park()
    tenant = await a_tenant(leasing)
    terms = SignLease(tenant, units[:1], 12, date(2027, 1, 1))
    quote = await leasing.queries.quote(staff(), terms)
    signed = await leasing.service.sign_lease(staff(), terms, "sign-1")
    assert (signed.total_rent, signed.ends_on) == (quote.total_rent, quote.ends_on)
    assert await leasing.service.sign_lease(staff(), terms, "sign-1") == signed
    renewal = await leasing.service.renew_lease(staff(), RenewLease(signed.lease_id, 12), "renew-1")
    assert (renewal.renewal_of, renewal.starts_on) == (signed.lease_id, date(2028, 1, 1))
    assert await leasing.service.renew_lease(staff(), RenewLease(signed.lease_id, 12), "renew-1") == renewal
    end = TerminateLease(renewal.lease_id, date(2028, 3, 31), events.TerminationReason.RELOCATION)
    ended = await leasing.service.terminate_lease(staff(), end, "end-1")
    assert (ended.status, ended.terminated_on) == ("terminated", date(2028, 3, 31))
    assert await leasing.service.terminate_lease(staff(), end, "end-1") == ended
    with pytest.raises(Conflict, match="already terminated"):
        await leasing.service.terminate_lease(staff(), end, None)
    counts = [
        len(leasing.events(c)) for c in (events.LeaseSigned, events.LeaseRenewed, events.LeaseTerminated)
    ]
    assert counts == [1, 1, 1]
    assert [x.status for x in await leasing.queries.leases(staff())] == ["renewed", "terminated"]


async def test_a_unit_is_renovated_off_the_market_and_back_with_its_rent() -> None:
    leasing, units = await a_park()
    started = await leasing.service.start_renovation(staff(), StartRenovation(units[0]), None)
    assert started.status == "renovating"
    done = await leasing.service.renovate_unit(staff(), RenovateUnit(units[0], Decimal(80)), "works-1")
    assert (done.status, done.base_rent) == ("available", Decimal(80))
    assert (
        await leasing.service.renovate_unit(staff(), RenovateUnit(units[0], Decimal(80)), "works-1") == done
    )
    assert [e.base_rent for e in leasing.events(events.UnitRenovated)] == [Decimal(80)]


async def test_a_tenants_yearly_figures_are_reported() -> None:
    leasing, _ = await a_park()
    tenant = await a_tenant(leasing)
    figures = YearlyMetrics(year=2026, tax_paid=Decimal(10), revenue=Decimal(100), headcount=12)
    answer = await leasing.service.report_metrics(staff(), ReportMetrics(tenant, figures), "m-1")
    assert answer.model_dump() == figures.model_dump()
    assert await leasing.service.report_metrics(staff(), ReportMetrics(tenant, figures), "m-1") == answer
    assert len(leasing.events(events.TenantMetricsReported)) == 1


async def test_a_refused_command_leaves_nothing_and_its_key_unused() -> None:
    leasing, units = await a_park()
    tenant = await a_tenant(leasing)
    unknown_unit = SignLease(tenant, ["nope"], 12, date(2027, 1, 1))
    with pytest.raises(NotFound, match="unit nope not found"):
        await leasing.service.sign_lease(staff(), unknown_unit, "sign-1")
    assert leasing.events(events.LeaseSigned) == []
    signed = await leasing.service.sign_lease(staff(), replace(unknown_unit, unit_ids=units[:1]), "sign-1")
    assert signed.unit_ids == units[:1]


async def test_a_second_replica_sees_the_first_ones_writes_and_the_directory_knows_the_park() -> None:
    leasing, units = await a_park()
    other = Leasing(leasing.memory, leasing.claims, (leasing.books, leasing.files))
    tenant = await a_tenant(other)
    assert {u.unit_id for u in await leasing.queries.units(staff(), None)} == set(units)
    entry = await ParkDirectory(leasing.parks.store).tenant("p1", tenant)
    assert entry is not None
    assert entry.group_id == "g1"


def test_a_quote_is_a_sign_lease_command() -> None:
    assert QuoteLease is SignLease


async def test_a_credit_code_is_a_current_tenant_of_one_park_of_a_group() -> None:
    leasing, units = await a_park()
    await leasing.service.register_park(replace(PARK, park_id="p2"), None)
    await leasing.service.register_park(replace(PARK, park_id="p3", group_id="g2"), None)
    p2, code = staff("p2"), "91330100MA27Y1JB4U"
    refused = OnboardTenant(profile(code), ["nope"])
    with pytest.raises(NotFound):  # the claim is written, the park refuses: the claim holds nothing
        await leasing.service.onboard_tenant(staff(), refused, "k1")
    tenant = await a_tenant(leasing, code)  # so the retry in the same park succeeds
    with pytest.raises(Conflict, match=rf"^credit_code: {code} is already a tenant of park p1 of this group"):
        await leasing.service.onboard_tenant(p2, OnboardTenant(profile(code), []), None)
    other_group = await leasing.service.onboard_tenant(
        staff("p3", "g2"), OnboardTenant(profile(code), []), None
    )
    assert other_group.park_id == "p3"
    lease = await leasing.service.sign_lease(
        staff(), SignLease(tenant, units[:1], 1, date(2026, 11, 1)), None
    )
    assert lease.ends_on == date(2026, 11, 30)
    with pytest.raises(Conflict, match="credit_code"):  # still in its lease
        await leasing.service.onboard_tenant(p2, OnboardTenant(profile(code), []), None)
    leasing.clock.now = datetime(2026, 12, 1, 9, tzinfo=UTC)  # the lease ran out yesterday: it has left
    moved = await leasing.service.onboard_tenant(p2, OnboardTenant(profile(code), []), None)
    assert (moved.park_id, moved.credit_code) == ("p2", code)
    assert len(leasing.events(events.TenantOnboarded)) == 3


async def test_a_keyed_onboarding_names_the_same_tenant_on_every_retry() -> None:
    leasing, _ = await a_park()
    command = OnboardTenant(profile("91330100MA27Y1JB4U"), [], date(2020, 1, 2))
    first = await leasing.service.onboard_tenant(staff(), command, "k-on")
    again = await leasing.service.onboard_tenant(staff(), command, "k-on")
    assert first == again
    assert (first.onboarded_on, first.tenant_id) == (date(2020, 1, 2), keyed_id("k-on", "p1", "tenant"))
    assert len(leasing.events(events.TenantOnboarded)) == 1
