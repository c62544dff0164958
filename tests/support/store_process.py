"""A FerretDB of a test's own, on a free port with its own SQLite directory, that the test may kill.

Never the shared store of scripts/infra: its binary only (built there into ~/.cache/parkops)."""

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.infra import answers, free_port


def ferretdb_binary() -> Path:
    built = sorted(Path.home().glob(".cache/parkops/ferretdb-*/ferretdb"), key=lambda p: p.stat().st_mtime)
    if not built:
        raise RuntimeError("FerretDB is not built yet: run scripts/infra up once")
    return built[-1]


class OwnStore:
    """Start, kill (SIGKILL: no goodbye to its clients) and start again on the same port and data."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self) -> None:
        assert self._process is None, "already running"
        self._process = subprocess.Popen(
            [ferretdb_binary(), "-listen-addr", f"127.0.0.1:{self.port}", "-data-dir", str(self.data_dir)],
            env={k: v for k, v in os.environ.items() if k != "FERRETDB_DEBUG_ADDR"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not answers("127.0.0.1", self.port, timeout=0.2):
            assert self._process.poll() is None, "FerretDB exited while starting"
            assert time.monotonic() < deadline, "FerretDB did not listen within 30 s"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self._process is not None, "not running"
        self._process.send_signal(signal.SIGKILL)
        self._process.wait()
        self._process = None


@contextmanager
def own_store() -> Iterator[OwnStore]:
    with tempfile.TemporaryDirectory(prefix="parkops-store-") as data_dir:
        store = OwnStore(Path(data_dir))
        store.start()
        try:
            yield store
        finally:
            if store._process is not None:
                store.kill()
