"""Committed JSON Schemas are the public contract: the code must match them and never break them."""

import copy
import json
from pathlib import Path

import pytest
from parkops_contracts.events import ALL_EVENTS
from parkops_contracts.schemas import compatibility_problems, schema_of

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.__name__)
def test_committed_schema_matches_the_code(event: type) -> None:
    path = SCHEMAS / f"{event.topic()}.json"
    assert path.exists(), f"{path.name} is not committed: run scripts/export-schemas"
    committed = json.loads(path.read_text())
    assert compatibility_problems(committed, schema_of(event)) == []
    assert committed == json.loads(json.dumps(schema_of(event))), "stale schema: run scripts/export-schemas"


def test_every_committed_schema_still_has_a_contract() -> None:
    topics = {f"{e.topic()}.json" for e in ALL_EVENTS}
    orphans = sorted(p.name for p in SCHEMAS.glob("*.json") if p.name not in topics)
    assert orphans == [], f"committed schemas lost their contract: {orphans}"


def _tenant_onboarded() -> dict:  # type: ignore[type-arg]
    return json.loads((SCHEMAS / "parkops.leasing.tenant-onboarded.v1.json").read_text())  # type: ignore[no-any-return]


def test_a_removed_field_is_reported() -> None:
    current = _tenant_onboarded()
    del current["properties"]["headcount"]
    assert compatibility_problems(_tenant_onboarded(), current) == [
        "field 'headcount' was removed or renamed"
    ]


def test_a_renamed_field_is_reported() -> None:
    current = _tenant_onboarded()
    current["properties"]["staff_count"] = current["properties"].pop("headcount")
    assert "field 'headcount' was removed or renamed" in compatibility_problems(_tenant_onboarded(), current)


def test_a_retyped_field_is_reported() -> None:
    current = _tenant_onboarded()
    current["properties"]["headcount"] = {"type": "string"}
    problems = compatibility_problems(_tenant_onboarded(), current)
    assert len(problems) == 1
    assert problems[0].startswith("field 'headcount' changed type")


def test_a_new_required_field_is_reported_but_an_optional_one_is_fine() -> None:
    optional = _tenant_onboarded()
    optional["properties"]["website"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    assert compatibility_problems(_tenant_onboarded(), optional) == []
    required = copy.deepcopy(optional)
    required["required"].append("website")
    assert compatibility_problems(_tenant_onboarded(), required) == [
        "new field 'website' is required; add it as optional"
    ]


def test_an_enum_may_grow_but_not_shrink() -> None:
    committed = json.loads((SCHEMAS / "parkops.leasing.park-registered.v1.json").read_text())
    grown = copy.deepcopy(committed)
    grown["$defs"]["ParkType"]["enum"].append("science_city")
    assert compatibility_problems(committed, grown) == []
    shrunk = copy.deepcopy(committed)
    shrunk["$defs"]["ParkType"]["enum"].remove("incubator")
    assert len(compatibility_problems(committed, shrunk)) == 1
