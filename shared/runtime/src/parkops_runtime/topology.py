"""The Kafka side as code: every topic the services use, declared once, from the services themselves.

Each service's runtime records what it publishes, what each of its consumer groups reads and its
dead-letter topic (`ServiceTopics`). From those, for a `Profile` of the cluster:
- `declared` lists every topic with its partitions, replication and configs: event topics are the log
  (kept forever, `retention.ms=-1`), dead-letter topics are kept for a bounded time;
- `strimzi_manifests` renders them as Strimzi `KafkaTopic` resources, and each service as a `KafkaUser`
  whose ACLs allow exactly that: write its own topics, read what its groups read, with those groups;
- `parkops_runtime.topology_cli` (`parkops-topics`) creates or alters them on a cluster.
Services with `topics_external` set create nothing and only check at start-up that the topics are there."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

FOREVER = -1


@dataclass
class ServiceTopics:
    """What one service does with topics, as its composition root declared it."""

    service: str
    dead_letter: str
    publishes: set[str] = field(default_factory=set)
    reads: dict[str, set[str]] = field(default_factory=dict)  # consumer group -> topics
    follows: set[str] = field(default_factory=set)  # read whole by every replica, with no group

    def read_topics(self) -> set[str]:
        return self.follows | {t for topics in self.reads.values() for t in topics}

    def all(self) -> set[str]:
        return {self.dead_letter} | self.publishes | self.read_topics()


@dataclass(frozen=True)
class Profile:
    """How a cluster keeps topics. `min_insync_replicas` below `replication` lets one broker be down
    while `acks=all` producers still write."""

    partitions: int
    replication: int
    min_insync_replicas: int
    dead_letter_retention: timedelta = timedelta(days=14)


PROFILES = {
    "development": Profile(partitions=3, replication=1, min_insync_replicas=1),
    "production": Profile(partitions=12, replication=3, min_insync_replicas=2),
}


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication: int
    configs: dict[str, str]


def declared(services: Iterable[ServiceTopics], profile: Profile) -> list[TopicSpec]:
    """Every topic of these services, sorted by name."""
    dead_letters = {s.dead_letter for s in services}
    names = set().union(*(s.all() for s in services))
    return [_spec(name, name in dead_letters, profile) for name in sorted(names)]


def _spec(name: str, dead_letter: bool, profile: Profile) -> TopicSpec:
    retention = int(profile.dead_letter_retention.total_seconds() * 1000) if dead_letter else FOREVER
    configs = {
        "cleanup.policy": "delete",
        "min.insync.replicas": str(profile.min_insync_replicas),
        "retention.ms": str(retention),
    }
    return TopicSpec(name, profile.partitions, profile.replication, configs)


def strimzi_manifests(
    services: Sequence[ServiceTopics], profile: Profile, cluster: str, namespace: str
) -> list[dict[str, Any]]:
    """`KafkaTopic`s of every declared topic, then a `KafkaUser` per service with its ACLs."""
    labels = {"strimzi.io/cluster": cluster}
    topics = [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaTopic",
            "metadata": {"name": _resource_name(t.name), "namespace": namespace, "labels": labels},
            "spec": {
                "topicName": t.name,
                "partitions": t.partitions,
                "replicas": t.replication,
                "config": dict(t.configs),
            },
        }
        for t in declared(services, profile)
    ]
    users = [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaUser",
            "metadata": {"name": f"parkops-{s.service}", "namespace": namespace, "labels": labels},
            "spec": {"authentication": {"type": "tls"}, "authorization": {"type": "simple", "acls": acls(s)}},
        }
        for s in sorted(services, key=lambda s: s.service)
    ]
    return topics + users


def acls(service: ServiceTopics) -> list[dict[str, Any]]:
    """Write (with Describe) on what it publishes, Read on what its groups read, Read on those groups."""
    writes = sorted(service.publishes | {service.dead_letter})
    reads = sorted(service.read_topics())
    return (
        [_acl("topic", t, ["Describe", "Write"]) for t in writes]
        + [_acl("topic", t, ["Describe", "Read"]) for t in reads]
        + [_acl("group", g, ["Read"]) for g in sorted(service.reads)]
    )


def _acl(kind: str, name: str, operations: list[str]) -> dict[str, Any]:
    return {
        "resource": {"type": kind, "name": name, "patternType": "literal"},
        "operations": operations,
        "host": "*",
    }


def _resource_name(topic: str) -> str:
    """A Kubernetes name for a topic (lower case, dots allowed, at most 253 characters)."""
    return topic.lower().replace("_", "-")[:253]
