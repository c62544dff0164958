"""`scripts/reconcile --park P --period 2026`: the reconciliation of one park and period, printed.

Exit 0 when every figure agrees, 1 when any differs, 2 when it cannot run (a service unreachable, the
park unknown, a bad period): a message on stderr, never a traceback. Defaults: the local platform
(`scripts/platform`: ports 8001-8005) and a group admin token of the demo group signed with the
development secret, as `scripts/demo.py` mints it."""

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence

import httpx
from parkops_runtime.auth import Role, TokenCodec
from parkops_runtime.settings import DEV_JWT_SECRET

from scripts.reconciliation.compare import Report, render
from scripts.reconciliation.periods import BadPeriod, Period, parse
from scripts.reconciliation.read import reconciliation
from scripts.reconciliation.sources import SERVICES, CannotReconcile, Sources

DEMO_GROUP = "demo-group"
LOCAL = {name: f"http://127.0.0.1:{8001 + i}" for i, name in enumerate(SERVICES)}


def demo_token() -> str:
    return TokenCodec(DEV_JWT_SECRET, "parkops").mint("reconciliation", Role.GROUP_ADMIN, DEMO_GROUP)


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/reconcile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--park", required=True)
    parser.add_argument("--period", required=True, help="YYYY, YYYY-Qn or YYYY-MM")
    parser.add_argument("--token", help=f"bearer token (default: a group admin of {DEMO_GROUP})")
    parser.add_argument(
        "--settle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="ask again, for up to SECONDS, while there are differences (consumers catching up after a "
        "burst of events); the last answer is printed (default 0: ask once)",
    )
    for name, url in LOCAL.items():
        parser.add_argument(f"--{name}", default=url, metavar="URL", help=f"default {url}")
    return parser.parse_args(argv)


async def run(urls: dict[str, str], token: str, park: str, period: Period, settle: float = 0) -> Report:
    """The reconciliation, asked again every second while it differs, until `settle` seconds are over."""
    clients = {name: httpx.AsyncClient(base_url=url, timeout=30) for name, url in urls.items()}
    deadline = time.monotonic() + settle
    try:
        while True:
            sources = Sources(clients, {"Authorization": f"Bearer {token}"})
            report = await reconciliation(sources, park, period)
            if not report.differences or time.monotonic() >= deadline:
                return report
            await asyncio.sleep(1)
    finally:
        for client in clients.values():
            await client.aclose()


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    urls = {name: getattr(args, name) for name in SERVICES}
    try:
        period = parse(args.period)
        report = asyncio.run(run(urls, args.token or demo_token(), args.park, period, args.settle))
    except (BadPeriod, CannotReconcile) as exc:
        print(f"reconcile: {exc}", file=sys.stderr)
        return 2
    print(render(report, f"reconciliation of park {args.park}, period {period.label}"))
    return 1 if report.differences else 0
