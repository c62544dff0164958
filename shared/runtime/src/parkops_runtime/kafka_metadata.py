"""The one place the runtime reaches into aiokafka's private API.

`partitions_on_cluster` asks the broker for the partitions of topics as they are now. aiokafka has no
public call for it: `AIOKafkaConsumer.partitions_for_topic` answers from the client's cached metadata,
which after the start is refreshed only for the topics assigned or subscribed, so a topic created later
never appears there; `AIOKafkaConsumer.topics()` fetches every topic's metadata but answers only their
names. The private `AIOKafkaClient.fetch_all_metadata` (reached as `consumer._client`, aiokafka 0.14; what
`topics()` calls) answers the whole metadata. shared/runtime/tests/integration/test_kafka_metadata.py
checks it against the real broker, so an aiokafka upgrade that changes it fails there."""

from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition


async def partitions_on_cluster(consumer: AIOKafkaConsumer, topics: Iterable[str]) -> list[TopicPartition]:
    """Every partition of `topics` on the cluster now, by topic then partition; none for a topic that does
    not exist (yet). `consumer` must be started."""
    cluster = await consumer._client.fetch_all_metadata()
    return [TopicPartition(t, p) for t in topics for p in sorted(cluster.partitions_for_topic(t) or ())]
