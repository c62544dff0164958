"""Python's garbage collector, tuned for a service that holds large models in memory.

A full collection walks every container object the process holds. finance keeps the books of the parks
it served in memory and matchmaking its match indexes: millions of small objects, so at the default
thresholds (700, 10, 10) a billing run of 100,000 leases spent a sixth of its time collecting, in pauses
of up to 2.4 s, and a meeting plan of 10,000 needs paused for up to 2.8 s — pauses that stop the event
loop, whatever slices the work is cut into (`bench.finance_billing` and `bench.matchmaking_bench` print
them). Collecting the young generation every 50,000 allocations instead of 700 (and the older ones
correspondingly less often) made the billing run's collections 0.3 s in all, each under 100 ms. kpi's
fold makes a few short-lived objects per event (envelope, contract instance, delivery): at the default a
third of its CPU went to collections finding nothing (over the scale model's history). Cyclic garbage
lives a little longer; memory otherwise freed by reference counting is unaffected."""

import gc

THRESHOLDS = (50_000, 20, 100)


def collect_less_often() -> None:
    """Set the process's collector thresholds to `THRESHOLDS` (process-wide: call from a composition
    root)."""
    gc.set_threshold(*THRESHOLDS)
