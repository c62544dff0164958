"""Issue 16 in tickets over the real broker and store: a billable ticket names who pays (422 and nothing
stored otherwise), a reopened ticket is rated once per resolution and the scorecard counts every rating,
staff import a ticket dated in the past."""

from datetime import datetime, timedelta

from tests.e2e.test_tickets_harness import TicketsDesk, desk
from tests.support.parks import directory_knows, register_park

__all__ = ["desk"]


def resolve_url(ticket_id: str) -> str:
    return f"/tickets/{ticket_id}/resolve"


async def test_a_billable_staff_ticket_without_payer_is_refused_and_nothing_is_stored(
    desk: TicketsDesk,
) -> None:
    staff = desk.operator()
    opened = await desk.open(staff, title="lobby lights")  # staff, for no tenant
    assert opened.status_code == 201, opened.text
    ticket = opened.json()["ticket_id"]
    for body in (
        {"billable": True, "acknowledge": True},
        {"billable": True, "acknowledge": True, "payer_id": "nobody-here"},
        {"billable": True, "acknowledge": True, "payer_id": "bank:7"},
        {"billable": False, "acknowledge": True, "payer_id": "institution:icbc"},
    ):
        refused = await desk.client.post(resolve_url(ticket), headers=staff, json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["payer_id"], body
    stored = (await desk.client.get(f"/tickets/{ticket}", headers=staff)).json()
    assert (stored["state"], stored["resolved_at"], stored["payer_id"]) == ("open", None, None)
    assert [e for e in await desk.events("ticket-acknowledged", 0) if e["ticket_id"] == ticket] == []

    paid = await desk.client.post(
        resolve_url(ticket),
        headers=staff,
        json={"billable": True, "acknowledge": True, "payer_id": "institution:icbc"},
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["payer_id"] == "institution:icbc"
    resolved = [e for e in await desk.events("ticket-resolved", 1) if e["ticket_id"] == ticket]
    assert [(e["billable"], e["payer_id"]) for e in resolved] == [(True, "institution:icbc")]


async def test_a_billable_ticket_is_paid_by_its_tenant_or_another_tenant_staff_name(
    desk: TicketsDesk,
) -> None:
    own, other = await desk.onboard("payer-own"), await desk.onboard("payer-other")
    staff = desk.operator()
    tickets = [
        (await desk.open(desk.tenant("payer-own"), title=f"fix {n}")).json()["ticket_id"] for n in (1, 2)
    ]
    named = {"billable": True, "acknowledge": True, "payer_id": other.tenant_id}
    for ticket, body in zip(tickets, ({"billable": True, "acknowledge": True}, named), strict=True):
        assert (await desk.client.post(resolve_url(ticket), headers=staff, json=body)).status_code == 200
    resolved = {e["ticket_id"]: e["payer_id"] for e in await desk.events("ticket-resolved", 2)}
    assert [resolved[t] for t in tickets] == [own.tenant_id, other.tenant_id]


async def test_a_reopened_ticket_is_rated_twice_and_the_scorecard_counts_both(desk: TicketsDesk) -> None:
    park = f"{desk.park}-ratings"  # a park of its own: its scorecard holds this ticket only
    await register_park(desk.leasing, desk.group, park)
    await directory_knows(desk.app, park)
    await desk.onboard("rater", park=park)
    tenant, staff, c = desk.tenant("rater", park), desk.operator(park), desk.client
    ticket = (await desk.open(tenant, park=park, title="heating")).json()["ticket_id"]
    url = f"/tickets/{ticket}"
    assert (await c.post(f"{url}/resolve", headers=staff, json={"acknowledge": True})).status_code == 200
    assert (await c.post(f"{url}/rating", headers=tenant, json={"score": 2})).status_code == 200
    assert (await c.post(f"{url}/reopen", headers=tenant, json={"reason": "cold again"})).status_code == 200
    assert (await c.post(f"{url}/resolve", headers=staff, json={})).status_code == 200
    assert (await c.post(f"{url}/rating", headers=tenant, json={"score": 5})).status_code == 200
    again = await c.post(f"{url}/rating", headers=tenant, json={"score": 5})
    assert again.status_code == 409, "one rating per resolution"

    rated = [e for e in await desk.events("ticket-rated", 2) if e["ticket_id"] == ticket]
    assert [(e["resolution"], e["score"]) for e in rated] == [(1, 2), (2, 5)]
    opened_at = datetime.fromisoformat((await c.get(url, headers=staff)).json()["opened_at"])
    last_rating = max(datetime.fromisoformat(e["rated_at"]) for e in rated)
    period = {"from": opened_at.isoformat(), "to": (last_rating + timedelta(seconds=1)).isoformat()}
    card = (await c.get(f"/parks/{park}/tickets/scorecard", headers=staff, params=period)).json()
    assert (card["rated"], card["satisfied"], card["satisfaction_rate"]) == (2, 1, 0.5)
    assert (card["resolved"], card["sla_met"], card["sla_compliance"]) == (1, 1, 1.0)


async def test_staff_import_a_ticket_opened_in_the_past(desk: TicketsDesk) -> None:
    staff = desk.operator()
    await desk.onboard("importer")
    probe = (await desk.open(staff, title="probe")).json()  # the service's clock, as the test reads it
    now = datetime.fromisoformat(probe["opened_at"])
    then = now - timedelta(days=300)
    imported = await desk.open(staff, title="old leak", priority="high", opened_at=then.isoformat())
    assert imported.status_code == 201, imported.text
    body = imported.json()
    assert datetime.fromisoformat(body["opened_at"]) == then
    assert datetime.fromisoformat(body["response_due"]) == then + timedelta(hours=1)
    opened = [e for e in await desk.events("ticket-opened", 2) if e["ticket_id"] == body["ticket_id"]]
    assert [datetime.fromisoformat(e["opened_at"]) for e in opened] == [then]
    for who, when in (
        (staff, now + timedelta(days=1)),
        (staff, datetime(1899, 12, 31, tzinfo=then.tzinfo)),
        (desk.tenant("importer"), then),
    ):
        refused = await desk.open(who, title="refused import", opened_at=when.isoformat())
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == ["opened_at"]
    titles = [e["title"] for e in await desk.events("ticket-opened", 2)]
    assert "refused import" not in titles


# -- effective dates: a ticket's history from the old system ---------------------------------------


async def test_an_imported_ticket_is_judged_and_counted_by_its_effective_times(desk: TicketsDesk) -> None:
    park = f"{desk.park}-history"  # a park of its own: its scorecard holds these tickets only
    await register_park(desk.leasing, desk.group, park)
    await directory_knows(desk.app, park)
    await desk.onboard("historic", park=park)
    staff, c = desk.operator(park), desk.client
    probe = (await desk.open(desk.operator(), title="probe")).json()  # the service's clock, as read here
    now = datetime.fromisoformat(probe["opened_at"])
    bare = await c.post(f"/tickets/{probe['ticket_id']}/acknowledge", headers=desk.operator())
    assert bare.status_code == 200, bare.text  # no body: acknowledged now, as before
    assert datetime.fromisoformat(bare.json()["acknowledged_at"]) >= now
    then = (now - timedelta(days=365)).replace(microsecond=0)  # repair, high: response 1 h, resolution 24 h

    async def history(title: str, steps: list[tuple[str, dict[str, object]]]) -> str:
        tenant = desk.tenant_id("historic")
        opened = await desk.open(
            staff, park=park, title=title, priority="high", tenant_id=tenant, opened_at=then.isoformat()
        )
        assert opened.status_code == 201, opened.text
        ticket = str(opened.json()["ticket_id"])
        for action, body in steps:
            done = await c.post(f"/tickets/{ticket}/{action}", headers=staff, json=body)
            assert done.status_code == 200, (action, done.text)
        return ticket

    def at(offset: timedelta, **body: object) -> dict[str, object]:
        return {"at": (then + offset).isoformat(), **body}

    in_time = await history(
        "met in time",
        [
            ("acknowledge", at(timedelta(minutes=30))),
            ("start", at(timedelta(hours=1))),
            ("resolve", at(timedelta(hours=20))),
            ("rating", at(timedelta(days=1), score=5)),
        ],
    )
    late = await history(
        "answered late",
        [
            ("acknowledge", at(timedelta(hours=3))),
            ("resolve", at(timedelta(hours=10))),
            ("rating", at(timedelta(days=1), score=4)),
        ],
    )
    for scan_at in (now, now + timedelta(days=30)):  # whatever the scan's timing
        await desk.scanner.rebuild()
        await desk.scanner.scan_once(scan_at)

    breaches = [e for e in await desk.events("ticket-sla-breached", 1) if e["ticket_id"] in (in_time, late)]
    assert [(e["ticket_id"], e["target"]) for e in breaches] == [(late, "response")]
    deadline = then + timedelta(hours=1)
    assert datetime.fromisoformat(breaches[0]["due_at"]) == deadline
    assert datetime.fromisoformat(breaches[0]["detected_at"]) == deadline
    stored = {t: (await c.get(f"/tickets/{t}", headers=staff)).json() for t in (in_time, late)}
    assert [stored[t]["breached_targets"] for t in (in_time, late)] == [[], ["response"]]

    resolved = {e["ticket_id"]: e for e in await desk.events("ticket-resolved", 2)}
    rated = {e["ticket_id"]: e for e in await desk.events("ticket-rated", 2)}
    assert [datetime.fromisoformat(resolved[t]["resolved_at"]) for t in (in_time, late)] == [
        then + timedelta(hours=20),
        then + timedelta(hours=10),
    ]
    assert [resolved[t]["response_outcome"] for t in (in_time, late)] == ["met", "breached"]
    assert [datetime.fromisoformat(rated[t]["rated_at"]) for t in (in_time, late)] == [
        then + timedelta(days=1)
    ] * 2

    last_year = {"from": then.isoformat(), "to": (then + timedelta(days=2)).isoformat()}
    card = (await c.get(f"/parks/{park}/tickets/scorecard", headers=staff, params=last_year)).json()
    assert (card["resolved"], card["sla_met"], card["sla_compliance"]) == (2, 1, 0.5)
    assert (card["rated"], card["satisfied"], card["satisfaction_rate"]) == (2, 2, 1.0)
    this_month = (await c.get(f"/parks/{park}/tickets/scorecard", headers=staff)).json()
    assert (this_month["resolved"], this_month["rated"]) == (0, 0)


async def test_a_step_dated_out_of_bounds_is_refused_naming_at(desk: TicketsDesk) -> None:
    await desk.onboard("dated")
    staff, tenant, c = desk.operator(), desk.tenant("dated"), desk.client
    probe = (await desk.open(staff, title="probe")).json()
    now = datetime.fromisoformat(probe["opened_at"])
    then = now - timedelta(days=100)
    opened = await desk.open(
        staff, title="dated", tenant_id=desk.tenant_id("dated"), opened_at=then.isoformat()
    )
    ticket = opened.json()["ticket_id"]
    url = f"/tickets/{ticket}"
    for who, action, body in (
        (staff, "acknowledge", {"at": (then - timedelta(hours=1)).isoformat()}),  # before the opening
        (staff, "acknowledge", {"at": (now + timedelta(days=1)).isoformat()}),  # in the future
        (staff, "resolve", {"acknowledge": True, "at": (then - timedelta(seconds=1)).isoformat()}),
        (
            tenant,
            "reopen",
            {"reason": "x", "at": then.isoformat()},
        ),  # a tenant dates nothing
    ):
        refused = await c.post(f"{url}/{action}", headers=who, json=body)
        assert refused.status_code == 422, (action, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["at"], (action, refused.text)
    assert (await c.get(url, headers=staff)).json()["state"] == "open"

    resolved = await c.post(
        f"{url}/resolve", headers=staff, json={"acknowledge": True, "at": then.isoformat()}
    )
    assert resolved.status_code == 200, resolved.text
    too_early = await c.post(
        f"{url}/rating", headers=staff, json={"score": 4, "at": (then - timedelta(hours=1)).isoformat()}
    )
    assert too_early.status_code == 422
    assert [e["field"] for e in too_early.json()["errors"]] == ["at"]
    by_tenant = await c.post(f"{url}/rating", headers=tenant, json={"score": 4, "at": then.isoformat()})
    assert by_tenant.status_code == 422
    assert [e["field"] for e in by_tenant.json()["errors"]] == ["at"]
    live = (await desk.open(tenant, title="live")).json()["ticket_id"]
    await c.post(f"/tickets/{live}/resolve", headers=staff, json={"acknowledge": True})
    staff_rating = await c.post(
        f"/tickets/{live}/rating", headers=staff, json={"score": 4, "at": now.isoformat()}
    )
    assert staff_rating.status_code == 403, "staff rate only an imported ticket"
    assert [e for e in await desk.events("ticket-rated", 0) if e["ticket_id"] in (ticket, live)] == []
