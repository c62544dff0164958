"""Shared fixtures: the real infrastructure, found once per test session."""

import asyncio
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from tests.support.infra import Infra, provide_infra
from tests.support.kafka import delete_topics_of_runs
from tests.support.services import RUNS
from tests.support.store import drop_databases_of_runs

# Services record spans only when they export them or find a provider installed: the tests read spans.
trace.set_tracer_provider(TracerProvider())


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with provide_infra() as found:
        yield found
        # A long-lived local broker and store would otherwise keep every test run's topics and
        # databases (and their files).
        if RUNS:
            asyncio.run(delete_topics_of_runs(found.kafka_bootstrap_servers, RUNS))
            asyncio.run(drop_databases_of_runs(found.mongodb_url, RUNS))
