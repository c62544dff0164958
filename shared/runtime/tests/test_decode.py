from datetime import UTC, datetime

import pytest
from aiokafka import ConsumerRecord
from parkops_contracts.envelope import CloudEventMeta
from parkops_contracts.events.leasing import TenantOnboarded, UnitListed
from parkops_runtime.consumer import MalformedEvent, decode

TOPIC = UnitListed.topic("t1")
CONTRACTS = {TOPIC: UnitListed}
GOOD = (
    b'{"park_id":"p","group_id":"g","unit_id":"u","building":"A","floor":1,"unit_number":"1",'
    b'"unit_type":"office","area_m2":"10.5","listed_at":"2026-11-01T00:00:00Z"}'
)


def record(
    value: bytes, ce_type: str = UnitListed.ce_type(), topic: str = TOPIC, **drop: bool
) -> ConsumerRecord:
    meta = CloudEventMeta(id="e1", source="/parkops/leasing", type=ce_type, time=datetime.now(UTC))
    headers = [(k, v.encode()) for k, v in meta.to_headers().items() if not drop.get(k)]
    return ConsumerRecord(topic, 0, 7, 0, 0, b"p", value, None, len(value), len(value), headers)


def test_a_valid_record_decodes_to_its_contract() -> None:
    delivery = decode(record(GOOD), CONTRACTS)
    assert isinstance(delivery.event, UnitListed)
    assert delivery.meta.id == "e1"
    assert delivery.offset == 7


@pytest.mark.parametrize(
    ("rec", "reason"),
    [
        (record(b"{not json"), "body is invalid"),
        (record(GOOD.replace(b'"area_m2":"10.5",', b"")), "area_m2: Field required"),
        (record(GOOD, ce_type=TenantOnboarded.ce_type()), "unexpected event type"),
        (record(GOOD, ce_source=True), "ce_source"),
    ],
    ids=["not-json", "missing-field", "wrong-type", "no-source"],
)
def test_malformed_records_name_the_reason(rec: ConsumerRecord, reason: str) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        decode(rec, CONTRACTS)
