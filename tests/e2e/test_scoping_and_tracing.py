"""Park scoping of every endpoint, and one trace from the HTTP request to the kpi consumer."""

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from parkops_contracts.events.leasing import TenantOnboarded
from parkops_runtime.auth import Role

from tests.e2e.conftest import Platform
from tests.e2e.test_first_slice import make_park
from tests.support.demo import enterprise
from tests.support.services import bearer, eventually


async def test_a_token_for_park_a_learns_nothing_of_park_b(platform: Platform) -> None:
    await make_park(platform, "scope-a", ["100"])
    b_units = await make_park(platform, "scope-b", ["200"])
    await eventually(lambda: _kpi_has(platform, "scope-b"))
    operator_a = bearer(Role.PARK_OPERATOR, platform.group, ["scope-a"])
    other_group = bearer(Role.GROUP_ADMIN, "another-group")

    attempts = [
        await platform.leasing.get("/parks/scope-b", headers=operator_a),
        await platform.leasing.get("/parks/scope-b/units", headers=operator_a),
        await platform.leasing.post(
            "/parks/scope-b/units",
            headers=operator_a,
            json={"building": "Z", "floor": 1, "unit_number": "Z1", "unit_type": "office", "area_m2": "10"},
        ),
        await platform.kpi.get("/parks/scope-b/occupancy", headers=operator_a),
        await platform.leasing.get("/parks/scope-a", headers=other_group),
        await platform.kpi.get("/parks/scope-a/occupancy", headers=other_group),
    ]
    for response in attempts:
        assert response.status_code == 404, response.text
        assert "Park scope-b" not in response.text
        assert b_units[0] not in response.text

    listed = await platform.leasing.get("/parks", headers=operator_a)
    assert [p["park_id"] for p in listed.json()] == ["scope-a"]
    assert (await platform.leasing.get("/parks/scope-a", headers=operator_a)).status_code == 200

    auditor = bearer(Role.AUDITOR, platform.group)
    assert (await platform.leasing.get("/parks/scope-b", headers=auditor)).status_code == 200
    write = await platform.leasing.post(
        "/parks/scope-b/units",
        headers=auditor,
        json={"building": "Z", "floor": 1, "unit_number": "Z1", "unit_type": "office", "area_m2": "10"},
    )
    assert write.status_code == 403
    assert (await platform.leasing.get("/parks/scope-a")).status_code == 401
    assert (
        await platform.kpi.get("/parks/scope-a/occupancy", headers={"Authorization": "Bearer x"})
    ).status_code == 401


async def _kpi_has(platform: Platform, park: str) -> bool:
    return (await platform.kpi.get(f"/parks/{park}/occupancy", headers=platform.admin)).status_code == 200


async def test_one_trace_spans_the_leasing_request_and_the_kpi_consumer(platform: Platform) -> None:
    """A tenant onboarded over HTTP, and kpi's park directory consuming its TenantOnboarded in the same
    trace (kpi's view folds leasing's events in its follower, which traces no event: ADR 13)."""
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    spans = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    units = await make_park(platform, "traced-park", ["42"])

    response = await platform.leasing.post(
        "/parks/traced-park/tenants", headers=platform.admin, json=enterprise(1, unit_ids=units)
    )
    assert response.status_code == 201, response.text
    trace_id = response.headers["x-trace-id"]

    def consumer_spans() -> list[str]:
        return [
            s.name
            for s in spans.get_finished_spans()
            if format(s.context.trace_id, "032x") == trace_id and s.kind is trace.SpanKind.CONSUMER
        ]

    async def consumed() -> list[str]:
        return consumer_spans()

    names = await eventually(consumed)
    assert any(TenantOnboarded.ce_type() in name for name in names)
    http_spans = [
        s
        for s in spans.get_finished_spans()
        if format(s.context.trace_id, "032x") == trace_id and s.kind is trace.SpanKind.SERVER
    ]
    assert http_spans, "the leasing request span carries the same trace id"
