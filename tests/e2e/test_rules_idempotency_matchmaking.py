"""The Idempotency-Key rule on matchmaking's creates and actions, over HTTP against the real store, with
the events read back from Kafka: a retry with the key answers the first answer with its status and
publishes nothing more; the same key with another request is 409 naming the key; a key of one park
or group never meets another's."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from parkops_contracts.base import Event
from parkops_contracts.events.matchmaking import (
    DealClosed,
    MatchAccepted,
    MatchmakingMeetingAttended,
    MatchProposed,
)

from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.matchmaking import Enterprises, Matchmaking, matchmaking_running
from tests.support.services import run_id

PARK_A, PARK_B, PARK_C = "mmi-park-a", "mmi-park-b", "mmi-park-c"
TENANTS: Enterprises = {
    "vax": (PARK_A, "C2762", "Keyed Vaccine Co"),
    "glass": (PARK_A, "C3055", "Keyed Glass Ltd"),
    "pharma": (PARK_B, "C2762", "Keyed Pharma Co"),
    "vials": (PARK_B, "C3055", "Keyed Vials Co"),
}
VIALS = {"text": "疫苗西林瓶 glass vials", "segment": "bio.packaging", "capacity": 1000}
NEED = {"need_id": "n1", "text": "采购疫苗西林瓶", "volume": 100}


@pytest.fixture(scope="module")
async def mm(infra: Infra) -> AsyncIterator[Matchmaking]:
    run = run_id()
    async with matchmaking_running(infra, run, f"group-{run}") as m:
        await m.settle(TENANTS)
        for supplier in ("glass", "vials"):
            await put_ok(m, supplier, {"offerings": [{**VIALS, "offering_id": f"o-{supplier}"}]})
        for buyer in ("vax", "pharma"):
            await put_ok(m, buyer, {"needs": [NEED]})
        yield m


def profile_url(m: Matchmaking, name: str) -> str:
    return f"/parks/{TENANTS[name][0]}/profiles/{m.id(name)}"


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def put_ok(m: Matchmaking, name: str, body: dict[str, Any]) -> None:
    r = await m.http.put(profile_url(m, name), headers=m.operator(TENANTS[name][0]), json=body)
    assert r.status_code == 200, r.text


async def published(m: Matchmaking, event: type[Event], field: str, value: str, at_least: int) -> int:
    """How many events of this contract on the run's topic name this value (read until quiet)."""
    records = await read_all(m.infra.kafka_bootstrap_servers, m.topic(event), at_least=at_least)
    return sum(1 for r in records if json.loads(r.value)[field] == value)


def refused(r: httpx.Response, key: str) -> None:
    assert r.status_code == 409, r.text
    assert f"idempotency key {key}" in r.json()["detail"]


async def test_a_declaration_replays_its_first_answer_and_its_generated_ids(mm: Matchmaking) -> None:
    url, op = profile_url(mm, "glass"), keyed(mm.operator(PARK_A), "declare-1")
    body = {"offerings": [VIALS, {"text": "胶塞 rubber stoppers", "segment": "bio.packaging"}]}
    first = await mm.http.put(url, headers=op, json=body)
    assert first.status_code == 200, first.text
    again = await mm.http.put(url, headers=op, json=body)
    assert again.status_code == 200, again.text
    assert again.json() == first.json(), "the same answer, the same ids given to unnamed offerings"
    refused(await mm.http.put(url, headers=op, json={"offerings": [VIALS]}), "declare-1")
    assert (await mm.http.get(url, headers=op)).json() == first.json()


async def test_proposals_accepted_and_closed_with_keys_publish_each_event_once(mm: Matchmaking) -> None:
    op, vax = mm.operator(PARK_A), mm.tenant("vax")
    url = f"{profile_url(mm, 'vax')}/needs/n1/proposals"
    first = await mm.http.post(url, headers=keyed(op, "propose-1"), params={"k": 1})
    assert first.status_code == 200, first.text
    again = await mm.http.post(url, headers=keyed(op, "propose-1"), params={"k": 1})
    assert (again.status_code, again.json()) == (200, first.json())
    refused(await mm.http.post(url, headers=keyed(op, "propose-1"), params={"k": 2}), "propose-1")
    [proposal] = first.json()
    pid = proposal["proposal_id"]

    accept = f"/parks/{PARK_A}/proposals/{pid}/accept"
    one = await mm.http.post(accept, headers=keyed(vax, "accept-1"), json={})
    assert (one.status_code, one.json()["status"]) == (200, "proposed")
    replay = await mm.http.post(accept, headers=keyed(vax, "accept-1"), json={})
    assert (replay.status_code, replay.json()) == (200, one.json())
    other_side = {"enterprise_id": proposal["supplier_id"]}
    refused(await mm.http.post(accept, headers=keyed(op, "accept-1"), json=other_side), "accept-1")
    both = await mm.http.post(accept, headers=keyed(op, "accept-2"), json=other_side)
    assert both.json()["status"] == "accepted", both.text
    assert (await mm.http.post(accept, headers=keyed(op, "accept-2"), json=other_side)).json() == both.json()

    deal_url, deal = (
        f"/parks/{PARK_A}/proposals/{pid}/deal",
        {"value_cny": "1000", "estimated_saving_cny": "10"},
    )
    closed = await mm.http.post(deal_url, headers=keyed(op, "deal-1"), json=deal)
    assert closed.status_code == 200, closed.text
    again = await mm.http.post(deal_url, headers=keyed(op, "deal-1"), json={**deal, "value_cny": "1000.00"})
    assert (again.status_code, again.json()) == (200, closed.json()), "1000 and 1000.00 are one request"
    refused(
        await mm.http.post(deal_url, headers=keyed(op, "deal-1"), json={**deal, "value_cny": "2"}), "deal-1"
    )

    assert await published(mm, MatchProposed, "proposal_id", pid, 1) == 1
    assert await published(mm, MatchAccepted, "proposal_id", pid, 1) == 1
    assert await published(mm, DealClosed, "proposal_id", pid, 1) == 1


async def test_a_keyed_meeting_is_planned_once_per_park_and_attendance_billed_once(mm: Matchmaking) -> None:
    body = {"title": "Keyed meeting", "held_on": "2026-12-15", "top_k": 2}
    url_a, op_a = f"/parks/{PARK_A}/meetings", keyed(mm.operator(PARK_A), "meeting-1")
    first = await mm.http.post(url_a, headers=op_a, json=body)
    assert first.status_code == 201, first.text
    again = await mm.http.post(url_a, headers=op_a, json=body)
    assert (again.status_code, again.json()) == (201, first.json())
    refused(await mm.http.post(url_a, headers=op_a, json={**body, "top_k": 3}), "meeting-1")
    url_b = f"/parks/{PARK_B}/meetings"
    in_b = await mm.http.post(url_b, headers=keyed(mm.operator(PARK_B), "meeting-1"), json=body)
    assert in_b.status_code == 201, in_b.text
    assert in_b.json()["meeting_id"] != first.json()["meeting_id"], "another park's key meets nothing"
    meetings = (await mm.http.get(url_a, headers=mm.operator(PARK_A))).json()
    assert [m["meeting_id"] for m in meetings] == [first.json()["meeting_id"]]

    attendance = f"{url_a}/{first.json()['meeting_id']}/attendance"
    vax = {"tenant_id": mm.id("vax")}
    attended = await mm.http.post(attendance, headers=keyed(op_a, "attend-1"), json=vax)
    assert attended.status_code == 200, attended.text
    replay = await mm.http.post(attendance, headers=keyed(op_a, "attend-1"), json=vax)
    assert (replay.status_code, replay.json()) == (200, attended.json())
    refused(
        await mm.http.post(attendance, headers=keyed(op_a, "attend-1"), json={"tenant_id": mm.id("glass")}),
        "attend-1",
    )
    assert await published(mm, MatchmakingMeetingAttended, "tenant_id", mm.id("vax"), 1) == 1
    for proposal_id in first.json()["proposal_ids"]:
        assert await published(mm, MatchProposed, "proposal_id", proposal_id, 1) == 1


async def test_a_groups_key_meets_nothing_of_another_group(mm: Matchmaking) -> None:
    other = Matchmaking(mm.run, mm.infra, mm.http, mm.leasing, f"other-{mm.group}")
    await other.settle({"solo": (PARK_C, "C3055", "Other Group Co")}, seed=7)
    weights = {
        "chain": 0.3,
        "text": 0.3,
        "certifications": 0.1,
        "capacity": 0.1,
        "proximity": 0.1,
        "anchor": 0.1,
    }
    mine = {"weights": {**weights, "declined_penalty": 0.2}, "group_wide": False}
    theirs = {"weights": {**weights, "declined_penalty": 0.5}, "group_wide": True}
    url, key = "/groups/{}/settings", "settings-1"
    first = await mm.http.put(url.format(mm.group), headers=keyed(mm.admin(), key), json=mine)
    assert first.status_code == 200, first.text
    second = await mm.http.put(url.format(other.group), headers=keyed(other.admin(), key), json=theirs)
    assert (second.status_code, second.json()) == (200, theirs)
    replay = await mm.http.put(url.format(mm.group), headers=keyed(mm.admin(), key), json=mine)
    assert (replay.status_code, replay.json()) == (200, mine)
    refused(await mm.http.put(url.format(mm.group), headers=keyed(mm.admin(), key), json=theirs), key)
