from datetime import UTC, date, datetime

import pytest
from matchmaking import repository as codec
from matchmaking.domain.chain import IndustryChainMap, Segment
from matchmaking.domain.default_chain import default_chain_map
from matchmaking.domain.group import GroupConfig
from matchmaking.domain.profiles import Kind, Need, Profile, profile_of
from parkops_contracts.events.matchmaking import ProfileChanged
from parkops_kernel.errors import Conflict, Unprocessable

from services.matchmaking.tests.unit.support import firm, need, offer

AT = datetime(2026, 11, 27, 9, tzinfo=UTC)


def test_declaring_checks_every_item_and_names_the_field() -> None:
    profile = Profile(firm("vax", "bio.drug_manufacturing"))
    chain = default_chain_map()
    with pytest.raises(Unprocessable, match=r"offerings\.1\.text"):
        profile.declare([offer("a", "vax", "疫苗", None), offer("b", "vax", " - ", None)], [], chain, AT)
    with pytest.raises(Unprocessable, match=r"needs\.0\.segment: unknown chain segment 'bio\.x'"):
        profile.declare([], [need("vax", "西林瓶", "bio.x")], chain, AT)
    with pytest.raises(Unprocessable, match=r"offerings\.0\.capacity"):
        profile.declare([offer("a", "vax", "疫苗", None, capacity=-1)], [], chain, AT)
    with pytest.raises(Unprocessable, match=r"needs\.0\.volume"):
        profile.declare([], [need("vax", "西林瓶", volume=-5)], chain, AT)
    assert profile.offerings == []
    assert profile.needs == [], "a refused declaration changes nothing"
    profile.declare([offer("a", "vax", "疫苗", "bio.drug_manufacturing")], [need("vax", "西林瓶")], chain, AT)
    assert profile.need("n-vax") is not None
    profile.retire(AT)
    profile.retire(AT)
    assert not profile.enterprise.active
    changes = [e for e in profile.events if isinstance(e, ProfileChanged)]
    assert len(changes) == 2, "a refused declaration and a second retirement record nothing"
    told = profile_of(changes[-1])
    assert (told.enterprise, told.offerings, told.needs) == (
        profile.enterprise,
        profile.offerings,
        profile.needs,
    )


def test_profiles_and_group_configurations_round_trip_through_documents() -> None:
    profile = Profile(
        firm("vax", "bio.drug_manufacturing", anchor=True),
        [offer("a", "vax", "疫苗", "bio.drug_manufacturing", certs="GMP, ISO 13485")],
        [
            Need(
                "n1", "vax", "西林瓶", "bio.packaging", 50, frozenset({"GMP"}), date(2027, 1, 31), Kind.SUPPLY
            )
        ],
    )
    back = codec.profile_of({**codec.profile_doc(profile), "_version": 4})
    assert (back.enterprise, back.offerings, back.needs) == (
        profile.enterprise,
        profile.offerings,
        profile.needs,
    )
    config = GroupConfig.default("g1")
    again = codec.group_of({**codec.group_doc(config), "_id": "g1", "_version": 1})
    assert again.chain.edges == config.chain.edges
    assert again.chain.segments == config.chain.segments
    assert again.weights == config.weights


def test_a_segment_in_use_cannot_leave_the_chain_map() -> None:
    config = GroupConfig.default("g1")
    smaller = IndustryChainMap.of([Segment("ic.design", "芯片设计", "IC design")], [])
    with pytest.raises(Conflict, match=r"bio\.packaging"):
        config.replace_chain(smaller, {"bio.packaging", "ic.design"})
    config.replace_chain(smaller, {"ic.design"})
    assert list(config.chain.segments) == ["ic.design"]
