"""`parkops-topics apply` against the real broker: creates what is missing, grows and re-configures what
differs, changes nothing when run again; a service that does not create topics refuses to start without."""

import dataclasses
from datetime import timedelta

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from parkops_runtime.topics import MissingTopics, require_topics
from parkops_runtime.topology import PROFILES, ServiceTopics, declared
from parkops_runtime.topology_cli import Change, apply

from tests.support.infra import Infra
from tests.support.services import run_id

DEV = PROFILES["development"]


def a_service(prefix: str) -> ServiceTopics:
    return ServiceTopics(
        "orders",
        f"{prefix}.orders.dead-letter.v1",
        publishes={f"{prefix}.orders.order-placed.v1"},
        reads={f"{prefix}.orders": {f"{prefix}.leasing.lease-signed.v1"}},
    )


async def test_apply_creates_then_changes_only_what_differs(infra: Infra) -> None:
    prefix = f"t{run_id()}"
    service = a_service(prefix)
    specs = declared([service], DEV)
    bootstrap = infra.kafka_bootstrap_servers
    try:
        with pytest.raises(MissingTopics, match="order-placed"):
            await require_topics(bootstrap, service.all())
        assert [c.action for c in await apply(bootstrap, specs, dry_run=True)] == ["create"] * 3
        assert [c.action for c in await apply(bootstrap, specs)] == ["create"] * 3
        await require_topics(bootstrap, service.all())
        assert await apply(bootstrap, specs) == []  # run again: nothing to do

        longer = dataclasses.replace(DEV, partitions=4, dead_letter_retention=timedelta(days=1))
        changes = await apply(bootstrap, declared([service], longer))
        dead_letter = service.dead_letter
        expected = [Change(t, "add partitions", "3 -> 4") for t in service.all()]
        expected.append(Change(dead_letter, "set configs", "retention.ms=86400000"))
        assert sorted(changes, key=str) == sorted(expected, key=str)
        assert await apply(bootstrap, declared([service], longer)) == []
        assert await apply(bootstrap, specs) == [  # fewer partitions are never applied; configs are
            Change(dead_letter, "set configs", "retention.ms=1209600000")
        ]
    finally:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        await admin.delete_topics([t for t in service.all() if t in set(await admin.list_topics())])
        await admin.close()
