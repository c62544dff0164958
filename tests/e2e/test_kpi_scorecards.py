"""The kpi service over the real broker and store: parks registered in leasing (running beside it), every
service's events (published directly, as the other services would) -> scorecards, drill-down, portfolio,
targets, assessment, flags, rebuild (a new replica from the log or from a snapshot, and from the topics
alone into an empty store: the same terms, scorecards, portfolio and assessments)."""

import csv
import io
import json
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_contracts.base import Event
from parkops_contracts.events.kpi import KpiTermsChanged, LowEfficiencySpaceFlagged, OperatorBonusEarned
from parkops_contracts.events.tickets import TicketResolved
from parkops_runtime.auth import Role

from services.kpi.tests.unit.kpi_facts import resolved, scenario, tenant, unit
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_all
from tests.support.parks import known, register_park
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving

TODAY = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
"""kpi's "now" here: 2026 is closed and can be assessed, 2027 is not."""
PARKS = ("kpi-a", "kpi-b")
PERIODS = ("2025", "2026", "2026-Q3", "2026-10", "2026-12-31", "2027")


@dataclass
class Kpi:
    run: str
    infra: Infra
    app: FastAPI
    client: httpx.AsyncClient
    group: str
    admin: dict[str, str]
    ids: dict[str, list[str]]  # park -> CloudEvents ids, in scenario order (leasing registered the park)


def canonical(body: object) -> str:
    return json.dumps(body, sort_keys=True)


def in_park(events: list[Event], park: str, group: str) -> list[Event]:
    return [e.model_copy(update={"park_id": park, "group_id": group}) for e in events]


async def publish(k: Kpi, park: str, events: list[Event]) -> list[str]:
    by_topic: dict[str, list[tuple[bytes, dict[str, str]]]] = defaultdict(list)
    ids = []
    for event in events:
        event_id = uuid.uuid4().hex
        ids.append(event_id)
        by_topic[event.topic(f"t{k.run}")].append(
            (event.model_dump_json().encode(), envelope(type(event), event_id))
        )
    for topic, records in by_topic.items():
        await produce(k.infra.kafka_bootstrap_servers, topic, records, key=park.encode())
    return ids


async def applied(client: httpx.AsyncClient, headers: dict[str, str], park: str, count: int) -> bool:
    r = await client.get(f"/parks/{park}/occupancy", headers=headers)
    return r.status_code == 200 and r.json()["events_applied"] >= count


async def is_ready(client: httpx.AsyncClient) -> bool:
    """Ready: the view has folded what the log held when it started (from a snapshot or from nothing)."""
    r = await client.get("/health/ready")
    if r.status_code != 200:
        return False
    assert r.json()["checks"]["view kpi"] is True  # readiness waits for the view
    return True


@pytest.fixture(scope="module")
async def kpi(infra: Infra) -> AsyncIterator[Kpi]:
    run = run_id()
    leasing_app = create_leasing(isolated_settings(LeasingSettings, infra, run))
    settings = isolated_settings(KpiSettings, infra, run, consistency_wait_seconds=1)
    app = create_kpi(settings, clock=lambda: TODAY)
    group = f"group-{run}"
    async with serving(leasing_app) as leasing, serving(app) as client:
        k = Kpi(run, infra, app, client, group, bearer(Role.GROUP_ADMIN, group), {})
        # t9 names u9 at onboarding but has no lease: it occupies nothing
        worse = [
            *scenario(),
            unit("u9", "9000"),
            tenant("t9", ["u9"], "10", date(2026, 12, 1), leading=False),
        ]
        for park, events in (("kpi-a", scenario()), ("kpi-b", worse)):
            await register_park(leasing, group, park)
            await known(client, f"/parks/{park}/occupancy", k.admin)
            # leasing published the park's ParkRegistered: the scenario's own is left out
            k.ids[park] = await publish(k, park, in_park(events[1:], park, group))
        for park in k.ids:
            count = len(k.ids[park]) + 1
            await eventually(lambda p=park, n=count: applied(client, k.admin, p, n))  # type: ignore[misc]
        yield k


async def test_a_scorecard_from_every_service_events(kpi: Kpi) -> None:
    r = await kpi.client.get("/parks/kpi-a/scorecards/2026", headers=kpi.admin)
    assert r.status_code == 200, r.text
    body = r.json()
    kpis = {k["kpi"]: k for k in body["kpis"]}
    assert body["overall_score"] == "78.0"  # the unit test's hand-computed figure (test_scoring)
    assert kpis["occupancy_rate"]["value"] == "0.1000"
    assert kpis["occupancy_rate"]["target"] == "0.90"
    assert kpis["occupancy_rate"]["score"] == "11.1"
    assert kpis["tax_growth"]["met"] is True
    assert body["figures"]["revenue"]["counts"]["industry_services"] == "200000.00"
    # finance's figures as it recognised them: i4's 20,000 and its reversal both count (net 0)
    assert body["figures"]["revenue"]["counts"]["value_added_services"] == "100000.00"
    assert kpis["service_revenue_share"]["value"] == "0.3000"  # 300,000 / 1,000,000 operating
    assert kpis["revenue_cost_ratio"]["value"] == "1.2500"  # / the 800,000 of CostRecognized
    assert body["figures"]["subsidy_dependency"]["value"] == "0.0476"  # SubsidyReceived 50,000 / 1,050,000
    assert kpis["satisfaction"]["value"] == "0.6667"  # k1 rated again after its second resolution
    assert body["figures"]["purchasing_savings"]["value"] == "8000.00"
    assert body["pulling_down"] == ["occupancy_rate", "satisfaction", "survival_rate"]
    assert [t["period"] for t in body["trend"]] == ["2023", "2024", "2025", "2026"]

    drill = (await kpi.client.get("/parks/kpi-a/scorecards/2026/kpis/tax_reported", headers=kpi.admin)).json()
    assert drill["event_count"] == 2
    assert drill["event_ids"] == sorted([kpi.ids["kpi-a"][14], kpi.ids["kpi-a"][16]])

    series = await kpi.client.get(
        "/parks/kpi-a/kpis/revenue/series", params={"from": "2026-Q1", "to": "2026-Q4"}, headers=kpi.admin
    )
    assert [p["value"] for p in series.json()] == ["700000.00", "200000.00", "100000.00", "0.00"]
    mixed = await kpi.client.get(
        "/parks/kpi-a/kpis/revenue/series", params={"from": "2026-Q1", "to": "2026-03"}, headers=kpi.admin
    )
    assert mixed.status_code == 422
    daily = await kpi.client.get(
        "/parks/kpi-a/kpis/occupancy_rate/series",
        params={"from": "2026-08-31", "to": "2026-09-01"},
        headers=kpi.admin,
    )
    assert [p["value"] for p in daily.json()] == ["0.5000", "0.1000"]  # t3 left u4 (400 m²) on 31 Aug

    rows = list(
        csv.DictReader(
            io.StringIO((await kpi.client.get("/parks/kpi-a/scorecards/2026/csv", headers=kpi.admin)).text)
        )
    )
    assert rows[-1]["kpi"] == "overall"
    assert rows[-1]["score"] == "78.0"


async def test_revenue_is_finance_recognitions_and_a_reversal_takes_it_back(kpi: Kpi) -> None:
    async def card(period: str) -> dict[str, dict[str, str | None]]:
        body = (await kpi.client.get(f"/parks/kpi-a/scorecards/{period}", headers=kpi.admin)).json()
        return {k["kpi"]: k["value"] for k in body["kpis"]} | {"revenue": body["figures"]["revenue"]["value"]}

    october, november, q4 = await card("2026-10"), await card("2026-11"), await card("2026-Q4")
    assert (october["revenue"], october["service_revenue_share"]) == ("20000.00", "1.0000")  # i4 recognised
    assert (november["revenue"], november["service_revenue_share"]) == ("-20000.00", None)  # i4 cancelled
    assert (q4["revenue"], q4["service_revenue_share"]) == ("0.00", None)  # nothing operating to divide
    assert q4["revenue_cost_ratio"] == "0.0000"  # the operator bonus of December over no revenue
    drill = (await kpi.client.get("/parks/kpi-a/scorecards/2026-Q4/kpis/revenue", headers=kpi.admin)).json()
    assert drill["event_ids"] == sorted(kpi.ids["kpi-a"][25:27])  # both recognitions of i4


async def test_occupancy_on_a_day_goes_down_when_a_lease_ends_or_is_terminated(kpi: Kpi) -> None:
    async def occupancy(park: str, on: str | None = None) -> dict[str, object]:
        params = {} if on is None else {"on": on}
        r = await kpi.client.get(f"/parks/{park}/occupancy", params=params, headers=kpi.admin)
        assert r.status_code == 200, r.text
        body: dict[str, object] = r.json()
        return body

    by_day = {
        on: (await occupancy("kpi-a", on))["occupancy_by_area"]
        for on in ("2026-01-31", "2026-02-01", "2026-08-31", "2026-09-01")
    }
    assert by_day == {
        "2026-01-31": "0.8000",  # u1, u3 (l2's last day) and u4: 800 of 1,000 m²
        "2026-02-01": "0.5000",  # l2 ran out
        "2026-08-31": "0.5000",
        "2026-09-01": "0.1000",  # l3 terminated on 31 August: its span republished shorter
    }
    today = await occupancy("kpi-a")  # the clock's day
    assert (today["on"], today["occupancy_by_area"], today["tenants"]) == (
        TODAY.date().isoformat(),
        "0.1000",
        1,
    )
    worse = await occupancy("kpi-b", "2026-12-31")  # t9 was onboarded naming u9, without a lease
    assert (worse["area_total_m2"], worse["area_leased_m2"], worse["tenants"]) == ("10000.00", "100.00", 1)
    for bad in ("1899-12-31", "2200-01-01", "2026-02-30", "today"):
        r = await kpi.client.get("/parks/kpi-a/occupancy", params={"on": bad}, headers=kpi.admin)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["errors"][0]["field"] == "on"


async def test_purchasing_savings_per_park_and_for_the_group(kpi: Kpi) -> None:
    body = (await kpi.client.get(f"/groups/{kpi.group}/portfolio/2026", headers=kpi.admin)).json()
    each = {"deals": 1, "value": "80000.00", "savings": "8000.00", "deals_with_saving_percent": 1}
    for park in body["parks"]:
        assert park["purchasing"] == each | {"mean_saving_percent": "5.00"}
    assert body["purchasing"] == {
        "deals": 2,
        "value": "160000.00",
        "savings": "16000.00",
        "deals_with_saving_percent": 2,
        "mean_saving_percent": "5.00",
    }
    earlier = (await kpi.client.get(f"/groups/{kpi.group}/portfolio/2025", headers=kpi.admin)).json()
    assert earlier["purchasing"]["deals"] == 0


async def test_bad_period_unknown_park_and_scoping(kpi: Kpi) -> None:
    get = kpi.client.get
    for period in ("2026-Q5", "26", "9999-12", "1899", "2026-02-30"):
        bad = await get(f"/parks/kpi-a/scorecards/{period}", headers=kpi.admin)
        assert bad.status_code == 422, (period, bad.text)
        assert bad.json()["errors"][0]["field"] == "period"
    assert (await get("/parks/nowhere/scorecards/2026", headers=kpi.admin)).status_code == 404
    operator_a = bearer(Role.PARK_OPERATOR, kpi.group, ["kpi-a"])
    assert (await get("/parks/kpi-b/scorecards/2026", headers=operator_a)).status_code == 404
    assert (await get("/parks/kpi-a/scorecards/2026", headers=operator_a)).status_code == 200
    other_group = bearer(Role.GROUP_ADMIN, "another-group")
    assert (await get("/parks/kpi-a/scorecards/2026", headers=other_group)).status_code == 404
    assert (await get(f"/groups/{kpi.group}/portfolio/2026", headers=other_group)).status_code == 404
    tenant_user = bearer(Role.TENANT_USER, kpi.group, ["kpi-a"], tenant="t1")  # onboarded in kpi-a
    for path in ("occupancy", "scorecards/2026", "scorecards/2026/kpis/revenue", "targets"):
        refused = await get(f"/parks/kpi-a/{path}", headers=tenant_user)
        assert refused.status_code == 403, (path, refused.text)
    assert (await get(f"/groups/{kpi.group}/portfolio/2026", headers=tenant_user)).status_code == 403
    stranger = bearer(Role.TENANT_USER, kpi.group, ["kpi-a"], tenant="t-elsewhere")  # not a tenant of kpi-a
    assert (await get("/parks/kpi-a/occupancy", headers=stranger)).status_code == 404

    auditor = bearer(Role.AUDITOR, kpi.group)
    ranked = (await get(f"/groups/{kpi.group}/portfolio/2026", headers=auditor)).json()["parks"]
    assert [p["park_id"] for p in ranked] == [
        "kpi-a",
        "kpi-b",
    ]  # b: 9,000 m² more vacant, a non-leading tenant
    assert ranked[1]["pulling_down"][0]["kpi"] == "occupancy_rate"
    assert (await get(f"/groups/{kpi.group}/portfolio/2026", headers=operator_a)).status_code == 403
    portfolio_csv = (await get(f"/groups/{kpi.group}/portfolio/2026/csv", headers=auditor)).text
    assert portfolio_csv.splitlines()[1].startswith("1,kpi-a,2026,")
    assert portfolio_csv.splitlines()[1].endswith(",1,8000.00")  # deals closed, purchasing savings


async def test_targets_overridden_by_the_group_admin_are_checked_and_recorded(kpi: Kpi) -> None:
    put = kpi.client.put
    too_high = await put(
        "/parks/kpi-b/targets/occupancy_rate", headers=kpi.admin, json={"target": "1.4", "weight": "20"}
    )
    assert too_high.status_code == 422
    assert "outside" in too_high.json()["detail"]
    assert too_high.json()["errors"][0]["field"] == "target"
    operator = bearer(Role.PARK_OPERATOR, kpi.group, ["kpi-b"])
    forbidden = await put(
        "/parks/kpi-b/targets/occupancy_rate", headers=operator, json={"target": "0.5", "weight": "20"}
    )
    assert forbidden.status_code == 403
    ok = await put(
        "/parks/kpi-b/targets/occupancy_rate", headers=kpi.admin, json={"target": "0.01", "weight": "20"}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["targets"]["occupancy_rate"] == {"target": "0.01", "weight": "20", "overridden": True}
    same = await put(
        "/parks/kpi-b/targets/occupancy_rate", headers=kpi.admin, json={"target": "0.010", "weight": "20.0"}
    )
    assert same.json() == ok.json()  # a change that changes nothing: no second change, no event
    fractional = await put(
        "/parks/kpi-b/targets/churn_rate", headers=kpi.admin, json={"target": "0.2", "weight": "12.5"}
    )
    assert fractional.status_code == 422
    assert fractional.json()["errors"][0]["field"] == "weight"
    cost = await put("/parks/kpi-b/operating-costs/2026", headers=kpi.admin, json={"amount": "500000"})
    assert cost.status_code == 404  # finance owns costs
    terms = (await kpi.client.get("/parks/kpi-b/targets", headers=kpi.admin)).json()
    assert [c["what"] for c in terms["changes"]] == ["target occupancy_rate"]
    assert "operating_costs" not in terms
    card = (await kpi.client.get("/parks/kpi-b/scorecards/2026", headers=kpi.admin)).json()
    scored = {k["kpi"]: k for k in card["kpis"]}
    assert scored["occupancy_rate"]["score"] == "100.0"
    assert scored["revenue_cost_ratio"]["value"] == "1.2500"  # finance's CostRecognized, not kpi's own cost

    records = await read_all(kpi.infra.kafka_bootstrap_servers, KpiTermsChanged.topic(f"t{kpi.run}"), 1)
    changed = [json.loads(r.value) for r in records if json.loads(r.value)["park_id"] == "kpi-b"]
    assert [(c["change"], c["changed_by"], c["terms"]) for c in changed] == [
        (
            "target:occupancy_rate",
            "test-user",
            {"kpis": [{"kpi": "occupancy_rate", "target": "0.01", "weight": 20}], "agreement": None},
        )
    ]
    assert changed[0]["changed_at"] == terms["changes"][0]["at"].replace("+00:00", "Z")


async def test_an_operator_assessment_is_published_once_and_recomputable(kpi: Kpi) -> None:
    post, put = kpi.client.post, kpi.client.put
    no_terms = await post("/parks/kpi-a/assessments/2026", headers=kpi.admin)
    assert no_terms.status_code == 422
    agreement = {
        "kpis": ["tax_growth", "repair_response_hours"],
        "bonus_basis": "revenue",
        "bonus_share": "0.02",
    }
    assert (await put("/parks/kpi-a/agreement", headers=kpi.admin, json=agreement)).status_code == 200
    auditor = bearer(Role.AUDITOR, kpi.group)
    assert (await post("/parks/kpi-a/assessments/2026", headers=auditor)).status_code == 403
    for period in ("2027", "2027-01", "2027-01-10", "2030-Q2"):  # not over on 10 January 2027
        open_period = await post(f"/parks/kpi-a/assessments/{period}", headers=kpi.admin)
        assert open_period.status_code == 422, (period, open_period.text)
        assert open_period.json()["errors"][0]["field"] == "period"
    first = await post("/parks/kpi-a/assessments/2026", headers=kpi.admin)
    assert first.status_code == 201, first.text
    assert first.json()["type"] == "OperatorBonusEarned"
    assert first.json()["event"]["amount"] == "20000.00"
    used = first.json()["event"]["terms"]
    assert used["agreement"] == agreement
    assert {"kpi": "tax_growth", "target": "0.15", "weight": 15} in used["kpis"]
    assert (await post("/parks/kpi-a/assessments/2026", headers=kpi.admin)).status_code == 409

    # the terms change after the assessment: the auditor's recomputation uses those it was made with
    missed_now = {"target": "50", "weight": "15"}
    assert (
        await put("/parks/kpi-a/targets/tax_growth", headers=kpi.admin, json=missed_now)
    ).status_code == 200
    read = (await kpi.client.get("/parks/kpi-a/assessments/2026", headers=auditor)).json()
    assert read["recomputation_matches"] is True
    assert read["recomputed"] == first.json()["event"]

    topic = OperatorBonusEarned.topic(f"t{kpi.run}")
    records = await read_all(kpi.infra.kafka_bootstrap_servers, topic, at_least=1)
    assert [json.loads(r.value)["amount"] for r in records] == ["20000.00"]


async def test_low_efficiency_space_is_flagged_through_the_outbox(kpi: Kpi) -> None:
    body = {"as_of": "2026-12-31", "max_vacant_days": 100, "min_tax_per_m2": "1000"}
    r = await kpi.client.post("/parks/kpi-a/low-efficiency-scans", headers=kpi.admin, json=body)
    assert r.status_code == 201, r.text
    assert sorted(f["unit_id"] for f in r.json() if f["unit_id"]) == ["u2", "u3", "u4"]
    assert (
        await kpi.client.post("/parks/kpi-a/low-efficiency-scans", headers=kpi.admin, json=body)
    ).status_code == 409
    topic = LowEfficiencySpaceFlagged.topic(f"t{kpi.run}")
    records = await read_all(kpi.infra.kafka_bootstrap_servers, topic, at_least=3)
    flagged = sorted(r.json(), key=canonical)
    assert len(flagged) == 3
    assert sorted((json.loads(x.value) for x in records), key=canonical) == flagged  # each once, as answered


async def test_a_ticket_event_missing_a_field_is_dead_lettered_once_by_two_replicas_and_the_rest_flow(
    kpi: Kpi,
) -> None:
    """Each replica's view validates every event; one malformed is dead-lettered by one replica only (the
    dead letter is recorded in the shared store under the record's topic, partition and offset)."""
    second_app = create_kpi(isolated_settings(KpiSettings, kpi.infra, kpi.run), clock=lambda: TODAY)
    async with serving(second_app) as second:
        await eventually(lambda: is_ready(second))
        bad = json.loads(
            in_park([resolved("k-bad", date(2026, 10, 1), 1.0)], "kpi-a", kpi.group)[0].model_dump_json()
        )
        del bad["response_seconds"]
        await produce(
            kpi.infra.kafka_bootstrap_servers,
            TicketResolved.topic(f"t{kpi.run}"),
            [(json.dumps(bad).encode(), envelope(TicketResolved, "bad-ticket"))],
            key=b"k-bad",
        )
        before = len(kpi.ids["kpi-a"]) + 1  # and leasing's ParkRegistered
        good = in_park([resolved("k-good", date(2026, 10, 2), 1.0)], "kpi-a", kpi.group)
        kpi.ids["kpi-a"] += await publish(kpi, "kpi-a", good)
        for client in (kpi.client, second):
            await eventually(lambda c=client: applied(c, kpi.admin, "kpi-a", before + 1))  # type: ignore[misc]
        for app in (kpi.app, second_app):  # both followers have read the bad record
            await eventually(lambda a=app: folded_all(a))  # type: ignore[misc]
        dead = await read_all(
            kpi.infra.kafka_bootstrap_servers, f"t{kpi.run}.kpi.dead-letter.v1", at_least=1, quiet_s=3.0
        )
    assert [dict(r.headers)["ce_id"].decode() for r in dead] == ["bad-ticket"]
    assert "response_seconds: Field required" in dict(dead[0].headers)["dlq-reason"].decode()
    assert dict(dead[0].headers)["dlq-consumer-group"].decode() == f"t{kpi.run}.kpi"


async def test_a_read_sent_a_writes_token_waits_for_it_or_answers_503(kpi: Kpi) -> None:
    """Every route takes the token (reads and writes, which read the view too)."""
    body = {"target": "0.3", "weight": "20"}
    wrote = await kpi.client.put("/parks/kpi-a/targets/churn_rate", headers=kpi.admin, json=body)
    token = wrote.headers["Parkops-Consistency-Token"]
    source, aggregate, version = token.split()
    assert aggregate == "terms/kpi-a"
    for path in (
        "/parks/kpi-a/targets",
        "/parks/kpi-a/scorecards/2026",
        f"/groups/{kpi.group}/portfolio/2026",
    ):
        sent = kpi.admin | {"Parkops-Consistency-Token": token}
        assert (await kpi.client.get(path, headers=sent)).status_code == 200
        ahead = kpi.admin | {"Parkops-Consistency-Token": f"{source} {aggregate} {int(version) + 5}"}
        late = await kpi.client.get(path, headers=ahead)  # a write no replica will ever fold
        assert (late.status_code, late.headers["Retry-After"]) == (503, "1")
        bad = await kpi.client.get(path, headers=kpi.admin | {"Parkops-Consistency-Token": "x"})
        assert bad.json()["errors"][0]["field"] == "Parkops-Consistency-Token"
    scan = {"as_of": "2026-06-30", "max_vacant_days": 1, "min_tax_per_m2": "1"}
    refused = await kpi.client.post("/parks/kpi-a/low-efficiency-scans", headers=ahead, json=scan)
    assert refused.status_code == 503  # nothing was scanned on a view behind the caller's write


async def test_a_replica_from_a_snapshot_and_one_rebuilt_from_the_log_answer_as_the_live_one(
    kpi: Kpi,
) -> None:
    """The same database (terms, assessments, directory), another consumer group: one new replica
    folds the whole log (no snapshot yet), one starts from the live view's snapshot plus the tail."""
    group = f"t{kpi.run}.kpi.replica"
    settings = isolated_settings(KpiSettings, kpi.infra, kpi.run, consumer_group_name=group)
    from_log_app = create_kpi(settings, clock=lambda: TODAY)
    live_view = kpi.app.state.view
    async with serving(from_log_app) as from_log:
        await eventually(lambda: is_ready(from_log))
        assert not from_log_app.state.view.start_up.from_snapshot
        await live_view.checkpoint()
        from_snapshot_app = create_kpi(settings, clock=lambda: TODAY)
        async with serving(from_snapshot_app) as from_snapshot:
            await eventually(lambda: is_ready(from_snapshot))
            assert from_snapshot_app.state.view.start_up.from_snapshot

            async def same_as_live(replica: httpx.AsyncClient) -> bool:
                # the events of the writes just before (the relay publishes them) may still be coming
                return await answers(replica, kpi) == await answers(kpi.client, kpi)

            for replica in (from_log, from_snapshot):
                await eventually(lambda r=replica: same_as_live(r))  # type: ignore[misc]
            live = await answers(kpi.client, kpi)
            assert await answers(from_log, kpi) == live
            assert await answers(from_snapshot, kpi) == live
            assert live["/parks/kpi-a/scorecards/2026"][1]["overall_score"] is not None  # not empty
            projections = [a.state.projections for a in (kpi.app, from_log_app, from_snapshot_app)]
            assert sorted(p.park_id for p in projections[1].parks()) == ["kpi-a", "kpi-b"]
            live_facts, g = projections[0], kpi.group
            for park in PARKS:  # equal (not the same order of records: partitions interleave freely)
                assert all(p.ledger(park, g) == live_facts.ledger(park, g) for p in projections)
                assert all(p.park(park, g) == live_facts.park(park, g) for p in projections)


async def folded_all(app: FastAPI) -> bool:
    return await app.state.view.follower.lag() == 0


async def answers(client: httpx.AsyncClient, k: Kpi) -> dict[str, tuple[int, Any]]:
    """Everything kpi answers of the parks: terms, whole scorecards of every period asked (every KPI, its
    figures and trend), drill-down of each KPI, assessments (or their absence), the group's portfolio."""
    seen: dict[str, tuple[int, Any]] = {}
    paths = [f"/groups/{k.group}/portfolio/2026", f"/groups/{k.group}/portfolio/2026-Q4"]
    for park in PARKS:
        paths += [f"/parks/{park}/targets", f"/parks/{park}/occupancy"]
        for period in PERIODS:
            paths += [f"/parks/{park}/scorecards/{period}", f"/parks/{park}/assessments/{period}"]
    for path in paths:
        r = await client.get(path, headers=k.admin)
        seen[path] = (r.status_code, r.json())
    return seen


async def test_kpi_rebuilt_from_the_topics_into_an_empty_store_answers_the_same(kpi: Kpi) -> None:
    """A new consumer group and an empty database: the facts, the terms (kpi's own KpiTermsChanged) and
    the published assessments come from the topics alone, and every answer is the same."""
    more = {"kpis": ["occupancy_rate"], "bonus_basis": "tax_growth", "bonus_share": "0.5"}
    assert (await kpi.client.put("/parks/kpi-b/agreement", headers=kpi.admin, json=more)).status_code == 200
    assessed = await kpi.client.post("/parks/kpi-b/assessments/2026-Q3", headers=kpi.admin)
    assert assessed.status_code == 201, assessed.text
    settings = isolated_settings(
        KpiSettings,
        kpi.infra,
        kpi.run,
        mongodb_database=f"t{kpi.run}_kpi_from_topics",
        consumer_group_name=f"t{kpi.run}.kpi.from-topics",
    )
    replayed_app = create_kpi(settings, clock=lambda: TODAY)
    live = await answers(kpi.client, kpi)
    async with serving(replayed_app) as replayed:
        live_facts, replayed_facts = kpi.app.state.projections, replayed_app.state.projections

        async def caught_up() -> bool:
            return (
                all(replayed_facts.ledger(p, kpi.group) == live_facts.ledger(p, kpi.group) for p in PARKS)
                and await answers(replayed, kpi) == live
            )

        await eventually(caught_up, within=60)
        for park in PARKS:
            assert replayed_facts.park(park, kpi.group) == live_facts.park(park, kpi.group)
        rebuilt = await answers(replayed, kpi)
        assert rebuilt == live
        # not an empty comparison: terms with their history, scored cards, both assessments
        assert len(rebuilt["/parks/kpi-b/targets"][1]["changes"]) == 2
        assert rebuilt["/parks/kpi-a/assessments/2026"][0] == 200
        assert rebuilt["/parks/kpi-b/assessments/2026-Q3"][0] == 200
        assert rebuilt["/parks/kpi-a/scorecards/2026"][1]["overall_score"] is not None
        again = await replayed.post("/parks/kpi-a/assessments/2026", headers=kpi.admin)
        assert again.status_code == 409  # published, as the topic says
