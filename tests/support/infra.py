"""Where the tests find a real Kafka broker and a real MongoDB-wire store.

1. `KAFKA_BOOTSTRAP_SERVERS` and `MONGODB_URL` set (scripts/test sets them from scripts/infra): used as is.
2. Otherwise, where a Docker engine answers: testcontainers (apache/kafka and mongo:8).
3. Otherwise the tests that need them fail with a message saying how to start them. They never skip."""

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlparse


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap_servers: str
    mongodb_url: str

    @classmethod
    def from_env(cls) -> "Infra":
        """The servers the environment names, else those `scripts/infra up` starts (for benchmarks)."""
        return cls(
            os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"),
            os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:37017/"),
        )


class InfraMissing(RuntimeError):
    pass


def answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether something accepts connections there."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A loopback port nothing listens on now, for a process a test or benchmark starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _check(infra: Infra) -> Infra:
    host, _, port = infra.kafka_bootstrap_servers.split(",")[0].rpartition(":")
    if not answers(host, int(port)):
        raise InfraMissing(
            f"no Kafka broker answers at {infra.kafka_bootstrap_servers}: run scripts/infra up"
        )
    mongo = urlparse(infra.mongodb_url)
    if not answers(mongo.hostname or "127.0.0.1", mongo.port or 27017):
        raise InfraMissing(f"no MongoDB-wire store answers at {infra.mongodb_url}: run scripts/infra up")
    return infra


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env().ping()
    except Exception:
        return False
    return True


@contextmanager
def provide_infra() -> Iterator[Infra]:
    kafka, mongo = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URL")
    if kafka and mongo:
        yield _check(Infra(kafka, mongo))
        return
    if _docker_answers():
        from testcontainers.community.kafka import KafkaContainer
        from testcontainers.community.mongodb import MongoDbContainer

        with KafkaContainer("apache/kafka:4.1.1").with_kraft() as k, MongoDbContainer("mongo:8") as m:
            yield Infra(k.get_bootstrap_server(), m.get_connection_url())
        return
    raise InfraMissing(
        "these tests need a real Kafka broker and MongoDB-wire store: run `scripts/infra up` and "
        '`eval "$(scripts/infra env)"` (or use scripts/test, which does both), or run a Docker engine'
    )
