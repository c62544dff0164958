from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.services import bearer, isolated_settings, run_id, serving

TODAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
"""leasing's "now" in these tests: commitments, stages and lease dates are written against it, so the
tests mean the same in 2029 as today."""


@dataclass
class Platform:
    run: str
    infra: Infra
    leasing: httpx.AsyncClient
    kpi: httpx.AsyncClient
    group: str
    admin: dict[str, str]

    def topic(self, name: str) -> str:
        return f"t{self.run}.{name}"


@pytest.fixture(scope="module")
async def platform(infra: Infra) -> AsyncIterator[Platform]:
    """leasing and kpi running in this process against the real broker and store."""
    run = run_id()
    leasing_app = create_leasing(isolated_settings(LeasingSettings, infra, run), clock=lambda: TODAY)
    kpi_app = create_kpi(isolated_settings(KpiSettings, infra, run))
    async with serving(leasing_app) as leasing, serving(kpi_app) as kpi:
        group = f"group-{run}"
        yield Platform(run, infra, leasing, kpi, group, bearer(Role.GROUP_ADMIN, group))
