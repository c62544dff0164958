"""The tests' Kafka reader returns a topic's every record, a copy that comes late included, so an
"exactly N" check built on it can see a duplicate."""

import asyncio

from aiokafka.admin import AIOKafkaAdminClient
from parkops_contracts.events.leasing import UnitListed

from tests.support.events import unit_listed
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_all
from tests.support.services import run_id


async def test_a_copy_published_after_the_first_n_arrived_is_returned(infra: Infra) -> None:
    topic, bootstrap = UnitListed.topic(f"t{run_id()}"), infra.kafka_bootstrap_servers
    body = unit_listed("u1").model_dump_json().encode()
    await produce(bootstrap, topic, [(body, envelope(UnitListed, event_id="e1"))], key=b"k")

    async def late_copy() -> None:
        await asyncio.sleep(0.3)  # after the reader has its one record: the copy comes later
        await produce(bootstrap, topic, [(body, envelope(UnitListed, event_id="e1"))], key=b"k")

    copy = asyncio.create_task(late_copy())
    records = await read_all(bootstrap, topic, at_least=1)
    await copy
    assert [dict(r.headers)["ce_id"] for r in records] == [b"e1", b"e1"]


async def test_a_topic_nobody_wrote_to_reads_as_empty_and_is_not_created(infra: Infra) -> None:
    topic = f"t{run_id()}.nobody.v1"
    assert await read_all(infra.kafka_bootstrap_servers, topic, quiet_s=0.3) == []
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await admin.start()
    try:
        assert topic not in await admin.list_topics()  # a broker default topic would hide a missing one
    finally:
        await admin.close()
