"""Shared fixtures: the real infrastructure, found once per test session."""

import asyncio
from collections.abc import Iterator

import pytest

from tests.support.infra import Infra, provide_infra
from tests.support.kafka import delete_topics_of_runs
from tests.support.services import RUNS


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with provide_infra() as found:
        yield found
        # A long-lived local broker would otherwise keep every test run's topics (and their files).
        if RUNS:
            asyncio.run(delete_topics_of_runs(found.kafka_bootstrap_servers, RUNS))
