"""Create (or, where topics are managed outside, check) the topics a service reads and writes before it
starts, so a consumer never waits for a metadata refresh to discover a topic a producer creates later."""

from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


class MissingTopics(RuntimeError):
    """Topics the service needs are not on the cluster (and it does not create topics itself)."""


async def require_topics(bootstrap_servers: str, topics: Iterable[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="parkops-topics")
    await admin.start()
    try:
        missing = sorted(set(topics) - set(await admin.list_topics()))
    finally:
        await admin.close()
    if missing:
        raise MissingTopics(f"topics missing on the cluster (create them with parkops-topics): {missing}")


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[str], partitions: int, replication: int
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="parkops-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = sorted(set(topics) - existing)
        if not missing:
            return
        response = await admin.create_topics([NewTopic(t, partitions, replication) for t in missing])
        for topic, code, *_ in getattr(response, "topic_errors", []):
            if code not in (0, TopicAlreadyExistsError.errno):
                raise RuntimeError(f"could not create topic {topic}: error code {code}")
    finally:
        await admin.close()
