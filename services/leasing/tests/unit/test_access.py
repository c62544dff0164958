"""leasing's directory answers from its parks; `access` hides other enterprises exactly like missing ones."""

from datetime import UTC, datetime

import pytest
from leasing import access
from leasing.domain.commands import OnboardTenant, RegisterPark
from leasing.domain.park import Park
from leasing.queries import ParkDirectory
from parkops_contracts.events.leasing import ParkType
from parkops_kernel.errors import NotFound
from parkops_runtime.access import ParkAccess
from parkops_runtime.auth import Principal, Role
from parkops_runtime.directory import ParkEntry

from .test_park import AT, park_with_units, profile


class Parks:
    """The part of the park store the directory reads, counting reads."""

    def __init__(self, *parks: Park) -> None:
        self.parks = {p.park_id: p for p in parks}
        self.reads = 0

    async def get(self, park_id: str) -> Park | None:
        self.reads += 1
        return self.parks.get(park_id)


def two_tenant_park() -> Park:
    park = park_with_units("100", "200")
    park.onboard_tenant(OnboardTenant(profile(), ["u0"]), "ta", AT)
    park.onboard_tenant(OnboardTenant(profile("91320500MA1K8BTC3T"), ["u1"]), "tb", AT)
    return park


def tenant_user(tenant: str, park: Park) -> ParkAccess:
    who = Principal("u", Role.TENANT_USER, park.group_id, frozenset({park.park_id}), tenant)
    return ParkAccess(who, ParkEntry(park.park_id, park.group_id, park.name, AT))


async def test_the_directory_knows_registered_parks_and_their_tenants_once_read() -> None:
    park = two_tenant_park()
    parks = Parks(park)
    directory = ParkDirectory(parks)
    assert await directory.park("p1") == ParkEntry("p1", "g1", park.name, AT)
    assert await directory.park("p1") is not None
    assert parks.reads == 1  # an entry never changes: read once
    tenant = await directory.tenant("p1", "ta")
    assert tenant is not None
    assert (tenant.group_id, tenant.name) == ("g1", "Chipworks")
    assert await directory.tenant("p1", "nobody") is None
    assert await directory.park("nowhere") is None
    assert await directory.park("not an id\x00") is None


async def test_a_park_stored_before_registration_times_were_kept_is_still_known() -> None:
    old = Park(
        park_id="old", group_id="g1", name="Old", park_type=ParkType.INCUBATOR, leading_industries=["C"]
    )
    entry = await ParkDirectory(Parks(old)).park("old")
    assert entry is not None
    assert entry.registered_at == datetime(1900, 1, 1, tzinfo=UTC)


def test_another_enterprises_record_and_lease_read_as_missing_ones() -> None:
    park = two_tenant_park()
    as_b = tenant_user("tb", park)
    with pytest.raises(NotFound) as theirs:
        access.tenant_seen(as_b, park, "ta")
    with pytest.raises(NotFound) as missing:
        access.tenant_seen(as_b, park, "tz")
    assert str(theirs.value).replace("ta", "tz") == str(missing.value)
    assert access.tenant_seen(as_b, park, "tb").tenant_id == "tb"
    assert [t.tenant_id for t in access.tenants_seen(as_b, park)] == ["tb"]
    assert access.occupant_seen(as_b, "ta") is None
    assert access.occupant_seen(as_b, "tb") == "tb"


def test_the_park_list_holds_what_the_caller_reaches() -> None:
    park = two_tenant_park()
    other = Park.register(RegisterPark("g1", "Other", ParkType.INCUBATOR, ["C"]), "p2", AT)
    foreign = Park.register(RegisterPark("g2", "Foreign", ParkType.INCUBATOR, ["C"]), "p3", AT)
    parks = [park, other, foreign]
    admin = Principal("a", Role.GROUP_ADMIN, "g1", frozenset())
    operator = Principal("o", Role.PARK_OPERATOR, "g1", frozenset({"p2", "p3"}))
    tenant = Principal("t", Role.TENANT_USER, "g1", frozenset({"p1", "p2"}), "ta")
    assert [p.park_id for p in access.parks_seen(admin, parks)] == ["p1", "p2"]
    assert [p.park_id for p in access.parks_seen(operator, parks)] == ["p2"]
    assert [p.park_id for p in access.parks_seen(tenant, parks)] == ["p1"]
    assert access.tenant_count_seen(tenant, park) is None
    assert access.tenant_count_seen(admin, park) == 2
