from datetime import UTC, datetime

import pytest
from parkops_contracts.base import kebab
from parkops_contracts.envelope import CloudEventMeta, InvalidEnvelope
from parkops_contracts.events.leasing import TenantOnboarded


def test_headers_round_trip_in_binary_mode() -> None:
    meta = CloudEventMeta(
        id="e1",
        source="/parkops/leasing",
        type=TenantOnboarded.ce_type(),
        time=datetime.now(UTC),
        subject="p1",
    )
    headers = meta.to_headers()
    assert headers["ce_specversion"] == "1.0"
    assert headers["content-type"] == "application/json"
    raw = [(k, v.encode()) for k, v in headers.items()]
    assert CloudEventMeta.from_headers(raw) == meta
    assert meta.dedup_key == "/parkops/leasing#e1"


def test_missing_attributes_are_named() -> None:
    with pytest.raises(InvalidEnvelope, match="ce_source"):
        CloudEventMeta.from_headers(
            {"ce_specversion": "1.0", "ce_id": "x", "ce_type": "t", "ce_time": "2026-01-01T00:00:00Z"}
        )
    with pytest.raises(InvalidEnvelope, match="specversion"):
        CloudEventMeta.from_headers({"ce_id": "x"})


def test_topic_naming_rule() -> None:
    assert kebab("TenantOnboarded") == "tenant-onboarded"
    assert TenantOnboarded.topic() == "parkops.leasing.tenant-onboarded.v1"
    assert TenantOnboarded.topic("t123") == "t123.leasing.tenant-onboarded.v1"
    assert TenantOnboarded.ce_type() == "parkops.leasing.TenantOnboarded.v1"
