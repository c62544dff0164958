"""/metrics: the Prometheus exposition counts each request by method, route and status, times it, shows
what the outbox holds unpublished, and counts the events a consumer received — by exact name and labels."""

import asyncio
from collections.abc import Sequence

import httpx
from parkops_contracts.events.leasing import ParkRegistered, UnitListed
from parkops_runtime.events import OutboundEvent
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import Platform
from tests.support.parks import register_park
from tests.support.services import eventually

Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(service: httpx.AsyncClient) -> Series:
    answer = await service.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == CONTENT_TYPE_LATEST
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(series: Series, name: str, **labels: str) -> float:
    return series.get((name, frozenset(labels.items())), 0.0)


def delta(before: Series, after: Series, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def test_requests_are_counted_and_timed_by_method_route_and_status(platform: Platform) -> None:
    leasing, admin = platform.leasing, platform.admin
    before = await scrape(leasing)
    await register_park(leasing, platform.group, "metered-park")
    for _ in range(2):
        assert (await leasing.get("/parks/metered-park", headers=admin)).status_code == 200
    assert (await leasing.get("/parks/no-such-park", headers=admin)).status_code == 404
    assert (await leasing.get("/parks/metered-park")).status_code == 401
    after = await scrape(leasing)

    counted = {
        ("POST", "/parks", "201"): 1,
        ("GET", "/parks/{park_id}", "200"): 2,
        ("GET", "/parks/{park_id}", "404"): 1,
        ("GET", "/parks/{park_id}", "401"): 1,
        ("GET", "/metrics", "200"): 1,  # the first scrape, counted once it was answered
    }
    for (method, route, status), n in counted.items():
        labels = {"method": method, "route": route, "status": status}
        assert delta(before, after, "http_requests_total", **labels) == n, (method, route, status)
    assert delta(before, after, "http_request_seconds_count", method="GET", route="/parks/{park_id}") == 4
    assert delta(before, after, "http_request_seconds_sum", method="GET", route="/parks/{park_id}") > 0
    slowest = value(after, "http_request_seconds_bucket", method="GET", route="/parks/{park_id}", le="+Inf")
    assert slowest == value(after, "http_request_seconds_count", method="GET", route="/parks/{park_id}")
    routes = {dict(labels)["route"] for name, labels in after if name == "http_requests_total"}
    assert "/parks/metered-park" not in routes, "routes are templates, never raw paths"


async def test_the_outbox_gauges_show_what_waits_for_the_broker(platform: Platform) -> None:
    leasing, admin = platform.leasing, platform.admin
    await register_park(leasing, platform.group, "gauged-park")

    async def drained() -> Series | None:
        series = await scrape(leasing)
        return series if value(series, "outbox_depth") == 0 else None

    assert value(await eventually(drained, within=10), "outbox_oldest_age_seconds") == 0
    publisher = leasing._transport.app.state.runtime.publisher  # type: ignore[attr-defined]
    gate, publish = asyncio.Event(), publisher.publish

    async def held(events: Sequence[OutboundEvent]) -> None:  # a broker that does not answer yet
        await gate.wait()
        await publish(events)

    publisher.publish = held
    try:
        unit = {"building": "A", "floor": 1, "unit_number": "A1", "unit_type": "office", "area_m2": "10"}
        listed = await leasing.post("/parks/gauged-park/units", json=unit, headers=admin)
        assert listed.status_code == 201, listed.text

        async def waiting() -> Series | None:
            series = await scrape(leasing)
            return series if value(series, "outbox_oldest_age_seconds") > 0.05 else None

        series = await eventually(waiting, within=10)
        assert value(series, "outbox_depth") == 1
    finally:
        gate.set()
        publisher.publish = publish
    after = await eventually(drained, within=10)
    assert value(after, "outbox_oldest_age_seconds") == 0
    sent = {"app_name": "leasing", "broker": "kafka", "destination": UnitListed.topic(f"t{platform.run}")}
    assert value(after, "faststream_published_messages_total", **sent, status="success") == 1


async def test_a_consumer_counts_each_record_it_received_and_acked(platform: Platform) -> None:
    topic = ParkRegistered.topic(f"t{platform.run}")
    handler = {"app_name": "kpi", "broker": "kafka", "handler": topic}
    before = await scrape(platform.kpi)
    await register_park(platform.leasing, platform.group, "counted-park")

    acked = handler | {"status": "acked"}

    # by kpi's park directory, its one consumer group on leasing's topics (kpi's view folds the event in
    # its follower, which is no group: ADR 13, "decode once")
    async def handled() -> Series | None:
        series = await scrape(platform.kpi)
        done = delta(before, series, "faststream_received_processed_messages_total", **acked)
        return (
            series
            if done >= 1 and value(series, "faststream_received_messages_in_process", **handler) == 0
            else None
        )

    after = await eventually(handled)
    assert delta(before, after, "faststream_received_messages_total", **handler) == 1
    assert delta(before, after, "faststream_received_processed_messages_total", **acked) == 1
    assert delta(before, after, "faststream_received_processed_messages_exceptions_total", **handler) == 0
