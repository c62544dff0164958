"""The store breaker's state machine, fed pymongo's pool events, and what an app answers while it is open."""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from parkops_runtime.breaker import Address, BreakerState, StoreBreaker
from parkops_runtime.problems import MEDIA_TYPE
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.settings import ServiceSettings, settings_for
from pymongo.monitoring import PoolClearedEvent, PoolClosedEvent, PoolReadyEvent

A = ("store-a", 27017)
B = ("store-b", 27017)


def test_a_new_breaker_is_closed() -> None:
    assert not BreakerState().is_open


# What happens to which server, and whether the breaker is open after it.
Step = tuple[Callable[[BreakerState, Address], None], Address, bool]
ANSWERED, FAILED, CLOSED = BreakerState.answered, BreakerState.failed, BreakerState.closed
SEQUENCES: dict[str, list[Step]] = {
    "a failed server opens it and its answer closes it": [
        (ANSWERED, A, False),
        (FAILED, A, True),
        (FAILED, A, True),  # the monitor's retry fails too
        (ANSWERED, A, False),
    ],
    "it stays closed while another server answers": [
        (ANSWERED, A, False),
        (ANSWERED, B, False),
        (FAILED, A, False),
        (FAILED, B, True),
        (ANSWERED, B, False),
    ],
    "a server that left the topology keeps it open no longer": [(FAILED, A, True), (CLOSED, A, False)],
}


@pytest.mark.parametrize("steps", SEQUENCES.values(), ids=list(SEQUENCES))
def test_the_state_follows_the_servers(steps: list[Step]) -> None:
    state = BreakerState()
    for event, server, open_after in steps:
        event(state, server)
        assert state.is_open is open_after


def test_pymongo_pool_events_drive_it() -> None:
    breaker = StoreBreaker()
    breaker.pool_ready(PoolReadyEvent(A))
    breaker.pool_cleared(PoolClearedEvent(A))
    assert breaker.is_open
    breaker.pool_ready(PoolReadyEvent(A))
    assert not breaker.is_open
    breaker.pool_cleared(PoolClearedEvent(A))
    breaker.pool_closed(PoolClosedEvent(A))
    assert not breaker.is_open


class ProbeSettings(ServiceSettings):
    SERVICE_NAME = "probe"
    model_config = settings_for("PROBE_")


router = APIRouter()


@router.get("/things")
async def things() -> dict[str, str]:
    return {"status": "served"}


@pytest.fixture
def runtime() -> ServiceRuntime:
    return ServiceRuntime(ProbeSettings(dev_mode=True))


@pytest.fixture
async def http(runtime: ServiceRuntime) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = runtime.create_app("probe", [router])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        yield client


async def test_while_open_a_route_answers_a_503_problem_to_retry_soon(
    runtime: ServiceRuntime, http: httpx.AsyncClient
) -> None:
    assert (await http.get("/things")).json() == {"status": "served"}
    runtime.store_breaker.pool_cleared(PoolClearedEvent(A))

    response = await http.get("/things")
    assert response.status_code == 503
    assert response.headers["content-type"] == MEDIA_TYPE
    assert response.headers["retry-after"] == "1"
    assert response.json()["detail"] == "the store is unreachable; try again shortly"

    runtime.store_breaker.pool_ready(PoolReadyEvent(A))
    assert (await http.get("/things")).json() == {"status": "served"}


async def test_while_open_the_health_routes_still_answer(
    runtime: ServiceRuntime, http: httpx.AsyncClient
) -> None:
    runtime.store_breaker.pool_cleared(PoolClearedEvent(A))
    assert (await http.get("/health/live")).json() == {"status": "ok"}
    assert (await http.get("/metrics")).status_code == 200
