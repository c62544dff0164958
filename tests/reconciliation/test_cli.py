"""The command's edges: a bad period, a service unreachable and an unknown park end with exit 2 and one
line on stderr (no traceback); the HTTP reading pairs what services answer (stubbed here)."""

import asyncio
from typing import Any

import httpx
import pytest

from scripts.reconciliation.cli import main
from scripts.reconciliation.periods import parse
from scripts.reconciliation.read import reconciliation
from scripts.reconciliation.sources import SERVICES, CannotReconcile, Sources

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there


def test_a_bad_period_is_refused_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--park", "p", "--period", "2026-13"]) == 2
    assert (
        capsys.readouterr().err == "reconcile: period '2026-13' is not YYYY, YYYY-Qn or YYYY-MM (1900-2199)\n"
    )


def test_an_unreachable_service_is_named_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    urls = [arg for name in SERVICES for arg in (f"--{name}", CLOSED)]
    assert main(["--park", "p", "--period", "2026", "--token", "t", *urls]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"reconcile: leasing is unreachable at {CLOSED}")
    assert "Traceback" not in err


def stub(answers: dict[str, Any]) -> Sources:
    """Every service answers from `answers` (path -> JSON), 404 otherwise."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = answers.get(request.url.path)
        return httpx.Response(404, json={}) if body is None else httpx.Response(200, json=body)

    transport = httpx.MockTransport(answer)
    clients = {name: httpx.AsyncClient(base_url="http://stub", transport=transport) for name in SERVICES}
    return Sources(clients, {})


def test_an_unknown_park_is_said_so() -> None:
    with pytest.raises(CannotReconcile, match="park 'nowhere' is unknown to leasing"):
        asyncio.run(reconciliation(stub({}), "nowhere", parse("2026")))


def scorecard(occupancy: str) -> dict[str, Any]:
    def kpi(key: str, value: str | None, **counts: object) -> dict[str, Any]:
        return {"kpi": key, "value": value, "counts": counts}

    occupied = {
        "units_listed": 2,
        "units_occupied": 1,
        "area_total_m2": "200.00",
        "area_occupied_m2": "100.00",
    }
    return {
        "kpis": [
            kpi("occupancy_rate", occupancy, **occupied),
            kpi("service_revenue_share", "0.2000"),
            kpi("revenue_cost_ratio", None, operating_cost="0.00"),
            kpi("sla_compliance", None, resolved=0, met=0),
            kpi("satisfaction", None, ratings=0, satisfied=0),
        ],
        "figures": {
            "revenue": {"value": "1000.00", "counts": {"rent": "800.00", "industry_services": "200.00"}},
            "operating_revenue": {"value": "1000.00", "counts": {}},
            "subsidy_dependency": {"value": None, "counts": {"subsidies": "0.00"}},
            "occupancy_by_count": {"value": "0.5000", "counts": {}},
            "purchasing_savings": {"value": "0.00", "counts": {"deals": 0, "value": "0.00"}},
        },
    }


def park_answers(kpi_occupancy: str) -> dict[str, Any]:
    streams = {"rent": "800.00", "property": "0.00", "industry_services": "200.00"}
    occupancy = {
        "units_total": 2,
        "units_occupied": 1,
        "area_total_m2": "200.00",
        "area_occupied_m2": "100.00",
    }
    return {
        "/parks/p": {"park_id": "p"},
        "/parks/p/scorecards/2026": scorecard(kpi_occupancy),
        "/parks/p/reports/revenue": {
            "revenue_by_stream": streams | {"value_added_services": "0.00", "investment": "0.00"},
            "operating_revenue": "1000.00",
            "operating_cost": "0.00",
            "subsidy_received": "0.00",
            "service_share": "0.2000",
            "revenue_to_cost": None,
            "subsidy_dependency": None,
        },
        "/parks/p/occupancy": occupancy
        | {"units_leased": 1, "area_leased_m2": "100.00", "occupancy_by_area": "0.5000"}
        | {"occupancy_by_count": "0.5000"},
        "/parks/p/proposals": [],
        "/parks/p/leases": [],
    }


def test_the_reading_pairs_each_figure_and_flags_only_what_differs() -> None:
    report = asyncio.run(reconciliation(stub(park_answers("0.5000")), "p", parse("2026")))
    names = {row.figure.name: row for row in report.rows}
    assert names["revenue: property"].agrees  # a stream kpi did not see is 0 there
    assert names["revenue ÷ operating cost"].agrees  # no cost: no figure in both
    assert names["SLA compliance"].differences == ("tickets does not show it",)  # tickets answered 404
    assert {row.figure.name for row in report.differences} == {
        "SLA compliance",
        "tickets resolved",
        "tickets meeting the SLA",
        "satisfaction",
        "ratings given",
        "ratings of 4-5",
    }
    broken = asyncio.run(reconciliation(stub(park_answers("0.5001")), "p", parse("2026")))
    assert names.keys() == {row.figure.name for row in broken.rows}
    (row,) = [r for r in broken.differences if r.figure.name.startswith("occupancy by area")]
    assert row.differences == ("kpi scorecard: 0.5001 vs leasing: 0.5000 (by 0.0001)",)
