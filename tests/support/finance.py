"""finance running beside leasing (where its parks are registered), for finance's e2e tests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from finance.main import create_app
from finance.settings import FinanceSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.parks import known, register_park
from tests.support.services import bearer, isolated_settings, serving

REGISTERED = datetime(2025, 12, 1, tzinfo=UTC)
"""When leasing registers the park: before every lease and invoice of these tests."""


@asynccontextmanager
async def finance_beside_leasing(
    infra: Infra, run: str, park: tuple[str, str], today: datetime
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """finance's app (its clock at `today`) and a client of it, once it knows the (park, group) leasing
    registered."""
    park_id, group_id = park
    leasing_app = create_leasing(isolated_settings(LeasingSettings, infra, run), clock=lambda: REGISTERED)
    settings = isolated_settings(FinanceSettings, infra, run, directory_wait_seconds=0.5)
    app = create_app(settings, clock=lambda: today)
    async with serving(leasing_app) as leasing, serving(app) as http:
        await register_park(leasing, group_id, park_id)
        await known(http, f"/parks/{park_id}/invoices", bearer(Role.GROUP_ADMIN, group_id))
        yield app, http
