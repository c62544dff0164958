"""Shared fixtures: the real infrastructure, found once per test session."""

from collections.abc import Iterator

import pytest

from tests.support.infra import Infra, provide_infra


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with provide_infra() as found:
        yield found
