"""The committed OpenAPI snapshots are each service's HTTP contract: the code must match them."""

import json

import pytest

from tests.support.openapi import SERVICES, current, removed_operations, render, snapshot_path


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_openapi_snapshot_matches_the_code(service: str) -> None:
    path = snapshot_path(service)
    assert path.exists(), f"{path.name} of {service} is not committed: run scripts/export-openapi"
    committed, now = json.loads(path.read_text()), current(service)
    assert removed_operations(committed, now) == [], "operations removed: clients calling them break"
    assert path.read_text() == render(now), f"stale snapshot of {service}: run scripts/export-openapi"


def test_a_removed_operation_is_reported() -> None:
    committed = {"paths": {"/parks": {"get": {}, "post": {}}, "/units": {"get": {}}}}
    now = {"paths": {"/parks": {"get": {}}}}
    assert removed_operations(committed, now) == ["GET /units", "POST /parks"]
