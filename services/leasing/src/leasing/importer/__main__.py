"""`python -m leasing.importer --park P --url URL --token T [--dry-run] FILE`.

Exit codes: 0 every row imported or already present; 2 a row refused (before any write: nothing is
imported; during the writes: the rows above it are in); 1 leasing could not be used (unreachable, the
token refused, the park unknown)."""

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import httpx

from leasing.importer.client import Leasing, Summary, Unusable, run
from leasing.importer.plan import COLUMNS, OPTIONAL, Step, TenantStep, UnitStep, plan
from leasing.importer.sheets import Refusal, read

OK, CANNOT, REFUSED = 0, 1, 2


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m leasing.importer",
        description="Import a park's units, tenants and leases from an .xlsx workbook (sheets units, "
        "tenants, leases) or a directory of units.csv, tenants.csv, leases.csv.",
    )
    parser.add_argument("file", type=Path, help="the .xlsx workbook or the directory of CSV files")
    parser.add_argument("--park", required=True, help="the park's id in leasing")
    parser.add_argument(
        "--url", default=os.environ.get("LEASING_URL"), help="leasing's base URL ($LEASING_URL)"
    )
    parser.add_argument(
        "--token", default=os.environ.get("PARKOPS_TOKEN"), help="a bearer token ($PARKOPS_TOKEN)"
    )
    parser.add_argument("--dry-run", action="store_true", help="validate and report only; write nothing")
    args = parser.parse_args(argv)
    if not args.url or not args.token:
        parser.error("--url and --token (or $LEASING_URL and $PARKOPS_TOKEN) are required")
    return args


def main(argv: Sequence[str] | None = None, transport: httpx.BaseTransport | None = None) -> int:
    args = arguments(argv)
    headers = {"Authorization": f"Bearer {args.token}"}
    with httpx.Client(base_url=args.url, headers=headers, timeout=30.0, transport=transport) as client:
        leasing = Leasing(client, args.park)
        try:
            return _import(args.file, leasing, args.dry_run)
        except Unusable as e:
            print(f"import stopped: {e}", file=sys.stderr)
            return CANNOT


def _import(path: Path, leasing: Leasing, dry_run: bool) -> int:
    if not path.exists():
        print(f"import stopped: {path} does not exist", file=sys.stderr)
        return CANNOT
    park = leasing.holdings()
    checked = plan(read(path, COLUMNS, OPTIONAL), park, date.today())
    if checked.refusals:
        _report(checked.refusals)
        print(f"{len(checked.refusals)} refused; nothing imported")
        return REFUSED
    to_write = sum(1 for s in checked.steps if _writes(s))
    if dry_run:
        present = len(checked.steps) - to_write
        print(f"dry run: {len(checked.steps)} rows valid; {to_write} to import, {present} already present")
        return OK
    summary = run(checked, leasing, park, _progress)
    _summary(summary)
    return REFUSED if summary.refused else OK


def _writes(step: Step) -> bool:
    if isinstance(step, UnitStep | TenantStep):
        return step.present is None
    return step.signs or step.terminates


def _progress(done: int, total: int, step: Step, outcome: str) -> None:
    key = (
        step.key
        if isinstance(step, UnitStep)
        else step.credit_code
        if isinstance(step, TenantStep)
        else step.ref
    )
    print(f"{done}/{total} {step.row.sheet} row {step.row.number} {key}: {outcome}", flush=True)


def _report(refusals: list[Refusal]) -> None:
    print("refused (sheet row, column: reason):")
    for refusal in refusals:
        print(f"  {refusal}")


def _summary(summary: Summary) -> None:
    if summary.refused:
        _report(summary.refused)
    print(f"imported {summary.imported}, already present {summary.present}, refused {len(summary.refused)}")


if __name__ == "__main__":
    sys.exit(main())
