"""A leasing process killed between its state write and the publish publishes the event after restart."""

import asyncio
from pathlib import Path

import httpx
import pytest
from bson.codec_options import DEFAULT_CODEC_OPTIONS
from leasing.settings import LeasingSettings
from parkops_contracts.events.leasing import ParkRegistered
from parkops_runtime.auth import Role
from parkops_runtime.outbox import loaded_commit
from pymongo import MongoClient

from bench.load import service_env
from tests.support.fault_processes import ServiceProcess
from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import park_body
from tests.support.services import bearer, eventually, isolated_settings, run_id

LEASING = "leasing.main:create_app"


async def test_an_event_written_before_a_crash_is_published_after_restart(
    infra: Infra, tmp_path: Path
) -> None:
    run = run_id()
    settings = isolated_settings(
        LeasingSettings,
        infra,
        run,
        outbox_sweep_seconds=1,
        outbox_owner_beat_seconds=0.2,
        outbox_owner_dead_after_seconds=1,
    )
    env = service_env(settings)
    admin = bearer(Role.GROUP_ADMIN, "crash-group")
    body = park_body("crash-park", "Crash Park")
    leasing = ServiceProcess(
        LEASING, {**env, "LEASING_OUTBOX_CRASH_AFTER_WRITE": "true"}, tmp_path / "leasing.log"
    )

    await leasing.start()
    async with httpx.AsyncClient(timeout=10) as http:
        with pytest.raises(httpx.HTTPError):
            await http.post(f"{leasing.base}/parks", json=body, headers=admin)
    assert await asyncio.wait_for(leasing.exited(), 10) == -9  # SIGKILL: no shutdown hook ran

    with MongoClient(infra.mongodb_url) as client:
        stored = client[f"t{run}_leasing"]["parks"].find_one({"_id": "crash-park"})
        waiting = list(client[f"t{run}_leasing"]["parks.commits"].find({"doc_id": "crash-park"}))
    assert stored is not None, "the state write happened before the crash"
    assert [len(loaded_commit(c, DEFAULT_CODEC_OPTIONS)["events"]) for c in waiting] == [1], (
        "and its event is still waiting in its commit"
    )
    topic = ParkRegistered.topic(f"t{run}")
    assert await read_all(infra.kafka_bootstrap_servers, topic, at_least=1, timeout_s=2) == []

    leasing.env = env  # the same process restarted as usual
    await leasing.start()
    try:
        with MongoClient(infra.mongodb_url) as client:
            published = await read_all(infra.kafka_bootstrap_servers, topic, at_least=1)
            commits = client[f"t{run}_leasing"]["parks.commits"]

            async def commit_deleted() -> bool:  # once its publish is acknowledged
                return commits.count_documents({}) == 0

            await eventually(commit_deleted)
    finally:
        await leasing.stop()
    assert len(published) == 1
    assert ParkRegistered.model_validate_json(published[0].value).park_id == "crash-park"
