"""Start the billing runs of a period and follow them to the end, one progress line per poll:

    python -m finance.billing_cli --url http://localhost:8003 --token "$TOKEN" --period 2026-03 p1 p2

Each park's run is started with `Prefer: respond-async` (a run already started for that park and period
is joined, not started again) and read back from `/parks/{park}/billing-runs/{period}` — any replica
answers. Exit status 1 when a run failed."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import httpx

DONE = {"succeeded", "failed"}


def progress(period: str, runs: dict[str, dict[str, Any]]) -> str:
    """One line: parks finished, leases and invoices so far, and each park's state."""
    finished = sum(r["state"] in DONE for r in runs.values())
    done, total = sum(r["done"] for r in runs.values()), sum(r["total"] for r in runs.values())
    invoices = sum(r["invoices"] for r in runs.values())
    states = ", ".join(f"{park} {r['state']}" for park, r in runs.items())
    return (
        f"billing {period}: {finished}/{len(runs)} parks finished, {done:,}/{total:,} leases, "
        f"{invoices:,} invoices ({states})"
    )


async def follow(
    http: httpx.AsyncClient, period: str, parks: Sequence[str], out: TextIO, every: float = 1.0
) -> bool:
    """Start (or join) every park's run, then print progress until all have finished; True if all
    succeeded."""
    runs: dict[str, dict[str, Any]] = {}
    for park in parks:
        started = await http.post(
            f"/parks/{park}/billing-runs", json={"period": period}, headers={"Prefer": "respond-async"}
        )
        started.raise_for_status()
        runs[park] = started.json()
    print(progress(period, runs), file=out, flush=True)
    while not all(r["state"] in DONE for r in runs.values()):
        await asyncio.sleep(every)
        for park, run in runs.items():
            if run["state"] not in DONE:
                read = await http.get(f"/parks/{park}/billing-runs/{period}")
                read.raise_for_status()
                runs[park] = read.json()
        print(progress(period, runs), file=out, flush=True)
    for park, run in runs.items():
        if run["state"] == "failed":
            print(f"{park}: {run['error']}", file=out)
    return all(r["state"] == "succeeded" for r in runs.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parks", nargs="+", help="park ids")
    parser.add_argument("--url", default="http://localhost:8003", help="finance's base URL")
    parser.add_argument("--token", required=True, help="a staff bearer token (parkops-token)")
    parser.add_argument("--period", required=True, help="YYYY-MM")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between progress lines")
    args = parser.parse_args()

    async def run() -> bool:
        headers = {"Authorization": f"Bearer {args.token}"}
        async with httpx.AsyncClient(base_url=args.url, headers=headers, timeout=30) as http:
            return await follow(http, args.period, args.parks, sys.stdout, args.every)

    sys.exit(0 if asyncio.run(run()) else 1)


if __name__ == "__main__":
    main()
