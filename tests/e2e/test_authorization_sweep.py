"""The README's access table, checked on every operation of every service's OpenAPI document (issue 13).

All five services run in this process against the real broker and store; two groups are seeded through
the public APIs; each group's objects are attacked by the other group's admin, by the operator and a
tenant user of its other park, by another tenant of the same park, by its auditor (writes) and by bad
tokens. See `tests/support/sweep.py` for what each must get."""

import httpx
import pytest
from fastapi import FastAPI, Header, HTTPException

from tests.support.infra import Infra
from tests.support.platform import running_platform
from tests.support.seed import GroupWorld, seed_groups
from tests.support.sweep import Sweep


@pytest.mark.timeout(600)
async def test_every_operation_answers_out_of_scope_callers_as_the_readme_says(
    infra: Infra, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running_platform(infra) as platform:
        worlds = await seed_groups(platform)
        problems = [p for w in worlds for p in w.problems]
        tenants = [len(w.tenants) for w in worlds]
        assert tenants == [4, 4], "\n".join(["no parks and tenants:", *problems])
        sweep = Sweep(platform.http, worlds)
        docs = await sweep.run()
    report = sweep.report(docs)
    with capsys.disabled():  # the figures belong in CI's log, not only in a failure's
        print(f"\n{report}")
    assert not problems, "\n".join(["seeding problems:", *problems, report])
    assert not sweep.uncovered, report
    assert not sweep.mismatches, report
    assert not sweep.leaks, report
    assert sum(sweep.requests.values()) > 1000  # the sweep ran, it did not stop at an empty document


def careless_service() -> FastAPI:
    """A service that checks only that a token is there, and has a route whose id nobody seeds."""
    app = FastAPI()

    @app.get("/parks/{park_id}/things/{thing_id}")
    async def thing(park_id: str, thing_id: str, authorization: str | None = Header(None)) -> dict[str, str]:
        if authorization is None:
            raise HTTPException(401)
        return {"thing_id": thing_id, "tenant_id": f"tenant-of-{park_id}"}

    @app.delete("/parks/{park_id}/gadgets/{gadget_id}")
    async def gadget(park_id: str, gadget_id: str) -> None:
        raise HTTPException(401)

    return app


def world(tag: str) -> GroupWorld:
    w = GroupWorld(f"group-{tag}", (f"park-{tag}1", f"park-{tag}2"))
    for name, park in (("victim", 0), ("partner", 0), ("sibling", 0), ("elsewhere", 1)):
        w.tenants[name] = w.own(f"{name}-{tag}", w.parks[park], f"{name}-{tag}")
    w.own(f"tenant-of-park-{tag}1", w.parks[0], w.tenants["victim"])
    w.values |= {"park_id": w.parks[0], "thing_id": w.own(f"thing-{tag}", w.parks[0], w.tenants["victim"])}
    return w


async def test_the_sweep_fails_a_service_that_ignores_scope_or_has_an_unseeded_route() -> None:
    transport = httpx.ASGITransport(app=careless_service())
    async with httpx.AsyncClient(transport=transport, base_url="http://careless") as client:
        sweep = Sweep({"careless": client}, [world("a"), world("b")])
        await sweep.run()
    assert any("GET /parks/{park_id}/things/{thing_id} as group_admin of group-b: expected 404" in m
               for m in sweep.mismatches)  # fmt: skip
    assert any("as expired token: expected 401, got 200" in m for m in sweep.mismatches)
    assert any("'tenant-of-park-a1' of group-a/park-a1/victim-a" in leak for leak in sweep.leaks)
    assert any("no seeded value of group-a for path parameter(s) gadget_id" in u for u in sweep.uncovered)
