"""Every service holds to its OpenAPI document under generated requests: no 5xx, only declared status codes
and content types, bodies as the schema says.

All five services run in this process against the real broker and store (leasing too, so that the others
learn the park from its events). A group admin of the group that registered the park calls every
operation of each service with schemathesis-generated requests, valid (positive) and invalid (negative),
with `park_id` (and a unit, tenant, lease and ticket in it) pinned, so requests get past the 404 of an
unknown park and reach the routes' validation and domain code. The budget is small and derandomized: the same
requests on every run."""

import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from parkops_runtime.auth import Role
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from scripts.demo import PRICING
from tests.support.demo import enterprise
from tests.support.infra import Infra
from tests.support.platform import SERVICES, service_apps
from tests.support.served import served
from tests.support.services import bearer, run_id

# schemathesis draws from `random` inside its strategies; Hypothesis seeds it, so runs stay reproducible.
pytestmark = pytest.mark.filterwarnings("ignore:Do not use the `random` module")
# Per generation mode and operation: small for CI; PARKOPS_FUZZ_EXAMPLES=200 digs deeper by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("PARKOPS_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Platform:
    urls: dict[str, str]
    admin: dict[str, str]
    pinned: dict[str, str] = field(default_factory=dict)
    """Path parameters every request names: the group's park, a unit, tenant, lease and ticket in it."""


def register(leasing: httpx.Client, group: str, park_id: str) -> dict[str, str]:
    """Register the park in leasing, list a unit, onboard a tenant into it and lease it the unit."""
    park = {
        "park_id": park_id,
        "name": f"Park {park_id}",
        "park_type": "specialized_industrial_park",
        "leading_industries": ["C39"],
    }
    created(leasing.post("/parks", json=park))
    created(leasing.put(f"/parks/{park_id}/pricing-policy", json=PRICING), 200)
    unit = {"building": "A", "floor": 1, "unit_number": "A101", "unit_type": "office", "area_m2": "100.00"}
    unit_id = created(leasing.post(f"/parks/{park_id}/units", json=unit), key="unit_id")
    tenant = enterprise(1, unit_ids=[unit_id])
    tenant_id = created(leasing.post(f"/parks/{park_id}/tenants", json=tenant), key="tenant_id")
    lease = {"tenant_id": tenant_id, "unit_ids": [unit_id], "term_months": 12, "starts_on": "2027-01-01"}
    lease_id = created(leasing.post(f"/parks/{park_id}/leases", json=lease), key="lease_id")
    return {
        "group_id": group,
        "park_id": park_id,
        "unit_id": unit_id,
        "tenant_id": tenant_id,
        "lease_id": lease_id,
    }


def created(response: httpx.Response, status: int = 201, key: str | None = None) -> str:
    """The id under `key` of what the request created."""
    assert response.status_code == status, response.text
    return str(response.json()[key]) if key else ""


def open_ticket(tickets: httpx.Client, pinned: dict[str, str], within: float = 30.0) -> str:
    """A ticket the tenant opens, once tickets knows the tenant (404 until then)."""
    tenant = bearer(Role.TENANT_USER, pinned["group_id"], [pinned["park_id"]], pinned["tenant_id"])
    ticket = {"category": "repair", "priority": "normal", "title": "door jammed"}
    for _ in range(int(within / 0.1)):
        r = tickets.post(f"/parks/{pinned['park_id']}/tickets", json=ticket, headers=tenant)
        if r.status_code != 404:
            return created(r, key="ticket_id")
        time.sleep(0.1)
    raise AssertionError(f"tickets did not learn tenant {pinned['tenant_id']} within {within}s")


def park_probe(document: dict[str, Any]) -> str:
    """A read of the park alone (`GET /parks/{park_id}/...`): 404 until the service knows the park."""
    for path, item in document["paths"].items():
        if "get" in item and path_parameters(path) == ["park_id"] and path.startswith("/parks/"):
            return str(path)
    raise AssertionError("no GET /parks/{park_id}/... operation to tell whether the service knows the park")


def path_parameters(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def wait_until_known(http: httpx.Client, park_id: str, within: float = 30.0) -> None:
    path = park_probe(http.get("/openapi.json").json()).replace("{park_id}", park_id)
    for _ in range(int(within / 0.1)):
        if http.get(path).status_code == 200:
            return
        time.sleep(0.1)
    raise AssertionError(f"{http.base_url} did not learn park {park_id} within {within}s ({path})")


@pytest.fixture(scope="module")
def platform(infra: Infra) -> Iterator[Platform]:
    run = run_id()
    group, park_id = f"group-{run}", f"park-{run}"
    admin = bearer(Role.GROUP_ADMIN, group)
    with served(service_apps(infra, run)) as urls:
        with httpx.Client(base_url=urls["leasing"], headers=admin, timeout=30) as leasing:
            pinned = register(leasing, group, park_id)
        for url in urls.values():
            with httpx.Client(base_url=url, headers=admin, timeout=30) as http:
                wait_until_known(http, park_id)
        with httpx.Client(base_url=urls["tickets"], timeout=30) as tickets:
            pinned["ticket_id"] = open_ticket(tickets, pinned)
        yield Platform(urls, admin, pinned)


class ServerErrors(logging.Handler):
    """The exceptions behind the services' 500s (as the runtime logs them), reported with the request."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = record.msg.get("exc_info") if isinstance(record.msg, dict) else None
        if isinstance(error, BaseException):
            frame = error.__traceback__
            while frame is not None and frame.tb_next is not None:
                frame = frame.tb_next
            where = f" at {frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else ""
            self.seen.append(f"{error!r}{where}")


@pytest.fixture(scope="module")
def server_errors() -> Iterator[ServerErrors]:
    handler, logger = ServerErrors(), logging.getLogger("parkops_runtime.problems")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@dataclass
class Outcome:
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


def fuzz(
    operation: Any,
    mode: GenerationMode,
    platform: Platform,
    base_url: str,
    outcome: Outcome,
    server_errors: ServerErrors,
) -> None:
    names = set(path_parameters(operation.path))
    pinned = {name: value for name, value in platform.pinned.items() if name in names}

    # No shrinking: against live services it repeats state-changing requests; the failing one is reported.
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, path_parameters=pinned))
    def run(case: schemathesis.Case[Any]) -> None:
        outcome.cases += 1
        server_errors.seen.clear()
        response = case.call(base_url=base_url, headers=platform.admin, timeout=30)
        outcome.statuses[response.status_code] += 1
        sent = {"base_url": base_url, "headers": platform.admin}
        case.validate_response(response, checks=CHECKS, headers=platform.admin, transport_kwargs=sent)

    try:
        run()
    except (Exception, FailureGroup) as failure:  # FailureGroup is a BaseExceptionGroup
        behind = "".join(f"\n    server: {error}" for error in server_errors.seen)
        outcome.failures.append(f"{operation.label} ({mode.value}):\n{failure}{behind}")


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_holds_to_the_openapi_document(
    platform: Platform, service: str, server_errors: ServerErrors, capsys: pytest.CaptureFixture[str]
) -> None:
    base_url = platform.urls[service]
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    outcome, operations = Outcome(), 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        operations += 1
        # Negative cases need something to break: parameters or a body (not so the health checks).
        negatable = any(True for _ in operation.iter_parameters()) or bool(operation.body)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)[: 2 if negatable else 1]:
            fuzz(operation, mode, platform, base_url, outcome, server_errors)
    with capsys.disabled():
        print(
            f"\nschemathesis {service}: {outcome.cases} cases over {operations} operations, "
            f"{len(outcome.failures)} failing; answers {dict(sorted(outcome.statuses.items()))}"
        )
    assert operations > 0
    assert outcome.cases >= operations
    # The pinned park is known: requests get past its 404 into the routes, and some succeed. (Other
    # 404s are generated ids of tickets, invoices and the like; negative cases drop the token: 401.)
    assert any(200 <= status < 300 for status in outcome.statuses), outcome.statuses
    assert not outcome.failures, "\n\n".join(outcome.failures)
