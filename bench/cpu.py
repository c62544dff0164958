"""CPU time of the processes a benchmark drives, read from /proc (they must run on this machine): the
service's uvicorn process and its workers, the store (FerretDB) and the broker (Kafka)."""

import os
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """The process's CPU seconds and those of its live descendants (uvicorn's `--workers`)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return cpu_seconds(pid) + sum(tree_cpu_seconds(int(child)) for child in children)


def _oldest(pattern: str, missing: str) -> int:
    command = ["pgrep", "-o", "-f", "--", pattern]
    found = subprocess.run(command, capture_output=True, text=True).stdout.split()
    if not found:
        raise SystemExit(missing)
    return int(found[0])


def store_pid() -> int:
    """The FerretDB process serving MONGODB_URL's port (other FerretDBs may run beside it)."""
    port = urlsplit(os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:37017/")).port or 27017
    return _oldest(
        f"ferretdb -listen-addr [^ ]*:{port}( |$)",
        f"no FerretDB process listening on port {port} on this machine: scripts/infra up",
    )


def broker_pid() -> int:
    return _oldest("kafka.Kafka", "no Kafka broker process on this machine: scripts/infra up")


def serving_pid(base: str) -> int:
    """The uvicorn process `bench.load.served` started for `base` (its workers are its children)."""
    port = urlsplit(base).port
    return _oldest(f"-m uvicorn .*--port {port} ", f"no uvicorn process serving {base}")


class CpuMeter:
    """CPU seconds used by the service (with its workers), the store and the broker while `measuring()`."""

    def __init__(self, base: str) -> None:
        self._pids = serving_pid(base), store_pid(), broker_pid()
        self.used = (0.0, 0.0, 0.0)  # service, store, broker: of the last `measuring()`

    def _read(self) -> list[float]:
        service, store, broker = self._pids
        return [tree_cpu_seconds(service), cpu_seconds(store), cpu_seconds(broker)]

    @asynccontextmanager
    async def measuring(self) -> AsyncIterator[None]:
        before = self._read()
        yield
        service, store, broker = (after - first for after, first in zip(self._read(), before, strict=True))
        self.used = service, store, broker
