"""Plan a park's meeting as a batch and follow it to the end, one progress line per poll:

    python -m matchmaking.meeting_cli --url http://localhost:8004 --token "$TOKEN" \\
        --title "December" --held-on 2026-12-15 PARK

The batch is started with `Prefer: respond-async` and an Idempotency-Key (by default the park, date and
title: running the command again joins the same batch, or answers it as it ended), then read back from
its Location — any replica answers. Exit status 1 when the batch failed."""

import argparse
import asyncio
import sys
from typing import Any, TextIO

import httpx

DONE = {"succeeded", "failed"}


def progress(batch: dict[str, Any]) -> str:
    """One line: the batch's state, the needs ranked and the proposals written so far."""
    return (
        f"meeting {batch['title']!r} of {batch['park_id']}: {batch['state']}, "
        f"{batch['done']:,}/{batch['total']:,} needs ranked, {batch['proposals']:,} proposals"
    )


async def follow(
    http: httpx.AsyncClient, park: str, body: dict[str, Any], key: str, out: TextIO, *, every: float = 1.0
) -> bool:
    """Start (or join) the batch, then print its progress until it has finished; True if it succeeded."""
    headers = {"Prefer": "respond-async", "Idempotency-Key": key}
    started = await http.post(f"/parks/{park}/meetings", json=body, headers=headers)
    started.raise_for_status()
    batch, location = started.json(), started.headers["Location"]
    print(progress(batch), file=out, flush=True)
    while batch["state"] not in DONE:
        await asyncio.sleep(every)
        read = await http.get(location)
        read.raise_for_status()
        batch = read.json()
        print(progress(batch), file=out, flush=True)
    if batch["state"] == "failed":
        print(f"failed: {batch['error']}", file=out)
        return False
    print(f"meeting: /parks/{park}/meetings/{batch['meeting_id']}", file=out)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("park", help="park id")
    parser.add_argument("--url", default="http://localhost:8004", help="matchmaking's base URL")
    parser.add_argument("--token", required=True, help="a staff bearer token (parkops-token)")
    parser.add_argument("--title", required=True)
    parser.add_argument("--held-on", required=True, help="YYYY-MM-DD")
    parser.add_argument("--top-k", type=int, default=5, help="proposals per need")
    parser.add_argument("--key", help="the Idempotency-Key (default: park, date and title)")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between progress lines")
    args = parser.parse_args()
    body = {"title": args.title, "held_on": args.held_on, "top_k": args.top_k}
    key = args.key or f"meeting {args.park} {args.held_on} {args.title}"[:200]

    async def run() -> bool:
        headers = {"Authorization": f"Bearer {args.token}"}
        async with httpx.AsyncClient(base_url=args.url, headers=headers, timeout=30) as http:
            return await follow(http, args.park, body, key, sys.stdout, every=args.every)

    sys.exit(0 if asyncio.run(run()) else 1)


if __name__ == "__main__":
    main()
