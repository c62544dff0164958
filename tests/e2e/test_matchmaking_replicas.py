"""matchmaking as several replicas over one store and one broker: writes sent to alternating replicas,
every read answered the same by each once it holds the writes' consistency tokens; a replica killed
loses nothing; a replica started from a snapshot answers what one rebuilt from nothing does."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from matchmaking.announce import announce
from matchmaking.domain.profiles import Enterprise, Offering, Profile
from matchmaking.main import create_app, loaded
from matchmaking.repository import profile_doc
from matchmaking.settings import MatchmakingSettings
from parkops_runtime.aggregates import KEYS
from parkops_runtime.consistency import HEADER, MAX_TOKENS, NotCaughtUp
from parkops_runtime.outbox import VERSION
from parkops_runtime.replicated_view import ReplicatedView
from pymongo import AsyncMongoClient

from bench.load import service_env
from tests.support.fault_processes import ServiceProcess
from tests.support.infra import Infra
from tests.support.matchmaking import Enterprises, Matchmaking, leasing_running, ready, seen
from tests.support.services import eventually, isolated_settings, run_id, serving

PARK_A, PARK_B = "rep-park-a", "rep-park-b"
TENANTS: Enterprises = {
    "vax": (PARK_A, "C2762", "Suzhou Vaccine Co"),
    "glass": (PARK_A, "C3055", "Glass Vials Ltd"),
    "stopper": (PARK_A, "C2929", "Rubber Stopper Co"),
    "chips": (PARK_B, "C3973", "Wafer Fab Co"),
}
OFFERINGS = {
    "glass": [{"offering_id": "vials", "text": "中硼硅玻璃瓶 疫苗西林瓶 borosilicate vaccine vials",
               "segment": "bio.packaging", "capacity": 20000, "certifications": ["GMP"]}],
    "stopper": [{"offering_id": "stoppers", "text": "西林瓶胶塞 vial rubber stoppers",
                 "segment": "bio.packaging", "capacity": 9000}],
    "chips": [{"offering_id": "wafers", "text": "12英寸晶圆代工", "segment": "ic.wafer_fab",
               "capacity": 500}],
}  # fmt: skip
NEEDS = [
    {"need_id": "vials", "text": "采购疫苗西林瓶 glass vials", "volume": 5000,
     "required_certifications": ["GMP"]},
    {"need_id": "stoppers", "text": "西林瓶胶塞 stoppers", "volume": 5000},
]  # fmt: skip


class Tokens:
    """The latest consistency token of each aggregate the writes changed (what a client would keep)."""

    def __init__(self) -> None:
        self._latest: dict[tuple[str, str], int] = {}

    def keep(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code in (200, 201), response.text
        for part in filter(None, response.headers.get(HEADER, "").split(",")):
            source, aggregate, version = part.split()
            self._latest[(source, aggregate)] = max(self._latest.get((source, aggregate), 0), int(version))
        return response

    @property
    def header(self) -> dict[str, str]:
        assert 0 < len(self._latest) <= MAX_TOKENS, self._latest
        return {HEADER: ", ".join(f"{s} {a} {v}" for (s, a), v in sorted(self._latest.items()))}


async def write(m: Matchmaking, replicas: Sequence[httpx.AsyncClient], tokens: Tokens) -> dict[str, Any]:
    """Profiles, proposals, answers, a deal, a meeting and its attendance, and the group's settings, each
    write sent to the next replica in turn. Returns the ids the reads need."""
    turn = iter(range(1_000))

    def next_replica() -> httpx.AsyncClient:
        return replicas[next(turn) % len(replicas)]

    for name, offerings in OFFERINGS.items():
        park = TENANTS[name][0]
        url = f"/parks/{park}/profiles/{m.id(name)}"
        tokens.keep(await next_replica().put(url, headers=m.operator(park), json={"offerings": offerings}))
    vax = f"/parks/{PARK_A}/profiles/{m.id('vax')}"
    op = m.operator(PARK_A)
    tokens.keep(await next_replica().put(vax, headers=op, json={"needs": NEEDS}))
    # Proposing on the other replica than the declaration: the token makes it rank over the offerings.
    proposed = tokens.keep(
        await next_replica().post(f"{vax}/needs/vials/proposals?k=3", headers=op | tokens.header)
    ).json()
    by_supplier = {p["supplier_id"]: p["proposal_id"] for p in proposed}
    vials, stoppers = by_supplier[m.id("glass")], by_supplier[m.id("stopper")]
    vax_side, glass_side = {"enterprise_id": m.id("vax")}, {"enterprise_id": m.id("glass")}
    proposals = f"/parks/{PARK_A}/proposals"
    tokens.keep(await next_replica().post(f"{proposals}/{stoppers}/decline", headers=op, json=vax_side))
    tokens.keep(await next_replica().post(f"{proposals}/{vials}/accept", headers=op, json=vax_side))
    tokens.keep(await next_replica().post(f"{proposals}/{vials}/accept", headers=op, json=glass_side))
    deal = {"value_cny": "85000", "estimated_saving_cny": "15000"}
    tokens.keep(await next_replica().post(f"{proposals}/{vials}/deal", headers=op, json=deal))
    group = f"/groups/{m.group}/settings"
    settings = (await replicas[0].get(group, headers=m.admin())).json()
    settings["weights"] |= {"chain": 0.3, "text": 0.3}
    tokens.keep(await next_replica().put(group, headers=m.admin(), json=settings))
    body = {"title": "December", "held_on": "2026-12-15", "top_k": 3}
    meeting = tokens.keep(
        await next_replica().post(f"/parks/{PARK_A}/meetings", headers=op | tokens.header, json=body)
    ).json()
    attend = f"/parks/{PARK_A}/meetings/{meeting['meeting_id']}/attendance"
    tokens.keep(await next_replica().post(attend, headers=op, json={"tenant_id": m.id("vax")}))
    return {"proposals": [vials, stoppers], "meeting": meeting["meeting_id"]}


async def reads(
    m: Matchmaking,
    replica: httpx.AsyncClient,
    ids: dict[str, Any],
    tokens: Tokens,
    needs: Sequence[str] = ("vials", "stoppers"),
) -> dict[str, Any]:
    """Every read of matchmaking for these writes, as staff, a tenant user and the group admin."""
    op, vax = m.operator(PARK_A) | tokens.header, m.tenant("vax") | tokens.header
    urls = [
        (f"/parks/{PARK_A}/profiles", op),
        (f"/parks/{PARK_B}/profiles", m.operator(PARK_B) | tokens.header),
        (f"/parks/{PARK_A}/profiles/{m.id('vax')}", vax),
        *[(f"/parks/{PARK_A}/profiles/{m.id('vax')}/needs/{need}/matches?k=10", vax) for need in needs],
        (f"/parks/{PARK_A}/proposals", op),
        (f"/parks/{PARK_A}/proposals?status=declined", vax),
        *[(f"/parks/{PARK_A}/proposals/{pid}", op) for pid in ids["proposals"]],
        (f"/parks/{PARK_A}/meetings", op),
        (f"/parks/{PARK_A}/meetings/{ids['meeting']}", vax),
        (f"/groups/{m.group}/settings", m.admin() | tokens.header),
        (f"/parks/{PARK_A}/chain-map", op),
    ]
    answers = {}
    for url, headers in urls:
        response = await replica.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.text)
        answers[url] = response.json()
    return answers


def check_content(m: Matchmaking, answers: dict[str, Any], ids: dict[str, Any]) -> None:
    """What the writes said is there (so equal answers are not equally empty)."""
    vials, stoppers = ids["proposals"]
    assert answers[f"/parks/{PARK_A}/proposals/{vials}"]["status"] == "deal_closed"
    assert answers[f"/parks/{PARK_A}/proposals/{stoppers}"]["status"] == "declined"
    ranked = answers[f"/parks/{PARK_A}/profiles/{m.id('vax')}/needs/stoppers/matches?k=10"]
    stopper = next(r for r in ranked if r["supplier_id"] == m.id("stopper"))
    assert any(c["name"] == "declined_before" for c in stopper["breakdown"])
    assert answers[f"/parks/{PARK_A}/meetings/{ids['meeting']}"]["attended"] == [m.id("vax")]
    assert answers[f"/groups/{m.group}/settings"]["weights"]["chain"] == 0.3
    assert len(answers[f"/parks/{PARK_A}/profiles"]) == 3


async def test_two_replicas_answer_every_read_alike_and_a_killed_one_loses_nothing(
    infra: Infra, tmp_path: Path
) -> None:
    run = run_id()
    settings = isolated_settings(MatchmakingSettings, infra, run, topic_partitions=2)
    env = service_env(settings)
    factory = "matchmaking.main:create_app"
    first, second = (ServiceProcess(factory, env, tmp_path / f"matchmaking-{n}.log") for n in "ab")
    async with leasing_running(infra, run) as leasing:
        try:
            await first.start()
            await second.start()
            async with (
                httpx.AsyncClient(base_url=first.base, timeout=30) as a,
                httpx.AsyncClient(base_url=second.base, timeout=30) as b,
            ):
                m = Matchmaking(run, infra, a, leasing, f"group-{run}")
                await m.settle(TENANTS)
                for name, (park, _, _) in TENANTS.items():
                    await seen(b, f"/parks/{park}/profiles/{m.id(name)}", m.tenant(name))
                tokens = Tokens()
                ids = await write(m, [a, b], tokens)
                from_a, from_b = await reads(m, a, ids, tokens), await reads(m, b, ids, tokens)
                assert from_a == from_b
                check_content(m, from_a, ids)

                # Writes to b, answered; b killed at once (no shutdown hook): a holds all of them.
                vax = f"/parks/{PARK_A}/profiles/{m.id('vax')}"
                more = [*NEEDS, {"need_id": "wafers", "text": "晶圆 wafers", "volume": 10}]
                tokens.keep(await b.put(vax, headers=m.operator(PARK_A), json={"needs": more}))
                declined = ids["proposals"][1]
                proposed = tokens.keep(
                    await b.post(f"{vax}/needs/wafers/proposals?k=1", headers=m.operator(PARK_A))
                ).json()
                await second.kill()
                after = await reads(m, a, ids, tokens)
                wafers = await a.get(
                    f"{vax}/needs/wafers/matches", headers=m.operator(PARK_A) | tokens.header
                )
                assert m.id("chips") in [r["supplier_id"] for r in wafers.json()], "b's declaration"
                listed = {p["proposal_id"] for p in after[f"/parks/{PARK_A}/proposals"]}
                assert {proposed[0]["proposal_id"], *ids["proposals"]} <= listed
                assert after[f"/parks/{PARK_A}/proposals/{declined}"]["status"] == "declined"

                # b back (from nothing: no snapshot was due): the same answers again.
                await second.start()
                assert await reads(m, b, ids, tokens) == after
        finally:
            await first.stop()
            await second.stop()


async def test_a_replica_from_a_snapshot_answers_what_one_rebuilt_from_nothing_does(infra: Infra) -> None:
    run = run_id()
    settings = isolated_settings(MatchmakingSettings, infra, run)
    async with leasing_running(infra, run) as leasing:
        app = create_app(settings)
        async with serving(app) as first:
            await ready(first)
            m = Matchmaking(run, infra, first, leasing, f"group-{run}")
            await m.settle(TENANTS)
            tokens = Tokens()
            ids = await write(m, [first], tokens)
            view: ReplicatedView = app.state.view
            assert await view.checkpoint() > 0
            # The tail after the snapshot: a need changes, the declined pair is proposed again.
            vax = f"/parks/{PARK_A}/profiles/{m.id('vax')}"
            op = m.operator(PARK_A)
            tokens.keep(await first.put(vax, headers=op, json={"needs": NEEDS[1:]}))
            tokens.keep(await first.post(f"{vax}/needs/stoppers/proposals?k=2", headers=op))
            expected = await reads_after_tail(m, first, ids, tokens)

        restarted = create_app(settings.model_copy(update={"consistency_wait_seconds": 0.5}))
        with pytest.raises(NotCaughtUp):  # not started: every route answers 503 until the view is loaded
            await loaded(restarted.state.view)()
        async with serving(restarted) as from_snapshot:
            await ready(from_snapshot)
            assert restarted.state.view.start_up.from_snapshot
            assert await reads_after_tail(m, from_snapshot, ids, tokens) == expected
            # A token of a write this replica has not folded (a version to come): 503, try again.
            vax_token = next(t for t in tokens.header[HEADER].split(", ") if f"profile/{m.id('vax')} " in t)
            source, aggregate, version = vax_token.split()
            ahead = {HEADER: f"{source} {aggregate} {int(version) + 1}"}
            late = await from_snapshot.get(vax, headers=op | ahead)
            assert (late.status_code, late.headers["Retry-After"]) == (503, "1")

        async with AsyncMongoClient[dict[str, Any]](infra.mongodb_url) as client:
            await client[settings.mongodb_database]["views.snapshots"].drop()
        rebuilt = create_app(settings)
        async with serving(rebuilt) as from_nothing:
            await ready(from_nothing)
            assert not rebuilt.state.view.start_up.from_snapshot
            assert await reads_after_tail(m, from_nothing, ids, tokens) == expected


async def reads_after_tail(
    m: Matchmaking, replica: httpx.AsyncClient, ids: dict[str, Any], tokens: Tokens
) -> dict[str, Any]:
    """The reads, less the matches of the need the tail removed."""
    answers = await reads(m, replica, ids, tokens, needs=("stoppers",))
    vax = f"/parks/{PARK_A}/profiles/{m.id('vax')}"
    assert [n["need_id"] for n in answers[vax]["needs"]] == ["stoppers"]
    stoppers = answers[f"{vax}/needs/stoppers/matches?k=10"]
    assert any(c["name"] == "declined_before" for r in stoppers for c in r["breakdown"])
    return answers


async def test_profiles_stored_before_profile_changed_reach_the_view_once_announced(infra: Infra) -> None:
    run = run_id()
    settings = isolated_settings(MatchmakingSettings, infra, run)
    async with leasing_running(infra, run) as leasing, serving(create_app(settings)) as http:
        await ready(http)
        m = Matchmaking(run, infra, http, leasing, f"group-{run}")
        await m.settle({"vax": TENANTS["vax"]})
        legacy = Profile(
            Enterprise("legacy", PARK_A, m.group, "Legacy Vials Co", "bio.packaging"),
            [Offering("vials", "legacy", "疫苗西林瓶", "bio.packaging", 100)],
        )
        async with AsyncMongoClient[dict[str, Any]](infra.mongodb_url) as client:
            stored = {
                "_id": "legacy",
                **profile_doc(legacy),
                KEYS: [],
                VERSION: 1,
            }  # as an older version wrote it
            await client[settings.mongodb_database]["profiles"].insert_one(stored)
        listed = f"/parks/{PARK_A}/profiles"
        op = m.operator(PARK_A)

        async def tenants() -> set[str]:
            return {p["tenant_id"] for p in (await http.get(listed, headers=op)).json()}

        assert await tenants() == {m.id("vax")}, "no event: the view has not heard of it"
        assert await announce(settings) == 2

        async def legacy_seen() -> bool:
            return await tenants() == {m.id("vax"), "legacy"}

        await eventually(legacy_seen)
