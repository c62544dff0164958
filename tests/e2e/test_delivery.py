"""Delivery guarantees of the kpi consumer over the real broker: no double effect, poison to the DLQ."""

from parkops_contracts.events.leasing import TenantOnboarded, UnitListed

from tests.e2e.conftest import Platform
from tests.support.events import tenant_onboarded, unit_listed
from tests.support.kafka import envelope, produce, read_all
from tests.support.parks import known, register_park
from tests.support.services import eventually


def unit_bytes(park: str, group: str, unit_id: str, area: str) -> bytes:
    return unit_listed(unit_id, area, park_id=park, group_id=group).model_dump_json().encode()


async def kpi_of(p: Platform, park: str) -> dict[str, object] | None:
    r = await p.kpi.get(f"/parks/{park}/occupancy", headers=p.admin)
    return r.json() if r.status_code == 200 else None  # type: ignore[no-any-return]


async def test_the_same_event_delivered_twice_has_one_effect(platform: Platform) -> None:
    park, topic = "dup-park", UnitListed.topic(f"t{platform.run}")
    await register_park(platform.leasing, platform.group, park)
    await known(platform.kpi, f"/parks/{park}/occupancy", platform.admin)

    async def registration_applied() -> dict[str, object] | None:
        body = await kpi_of(platform, park)
        return body if body and body["events_applied"] == 1 else None

    await eventually(registration_applied)  # ParkRegistered itself counts as one event applied
    twice = envelope(UnitListed, event_id="same-id")
    await produce(
        platform.infra.kafka_bootstrap_servers,
        topic,
        [
            (unit_bytes(park, platform.group, "u1", "100"), twice),
            (unit_bytes(park, platform.group, "u1", "100"), twice),
            (
                unit_bytes(park, platform.group, "u2", "50"),
                envelope(UnitListed),
            ),  # sentinel: processed after both
        ],
        key=park.encode(),
    )

    async def sentinel_seen() -> dict[str, object] | None:
        body = await kpi_of(platform, park)
        return body if body and body["units_total"] == 2 else None

    body = await eventually(sentinel_seen)
    assert body["events_applied"] == 1 + 2
    assert body["area_total_m2"] == "150.00"


async def test_a_malformed_event_is_dead_lettered_and_the_next_one_processed(platform: Platform) -> None:
    park, prefix = "poison-park", f"t{platform.run}"
    await register_park(platform.leasing, platform.group, park)
    await known(platform.kpi, f"/parks/{park}/occupancy", platform.admin)
    bad_body = tenant_onboarded("t1", [], "0", park_id=park, group_id=platform.group).model_dump(mode="json")
    del bad_body["tenant_id"]
    import json

    await produce(
        platform.infra.kafka_bootstrap_servers,
        TenantOnboarded.topic(prefix),
        [
            (json.dumps(bad_body).encode(), envelope(TenantOnboarded, event_id="poison-1")),
            (b"\x00not json at all", envelope(TenantOnboarded, event_id="poison-2")),
        ],
        key=park.encode(),
    )
    await produce(
        platform.infra.kafka_bootstrap_servers,
        UnitListed.topic(prefix),
        [
            (unit_bytes(park, platform.group, "u1", "80"), envelope(UnitListed)),
        ],
        key=park.encode(),
    )

    async def unit_counted() -> dict[str, object] | None:
        body = await kpi_of(platform, park)
        return body if body and body["units_total"] == 1 else None

    body = await eventually(unit_counted)
    assert body["units_total"] == 1
    assert body["tenants"] == 0

    dead = await read_all(platform.infra.kafka_bootstrap_servers, f"{prefix}.kpi.dead-letter.v1", at_least=4)
    # Once per consumer group that read it (the projections' and the park directory's), never more.
    rejected = sorted((dict(r.headers)["ce_id"], dict(r.headers)["dlq-consumer-group"]) for r in dead)
    groups = [f"{prefix}.kpi".encode(), f"{prefix}.kpi.directory".encode()]
    assert rejected == [(e, g) for e in (b"poison-1", b"poison-2") for g in groups]
    by_id = {dict(r.headers)["ce_id"].decode(): {k: v.decode() for k, v in r.headers} for r in dead}
    assert "tenant_id: Field required" in by_id["poison-1"]["dlq-reason"]
    assert "body is invalid" in by_id["poison-2"]["dlq-reason"]
    assert by_id["poison-1"]["dlq-original-topic"] == TenantOnboarded.topic(prefix)
    assert by_id["poison-1"]["ce_type"] == TenantOnboarded.ce_type()  # original headers kept
