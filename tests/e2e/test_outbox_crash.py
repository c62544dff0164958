"""A leasing process killed between its state write and the publish publishes the event after restart."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from bson.codec_options import DEFAULT_CODEC_OPTIONS
from parkops_contracts.events import ParkRegistered
from parkops_runtime.auth import Role
from parkops_runtime.outbox import loaded_commit
from pymongo import MongoClient

from tests.support.infra import Infra, free_port
from tests.support.kafka import read_all
from tests.support.services import bearer, eventually, run_id


@contextmanager
def leasing_process(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "leasing.main:create_app", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, "leasing died while starting"
            time.sleep(0.2)
        else:
            pytest.fail("leasing did not become ready within 60 s")
        yield process
    finally:
        process.kill()
        process.wait()


async def test_an_event_written_before_a_crash_is_published_after_restart(infra: Infra) -> None:
    run = run_id()
    env = {
        "LEASING_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap_servers,
        "LEASING_MONGODB_URL": infra.mongodb_url,
        "LEASING_MONGODB_DATABASE": f"t{run}_leasing",
        "LEASING_TOPIC_PREFIX": f"t{run}",
        "LEASING_OUTBOX_SWEEP_SECONDS": "1",
        "LEASING_OUTBOX_OWNER_BEAT_SECONDS": "0.2",
        "LEASING_OUTBOX_OWNER_DEAD_AFTER_SECONDS": "1",
        "LEASING_DEV_MODE": "true",  # the tests sign tokens with the development secret
    }
    admin = bearer(Role.GROUP_ADMIN, "crash-group")
    body = {
        "park_id": "crash-park",
        "name": "Crash Park",
        "park_type": "incubator",
        "leading_industries": ["I65"],
    }
    port = free_port()

    with leasing_process({**env, "LEASING_OUTBOX_CRASH_AFTER_WRITE": "true"}, port) as doomed:
        async with httpx.AsyncClient(timeout=10) as http:
            with pytest.raises(httpx.HTTPError):
                await http.post(f"http://127.0.0.1:{port}/parks", json=body, headers=admin)
        assert doomed.wait(timeout=10) == -9  # SIGKILL: no shutdown hook ran

    with MongoClient(infra.mongodb_url) as client:
        stored = client[f"t{run}_leasing"]["parks"].find_one({"_id": "crash-park"})
        waiting = list(client[f"t{run}_leasing"]["parks.commits"].find({"doc_id": "crash-park"}))
    assert stored is not None, "the state write happened before the crash"
    assert [len(loaded_commit(c, DEFAULT_CODEC_OPTIONS)["events"]) for c in waiting] == [1], (
        "and its event is still waiting in its commit"
    )
    topic = ParkRegistered.topic(f"t{run}")
    assert await read_all(infra.kafka_bootstrap_servers, topic, at_least=1, timeout_s=2) == []

    with leasing_process(env, port), MongoClient(infra.mongodb_url) as client:
        published = await read_all(infra.kafka_bootstrap_servers, topic, at_least=1)
        commits = client[f"t{run}_leasing"]["parks.commits"]

        async def commit_deleted() -> bool:  # once its publish is acknowledged
            return commits.count_documents({}) == 0

        await eventually(commit_deleted)
    assert len(published) == 1
    assert ParkRegistered.model_validate_json(published[0].value).park_id == "crash-park"
