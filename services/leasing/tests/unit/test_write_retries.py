"""A write raced on every try gives up after its retry budget with 409 "try again", never loops forever."""

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from leasing import service as leasing_service
from leasing.domain.park import Park
from leasing.service import MAX_ATTEMPTS, LeasingService
from parkops_contracts.events.leasing import ParkType
from parkops_kernel.errors import Conflict
from parkops_runtime.access import ParkAccess
from parkops_runtime.auth import Principal, Role
from parkops_runtime.directory import ParkEntry
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.problems import MEDIA_TYPE, install_problem_handlers

AT = datetime(2026, 11, 1, tzinfo=UTC)
SCOPE = ParkAccess(Principal("u", Role.GROUP_ADMIN, "g1", frozenset()), ParkEntry("p1", "g1", "IC Park", AT))


class RacedParks:
    """A store where another replica wins the version of the first `losses` saves."""

    def __init__(self, losses: int) -> None:
        self.losses, self.saves, self.loads = losses, 0, 0

    async def get(self, park_id: str, fresh: bool = False) -> Park | None:
        self.loads += 1
        return Park.register(park_id, "g1", "IC Park", ParkType.INCUBATOR, ["I65"], AT)

    async def list_for_group(self, group_id: str) -> list[Park]:
        return []

    async def add(self, park: Park) -> None:
        raise AssertionError("not used")

    async def save(self, park: Park) -> None:
        self.saves += 1
        if self.saves <= self.losses:
            raise ConcurrencyConflict(f"park {park.park_id} changed meanwhile")


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_wait(_: float) -> None:
        pass

    monkeypatch.setattr(leasing_service.asyncio, "sleep", no_wait)  # the jittered backoff: no speed here


def rename(park: Park) -> str:
    park.name = "Renamed"
    return park.name


async def test_a_write_raced_fewer_times_than_its_budget_is_saved() -> None:
    parks = RacedParks(losses=MAX_ATTEMPTS - 1)
    assert await LeasingService(parks).change(SCOPE, rename) == "Renamed"
    assert parks.saves == MAX_ATTEMPTS


async def test_a_write_raced_on_every_try_is_refused_with_409_after_its_budget() -> None:
    parks = RacedParks(losses=10 * MAX_ATTEMPTS)
    with pytest.raises(Conflict) as refused:
        await LeasingService(parks).change(SCOPE, rename)
    assert type(refused.value) is Conflict, "not the internal ConcurrencyConflict leaking out"
    assert parks.saves == MAX_ATTEMPTS
    assert parks.loads == MAX_ATTEMPTS


async def test_the_exhausted_budget_is_a_409_problem_for_the_caller() -> None:
    app = FastAPI()
    install_problem_handlers(app)
    parks = RacedParks(losses=10 * MAX_ATTEMPTS)

    @app.post("/rename")
    async def renamed() -> str:
        return await LeasingService(parks).change(SCOPE, rename)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leasing") as client:
        answer = await client.post("/rename")
    assert answer.status_code == 409
    assert answer.headers["content-type"] == MEDIA_TYPE
    assert answer.json() == {
        "type": "urn:parkops:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "park p1 is changing too fast; try again",
    }
    assert parks.saves == MAX_ATTEMPTS
