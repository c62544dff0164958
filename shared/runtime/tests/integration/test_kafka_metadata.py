"""The runtime's one use of aiokafka's private API (`parkops_runtime.kafka_metadata`), over the real
broker: a topic created after the consumer started is found with all its partitions, where the public
cached answer does not know it."""

from aiokafka import AIOKafkaConsumer, TopicPartition
from parkops_runtime.kafka_metadata import partitions_on_cluster
from parkops_runtime.topics import ensure_topics

from tests.support.infra import Infra
from tests.support.services import run_id


async def test_a_topic_created_after_the_consumer_started_is_found_with_every_partition(infra: Infra) -> None:
    prefix = f"t{run_id()}"
    first, later, never = f"{prefix}.first", f"{prefix}.later", f"{prefix}.never"
    await ensure_topics(infra.kafka_bootstrap_servers, [first], partitions=2, replication=1)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=infra.kafka_bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(await partitions_on_cluster(consumer, [first]))
        await ensure_topics(infra.kafka_bootstrap_servers, [later], partitions=3, replication=1)

        found = await partitions_on_cluster(consumer, [first, later, never])

        expected = [TopicPartition(first, p) for p in (0, 1)] + [TopicPartition(later, p) for p in (0, 1, 2)]
        assert found == expected
        assert consumer.partitions_for_topic(later) is None  # why the private call: the cache never learns it
    finally:
        await consumer.stop()
