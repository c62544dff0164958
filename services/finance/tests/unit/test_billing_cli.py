"""The billing CLI starts (or joins) each park's run, prints a progress line per poll, and fails when a
run failed."""

import io
import json

import httpx
from finance.billing_cli import follow


def server(states: dict[str, list[dict[str, object]]]) -> httpx.MockTransport:
    """Each park answers its next state on each request; the start must ask for an async answer."""

    def answer(request: httpx.Request) -> httpx.Response:
        park = request.url.path.split("/")[2]
        if request.method == "POST":
            assert request.headers["Prefer"] == "respond-async"
            assert json.loads(request.content) == {"period": "2026-03"}
        return httpx.Response(202 if request.method == "POST" else 200, json=states[park].pop(0))

    return httpx.MockTransport(answer)


def run(state: str, done: int, total: int = 4, error: str | None = None) -> dict[str, object]:
    return {"state": state, "done": done, "total": total, "invoices": done, "error": error}


async def test_progress_is_printed_until_every_run_has_finished() -> None:
    states = {
        "p1": [run("queued", 0, 0), run("running", 2), run("succeeded", 4)],
        "p2": [run("running", 1), run("succeeded", 4)],
    }
    out = io.StringIO()
    async with httpx.AsyncClient(transport=server(states), base_url="http://finance") as http:
        assert await follow(http, "2026-03", ["p1", "p2"], out, every=0)
    assert out.getvalue().splitlines() == [
        "billing 2026-03: 0/2 parks finished, 1/4 leases, 1 invoices (p1 queued, p2 running)",
        "billing 2026-03: 1/2 parks finished, 6/8 leases, 6 invoices (p1 running, p2 succeeded)",
        "billing 2026-03: 2/2 parks finished, 8/8 leases, 8 invoices (p1 succeeded, p2 succeeded)",
    ]


async def test_a_failed_run_is_named_with_its_error() -> None:
    states = {"p1": [run("running", 0), run("failed", 0, error="ConnectionFailure: store down")]}
    out = io.StringIO()
    async with httpx.AsyncClient(transport=server(states), base_url="http://finance") as http:
        assert not await follow(http, "2026-03", ["p1"], out, every=0)
    assert out.getvalue().splitlines()[-1] == "p1: ConnectionFailure: store down"
