"""Services served over real HTTP on 127.0.0.1, from a thread with an event loop of its own.

For synchronous clients (schemathesis sends with `requests`): the services' lifespans (broker, store,
consumers) need a running loop, which a synchronous test cannot lend them."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

STARTUP_SECONDS = 90.0


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def served(apps: Mapping[str, FastAPI]) -> Iterator[dict[str, str]]:
    """Serve every app (lifespan included) on a free port; yield each one's base URL by name."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="served", daemon=True)
    thread.start()
    sockets = {name: _bound_socket() for name in apps}
    servers = {
        # log_config=None: leave logging as the services set it up (JSON lines), not uvicorn's.
        name: uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
        for name, app in apps.items()
    }
    running: dict[str, Future[None]] = {
        name: asyncio.run_coroutine_threadsafe(server.serve(sockets=[sockets[name]]), loop)
        for name, server in servers.items()
    }
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not all(server.started for server in servers.values()):
            ended = [name for name, future in running.items() if future.done()]
            if ended or time.monotonic() > deadline:
                raise RuntimeError(f"did not start within {STARTUP_SECONDS}s or stopped: {ended or 'none'}")
            time.sleep(0.05)
        yield {name: f"http://127.0.0.1:{sock.getsockname()[1]}" for name, sock in sockets.items()}
    finally:
        for server in servers.values():
            server.should_exit = True
        for future in running.values():
            future.result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        for sock in sockets.values():
            sock.close()
