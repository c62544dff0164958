"""A Kafka broker of a test's own (KRaft, one node, free ports, its own log directory) that the test may
kill and start again on the same ports and data.

Never the shared broker of scripts/infra: its jars only (fetched there into ~/.cache/parkops)."""

import base64
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.infra import answers, free_port

JVM = ["java", "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
QUIET_LOGS = """status = error
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = %p %m (%c)%n
rootLogger.level = ERROR
rootLogger.appenderRef.out.ref = out
"""


def kafka_lib() -> Path:
    found = sorted(Path.home().glob(".cache/parkops/kafka-*/lib"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise RuntimeError("Kafka is not fetched yet: run scripts/infra up once")
    return found[-1]


class OwnBroker:
    """Start, kill (SIGKILL: no goodbye to its clients) and start again on the same ports and data."""

    def __init__(self, state: Path) -> None:
        self.state, self.port, self.controller_port = state, free_port(), free_port()
        self._process: subprocess.Popen[bytes] | None = None
        (state / "log4j2.properties").write_text(QUIET_LOGS)
        (state / "server.properties").write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                    f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    f"log.dirs={state / 'data'}",
                    "num.partitions=1",
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                ]
            )
        )
        cluster = base64.urlsafe_b64encode(b"parkops-test-own").decode().rstrip("=")
        subprocess.run(
            [*self._java(), "kafka.tools.StorageTool", "format", "-t", cluster, "-c", str(self._config)],
            check=True,
            capture_output=True,
            timeout=120,
        )

    @property
    def running(self) -> bool:
        return self._process is not None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def _config(self) -> Path:
        return self.state / "server.properties"

    def _java(self) -> list[str]:
        logs = f"-Dlog4j2.configurationFile={self.state / 'log4j2.properties'}"
        return [*JVM, logs, "-cp", f"{kafka_lib()}/*"]

    def start(self) -> None:
        assert self._process is None, "already running"
        self._process = subprocess.Popen(
            [*self._java(), "kafka.Kafka", str(self._config)],
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while not answers("127.0.0.1", self.port, timeout=0.2):
            assert self._process.poll() is None, "Kafka exited while starting"
            assert time.monotonic() < deadline, "Kafka did not listen within 120 s"
            time.sleep(0.1)

    def kill(self) -> None:
        assert self._process is not None, "not running"
        self._process.send_signal(signal.SIGKILL)
        self._process.wait()
        self._process = None


@contextmanager
def own_broker() -> Iterator[OwnBroker]:
    with tempfile.TemporaryDirectory(prefix="parkops-broker-") as state:
        broker = OwnBroker(Path(state))
        broker.start()
        try:
            yield broker
        finally:
            if broker.running:
                broker.kill()
