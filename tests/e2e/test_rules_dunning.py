"""Dunning over the real store and broker: one `InvoiceOverdue` per tier as the business date advances,
whichever replica runs it, and none more for runs repeated on the same or later dates."""

import json
from datetime import UTC, date, datetime, timedelta

from finance.main import create_app
from finance.settings import FinanceSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_contracts.events.finance import InvoiceOverdue
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import directory_knows, onboard_tenant, register_park
from tests.support.services import bearer, isolated_settings, run_id, serving

PARK = "dunned-park"
FEE_ON = date(2026, 1, 5)
DUE = FEE_ON + timedelta(days=15)  # finance's payment terms


async def test_each_tier_is_sent_once_across_dates_and_replicas(infra: Infra) -> None:
    run = run_id()
    registered = datetime(2025, 12, 1, tzinfo=UTC)
    leasing_app = create_leasing(isolated_settings(LeasingSettings, infra, run), clock=lambda: registered)
    settings = isolated_settings(FinanceSettings, infra, run)
    today = datetime.combine(FEE_ON, datetime.min.time(), UTC)
    one, other = create_app(settings, clock=lambda: today), create_app(settings, clock=lambda: today)
    async with serving(leasing_app) as leasing, serving(one) as first, serving(other) as second:
        group = f"group-{run}"
        await register_park(leasing, group, PARK)
        tenant = await onboard_tenant(leasing, group, PARK, 1)
        operator = bearer(Role.PARK_OPERATOR, group, [PARK])
        for app in (one, other):  # both replicas' directories know the park and its tenant
            await directory_knows(app, PARK, tenant)
        fee = {"payer_id": tenant, "kind": "talent_placement", "quantity": "1", "on": FEE_ON.isoformat()}
        issued = await first.post(f"/parks/{PARK}/fees", json=fee, headers=operator)
        assert issued.status_code == 201, issued.text
        invoice_id = issued.json()["events"][0]["data"]["invoice_id"]

        answered: list[tuple[int, str]] = []
        days = [*range(-2, 95, 3), 1, 31, 61, 300, 30, 0]  # every third day, the thresholds, then back
        for n, day in enumerate(days):
            replica = (first, second)[n % 2]  # each run loads the books the other replica stored
            body = {"as_of": (DUE + timedelta(days=day)).isoformat()}
            run_answer = await replica.post(f"/parks/{PARK}/dunning-runs", json=body, headers=operator)
            assert run_answer.status_code in (200, 201), run_answer.text
            for event in run_answer.json()["events"]:
                answered.append((event["data"]["days_past_due"], event["data"]["tier"]))
    assert answered == [(1, "reminder"), (31, "escalation"), (61, "final_notice")]

    records = await read_all(infra.kafka_bootstrap_servers, InvoiceOverdue.topic(f"t{run}"), at_least=3)
    published = [json.loads(r.value) for r in records]
    assert sorted((e["invoice_id"], e["tier"], e["as_of"]) for e in published) == [
        (invoice_id, "escalation", (DUE + timedelta(days=31)).isoformat()),
        (invoice_id, "final_notice", (DUE + timedelta(days=61)).isoformat()),
        (invoice_id, "reminder", (DUE + timedelta(days=1)).isoformat()),
    ]
