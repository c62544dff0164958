"""The meeting CLI starts (or joins) a park's batch under its key, prints a progress line per poll from
the Location it was given, and fails when the batch failed."""

import io
import json

import httpx
from matchmaking.meeting_cli import follow

BODY = {"title": "December", "held_on": "2026-12-15", "top_k": 3}
LOCATION = "/parks/p1/meeting-batches/m1"


def server(states: list[dict[str, object]]) -> httpx.MockTransport:
    """The next state on each request; the start must ask for an async answer under the key."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            assert request.url.path == "/parks/p1/meetings"
            assert request.headers["Prefer"] == "respond-async"
            assert request.headers["Idempotency-Key"] == "k"
            assert json.loads(request.content) == BODY
            return httpx.Response(202, json=states.pop(0), headers={"Location": LOCATION})
        assert request.url.path == LOCATION
        return httpx.Response(200, json=states.pop(0))

    return httpx.MockTransport(answer)


def batch(state: str, done: int, proposals: int = 0, error: str | None = None) -> dict[str, object]:
    return {
        "meeting_id": "m1",
        "park_id": "p1",
        "title": "December",
        "state": state,
        "done": done,
        "total": 0 if state == "queued" else 1200,
        "proposals": proposals,
        "error": error,
    }


async def test_progress_is_printed_until_the_batch_has_finished() -> None:
    states = [batch("queued", 0), batch("running", 600), batch("succeeded", 1200, 3100)]
    out = io.StringIO()
    async with httpx.AsyncClient(transport=server(states), base_url="http://matchmaking") as http:
        assert await follow(http, "p1", BODY, "k", out, every=0)
    assert out.getvalue().splitlines() == [
        "meeting 'December' of p1: queued, 0/0 needs ranked, 0 proposals",
        "meeting 'December' of p1: running, 600/1,200 needs ranked, 0 proposals",
        "meeting 'December' of p1: succeeded, 1,200/1,200 needs ranked, 3,100 proposals",
        "meeting: /parks/p1/meetings/m1",
    ]


async def test_a_failed_batch_is_reported_with_its_error() -> None:
    states = [batch("running", 0), batch("failed", 20, error="ConnectionFailure: store down")]
    out = io.StringIO()
    async with httpx.AsyncClient(transport=server(states), base_url="http://matchmaking") as http:
        assert not await follow(http, "p1", BODY, "k", out, every=0)
    assert out.getvalue().splitlines()[-1] == "failed: ConnectionFailure: store down"
