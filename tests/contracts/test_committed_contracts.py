"""The committed OpenAPI documents and Kafka manifests are the services' contracts: the code must match."""

import json

import pytest
import yaml

from tests.support.contracts import (
    SERVICES,
    STRIMZI,
    current_openapi,
    current_strimzi,
    removed_operations,
    render,
    snapshot_path,
)


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_openapi_snapshot_matches_the_code(service: str) -> None:
    path = snapshot_path(service)
    assert path.exists(), f"{path.name} of {service} is not committed: run scripts/export-contracts"
    committed, now = json.loads(path.read_text()), current_openapi(service)
    assert removed_operations(committed, now) == [], "operations removed: clients calling them break"
    assert path.read_text() == render(now), f"stale snapshot of {service}: run scripts/export-contracts"


def test_a_removed_operation_is_reported() -> None:
    committed = {"paths": {"/parks": {"get": {}, "post": {}}, "/units": {"get": {}}}}
    now = {"paths": {"/parks": {"get": {}}}}
    assert removed_operations(committed, now) == ["GET /units", "POST /parks"]


def test_the_committed_kafka_manifests_match_the_services_declarations() -> None:
    assert STRIMZI.read_text() == current_strimzi(), "stale Kafka manifests: run scripts/export-contracts"


def test_every_topic_a_service_uses_is_declared_and_each_service_may_use_only_its_own() -> None:
    documents = list(yaml.safe_load_all(STRIMZI.read_text()))
    topics = {d["spec"]["topicName"]: d["spec"] for d in documents if d["kind"] == "KafkaTopic"}
    users = {
        d["metadata"]["name"]: d["spec"]["authorization"]["acls"]
        for d in documents
        if d["kind"] == "KafkaUser"
    }
    assert sorted(users) == sorted(f"parkops-{s}" for s in SERVICES)
    writers: dict[str, list[str]] = {}
    for user, acls in users.items():
        for acl in acls:
            if acl["resource"]["type"] == "topic":
                assert acl["resource"]["name"] in topics, f"{user} uses an undeclared topic"
                if "Write" in acl["operations"]:
                    writers.setdefault(acl["resource"]["name"], []).append(user)
    assert all(len(w) == 1 for w in writers.values()), "a topic has two writers"
    assert topics["parkops.leasing.lease-signed.v1"]["config"]["retention.ms"] == "-1"  # the log
    assert topics["parkops.kpi.dead-letter.v1"]["config"]["retention.ms"] == str(14 * 24 * 3600 * 1000)
    assert {t["replicas"] for t in topics.values()} == {3}
    assert {t["config"]["min.insync.replicas"] for t in topics.values()} == {"2"}
