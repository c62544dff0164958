"""A Kafka broker of a test's own (single-node KRaft), that the test may stop, kill and start again.

Started by `scripts/infra up` itself, with a state directory and ports of its own, so it is the same broker,
configuration and readiness check as the shared one, never that one (19092, 37017 are left alone).
scripts/infra starts a FerretDB beside it (on a free port too, unused here); both are ended by pid."""

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.infra import free_port

INFRA = Path(__file__).resolve().parents[2] / "scripts" / "infra"


class OwnBroker:
    """`start` (or start again on the same ports and data), `stop` (SIGTERM, a clean shutdown), `kill`."""

    def __init__(self, state: Path) -> None:
        self.state, self.port = state, free_port()
        self._env = {
            **os.environ,
            "PARKOPS_STATE": str(state),
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(free_port()),
            "FERRETDB_PORT": str(free_port()),
        }

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._pid("kafka") is not None

    def start(self) -> float:
        """Until the broker answers a metadata request; returns the seconds that took."""
        started = time.monotonic()
        done = subprocess.run([INFRA, "up"], env=self._env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"own broker did not start: {done.stderr[-3000:]}")
        return time.monotonic() - started

    def stop(self) -> None:
        self._end("kafka", signal.SIGTERM, within=60)

    def kill(self) -> None:
        self._end("kafka", signal.SIGKILL, within=30)

    def close(self) -> None:
        for name in ("kafka", "ferretdb"):
            self._end(name, signal.SIGKILL, within=30)

    def _pid(self, name: str) -> int | None:
        """The recorded pid of `name` if that process is alive and started with this state directory."""
        try:
            pid = int((self.state / f"{name}.pid").read_text())
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if str(self.state).encode() in command else None

    def _end(self, name: str, sig: signal.Signals, within: float) -> None:
        pid = self._pid(name)
        if pid is None:
            return
        os.kill(pid, sig)
        deadline = time.monotonic() + within
        while self._pid(name) == pid:  # not our child (scripts/infra detached it): poll until it is gone
            assert time.monotonic() < deadline, f"{name} (pid {pid}) still runs {within} s after {sig.name}"
            time.sleep(0.05)


@contextmanager
def own_broker() -> Iterator[OwnBroker]:
    with tempfile.TemporaryDirectory(prefix="parkops-broker-") as state:
        broker = OwnBroker(Path(state))
        try:
            broker.start()
            yield broker
        finally:
            broker.close()
