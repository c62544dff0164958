"""Where kpi's view holds its memory: the scale model's history (`bench.scale_model`) folded straight into a
`KpiView` in this process (no Kafka, no HTTP), then the process's resident memory above what it held
before the fold, per event and extrapolated to the 20M events of fraction 1, beside what the ticket
tables themselves hold (the designed part) measured in the same run.

    .venv/bin/python -m bench.kpi_memory [--fraction 0.01] [--trace]

`--trace` runs under tracemalloc (several times slower) and prints the 15 largest allocation sites still
held after the fold, the 3 largest with their call paths."""

import argparse
import ctypes
import gc
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path

from kpi.view import KpiView
from parkops_contracts.envelope import CloudEventMeta
from parkops_runtime.consumer import Delivery

from bench import scale_model_ledgers  # noqa: F401  (imported first: it and scale_model import each other)
from bench.scale_model import FULL_EVENTS, GIB, Shape, history

AT = datetime(2026, 11, 1, tzinfo=UTC)
PARTITIONS = 3  # the development profile's partitions per topic: the view keeps recent ids per partition
BATCH = 2_000  # as the scale model's consumer_max_records


def rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def fold(view: KpiView, shape: Shape) -> int:
    n, batch = 0, []
    for event in history(shape, "g1"):
        meta = CloudEventMeta(id=uuid.uuid4().hex, source="/parkops/x", type=event.ce_type(), time=AT)
        batch.append(Delivery(meta, event, {}, event.topic(""), n % PARTITIONS, n))
        n += 1
        if len(batch) == BATCH:
            view.fold(batch)
            batch = []
    view.fold(batch)
    return n


def main(fraction: float, trace: bool) -> None:
    shape, view = Shape.of(fraction), KpiView()
    gc.collect()
    before = rss()
    if trace:
        tracemalloc.start(5)
    events = fold(view, shape)
    gc.collect()
    held = rss() - before
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    trimmed = rss() - before
    tables = [ledger.tickets.tickets for ledger in view.projections.ledgers_of("g1")]
    designed = sum(t.size() for t in tables)
    tickets = sum(len(t) for t in tables)
    print(f"{events:,} events folded (fraction {fraction}), {tickets:,} tickets")
    rows = [
        ("RSS above the start", held),
        ("RSS above the start after malloc_trim", trimmed),
        ("ticket tables' own bytes (baseline: the designed part)", designed),
    ]
    for name, size in rows:
        print(f"{name:58} {size / 2**20:8.1f} MiB {size / events:7.1f} B/event")
    full = held / events * FULL_EVENTS
    print(f"{'RSS per event x 20M events (goal < 2 GiB)':58} {full / GIB:8.2f} GiB")
    print(f"{'ticket tables per ticket':58} {designed / tickets:8.1f} B")
    if trace:
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        for stat in snapshot.statistics("lineno")[:15]:
            print(f"{stat.size / 2**20:8.2f} MiB {stat.count:9,} blocks  {stat.traceback[0]}")
        for stat in snapshot.statistics("traceback")[:3]:
            print(f"--- {stat.size / 2**20:.2f} MiB", *stat.traceback.format(), sep="\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    main(args.fraction, args.trace)
