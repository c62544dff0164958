"""Services as real processes (uvicorn, as deployed) that a fault scenario may SIGKILL, freeze and restart.

Each keeps its port across restarts, so a load generator's list of addresses stays valid."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.infra import free_port


class ServiceProcess:
    """One service process: `start`, `kill` (SIGKILL: no shutdown hook runs), `freeze`/`thaw`."""

    def __init__(self, factory: str, env: dict[str, str], log: Path, log_level: str = "warning") -> None:
        self.factory, self.env, self.log, self.port = factory, env, log, free_port()
        self.log_level = log_level
        self._process: asyncio.subprocess.Process | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None

    async def start(self, within: float = 180) -> float:
        """Start and wait until /health/ready answers 200; returns the seconds that took."""
        assert self._process is None, "already running"
        started = time.monotonic()
        with self.log.open("ab") as out:
            self._process = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "uvicorn", "--factory", self.factory, "--port", str(self.port)),
                *("--log-level", self.log_level, "--no-access-log"),
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        async with httpx.AsyncClient(timeout=1) as http:
            while True:
                try:
                    if (await http.get(f"{self.base}/health/ready")).status_code == 200:
                        return time.monotonic() - started
                except httpx.HTTPError:
                    pass
                if self._process.returncode is not None:
                    raise RuntimeError(f"{self.factory} died while starting: {self.log.read_text()[-2000:]}")
                if time.monotonic() - started > within:
                    raise TimeoutError(f"{self.factory} not ready within {within} s")
                await asyncio.sleep(0.1)

    async def kill(self) -> None:
        assert self._process is not None, "not running"
        self._process.send_signal(signal.SIGKILL)
        await self._process.wait()
        self._process = None

    async def terminate(self) -> int:
        """SIGTERM (a graceful shutdown, as Kubernetes stops a pod); the exit status once it is gone."""
        assert self._process is not None, "not running"
        self._process.send_signal(signal.SIGTERM)
        return await self.exited()

    async def exited(self) -> int:
        """The exit status of a process that ends by itself (or was told to)."""
        assert self._process is not None, "not running"
        status = await self._process.wait()
        self._process = None
        return status

    def freeze(self) -> None:
        assert self._process is not None, "not running"
        self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self._process is not None, "not running"
        self._process.send_signal(signal.SIGCONT)

    async def stop(self) -> None:
        """The end of a scenario (SIGKILL too: nothing to wait for, the accounting has been done)."""
        if self._process is not None:
            await self.kill()
