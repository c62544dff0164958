"""Matchmaking engine: top-10 latency for one need over 100,000 offerings, a meeting batch of
10,000 needs, and precision@10 on the labelled synthetic set beside a keyword-only and a random
baseline measured in the same run.

The engine answers from its in-memory index (rebuilt from the store at start-up), so no store is on
the query path; the figures are pure CPU on this machine.

Usage: .venv/bin/python -m bench.matchmaking_bench [--offerings 100000] [--needs 10000]
"""

import argparse
import asyncio
import gc
import os
import platform
import statistics
import time

from matchmaking.domain.matcher import MatchIndex
from matchmaking.domain.meeting_plan import best_per_pair, plan_meeting, ranked_for
from matchmaking.domain.profiles import Need
from matchmaking.engine_evaluation.labelled_set import generate
from matchmaking.engine_evaluation.precision import (
    build_index,
    engine_ranker,
    keyword_ranker,
    precision_at_k,
    random_ranker,
)
from matchmaking.service import NEEDS_PER_SLICE
from parkops_runtime.collector import collect_less_often
from parkops_runtime.slices import in_slices


def batch(index: MatchIndex, needs: list[Need]) -> tuple[float, int]:
    """Seconds for top-10 of every need plus pair deduplication; and the number of proposals.

    One process: forking workers that share the 100k-offering index cost more (copy-on-write of the
    touched heap, pickled results) than they saved on a 2-core machine in our runs."""
    started = time.perf_counter()
    proposals = plan_meeting(index, needs, 10)
    return time.perf_counter() - started, len(proposals)


async def sliced_batch(index: MatchIndex, needs: list[Need]) -> tuple[float, int, float, float]:
    """The batch as the service plans a meeting: `NEEDS_PER_SLICE` needs at a time, the event loop
    free between slices; seconds, proposals, the loop's worst wait (a 10 ms timer's lateness) and the
    garbage collector's worst pause."""
    worst = 0.0

    async def probe() -> None:
        nonlocal worst
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            worst = max(worst, time.perf_counter() - started - 0.01)

    collector = {"worst": 0.0, "started": 0.0}

    def collecting(phase: str, _: dict[str, int]) -> None:  # the collector stops the loop too
        if phase == "start":
            collector["started"] = time.perf_counter()
        else:
            collector["worst"] = max(collector["worst"], time.perf_counter() - collector["started"])

    probing = asyncio.create_task(probe())
    gc.callbacks.append(collecting)
    await asyncio.sleep(0)
    started = time.perf_counter()
    ranked = []
    async for part in in_slices(needs, NEEDS_PER_SLICE):
        ranked.extend(ranked_for(index, part, 10))
    proposals = best_per_pair(ranked)
    took = time.perf_counter() - started
    probing.cancel()
    gc.callbacks.remove(collecting)
    return took, len(proposals), worst, collector["worst"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--latency-needs", type=int, default=1_000)
    parser.add_argument("--precision-needs", type=int, default=1_000)
    args = parser.parse_args()
    collect_less_often()  # as matchmaking's composition root does
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")

    started = time.perf_counter()
    data = generate(args.offerings, args.needs, seed=2026)
    took = time.perf_counter() - started
    print(f"generated {len(data.offerings):,} offerings, {len(data.needs):,} needs in {took:.1f} s")
    started = time.perf_counter()
    index = build_index(data)
    index.top(data.needs[0], 10)  # first query normalises the index
    print(f"index built in {time.perf_counter() - started:.1f} s")

    samples = []
    for need in data.needs[: args.latency_needs]:
        t0 = time.perf_counter()
        index.top(need, 10)
        samples.append((time.perf_counter() - t0) * 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    print(f"top-10 for one need over {len(data.offerings):,} offerings ({len(samples)} needs): "
          f"p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms, max {max(samples):.1f} ms "
          "(target p95 < 50 ms)")  # fmt: skip

    seconds, proposals = batch(index, data.needs)
    print(f"meeting batch of {len(data.needs):,} needs, top-10 each, pairs deduplicated, before (in one "
          f"go: the event loop waits {seconds:.1f} s): {seconds:.1f} s, {proposals:,} proposals, one "
          "process (target < 60 s)")  # fmt: skip
    seconds, proposals, worst, collected = asyncio.run(sliced_batch(index, data.needs))
    print(f"meeting batch of {len(data.needs):,} needs, after ({NEEDS_PER_SLICE} needs per slice, as the "
          f"service plans a meeting): {seconds:.1f} s, {proposals:,} proposals, event loop waited at most "
          f"{worst * 1000:.0f} ms (the garbage collector's worst pause: {collected * 1000:.0f} ms) "
          "(target < 60 s)")  # fmt: skip

    subset = data.needs[: args.precision_needs]
    for name, ranker in (
        ("engine", engine_ranker(index)),
        ("keyword-only baseline", keyword_ranker(data)),
        ("random baseline", random_ranker(data)),
    ):
        print(f"precision@10 {name}: {precision_at_k(data, ranker, 10, subset):.3f} over {len(subset)} needs")


if __name__ == "__main__":
    main()
