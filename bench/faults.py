"""The fault suite, longer: the scenarios of tests/faults at a larger scale, and the table for the note.

    .venv/bin/python -m bench.faults [--ops N] [--workers N] [--parks N] [--outage S] [--race N]

Each row: keyed writes sent, the faults injected, writes given up by the client (never answered, even
after retries; not lost), writes lost (accepted but missing), doubled effects, duplicate publishes
(records beyond the distinct ce_ids) and recovery time (see each scenario's docstring for what it
counts from). The baseline row is the same load without a fault, in the same run: its duplicate
publishes (0) are what the faulted rows compare with."""

import argparse
import asyncio
import tempfile
from dataclasses import replace
from pathlib import Path

from tests.support.broker_process import own_broker
from tests.support.fault_accounting import Outcome, check_store, check_topic, sent, table
from tests.support.fault_consumers import sigkill_finance_and_matchmaking
from tests.support.fault_load import KeyedLoad
from tests.support.fault_outages import broker_outage, frozen_consumer
from tests.support.fault_scenarios import (
    LEASING,
    LONG,
    Scale,
    duplicate_delivery,
    fleet,
    race_on_one_unit,
    sigkill_each_service,
    sigkill_tickets,
    store_kill,
)
from tests.support.infra import Infra
from tests.support.kafka import delete_topics_of_runs
from tests.support.services import RUNS


async def no_fault(infra: Infra, logs: Path, scale: Scale) -> Outcome:
    """The baseline: the same keyed load over two leasing processes, nothing killed."""
    async with fleet(infra, logs) as f:
        leasing = [await f.start(LEASING, f"leasing-{i}") for i in range(2)]
        parks = await f.parks(leasing[0].base, scale.parks)
        ledger = await KeyedLoad(
            [p.base for p in leasing], f.admin, parks, scale.ops, scale.workers, f.run
        ).run()
        outcome = Outcome("baseline (no fault)", sent(ledger), "none", 0)
        await check_store(outcome, ledger, leasing[0].base, f.admin)
        await check_topic(outcome, ledger, infra.kafka_bootstrap_servers, f.prefix)
        return outcome


async def main(scale: Scale) -> None:
    infra = Infra.from_env()
    print(f"broker {infra.kafka_bootstrap_servers}, shared store {infra.mongodb_url} (FerretDB); {scale}")
    print("broker stop/kill: on a broker of the suite's own (scripts/infra, own ports and data)")
    outcomes: list[Outcome] = []

    def report(outcome: Outcome) -> None:
        outcomes.append(outcome)
        print(outcome.row(), flush=True)
        for problem in outcome.problems[:10]:
            print(f"    {problem}")

    with tempfile.TemporaryDirectory(prefix="parkops-faults-") as logs:
        try:
            for scenario in (
                no_fault,
                sigkill_each_service,
                sigkill_finance_and_matchmaking,
                sigkill_tickets,
                store_kill,
                race_on_one_unit,
                duplicate_delivery,
                frozen_consumer,
            ):
                report(await scenario(infra, Path(logs), scale))
            with own_broker() as broker:
                for kill in (False, True):
                    outcome, readiness = await broker_outage(infra, Path(logs), scale, broker, kill)
                    report(outcome)
                    print(f"    readiness while the broker was down: 503, checks {readiness.checks}")
        finally:
            await delete_topics_of_runs(infra.kafka_bootstrap_servers, RUNS)
    print()
    print(table(outcomes))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=LONG.ops)
    parser.add_argument("--workers", type=int, default=LONG.workers)
    parser.add_argument("--parks", type=int, default=LONG.parks)
    parser.add_argument("--outage", type=float, default=LONG.outage_s)
    parser.add_argument("--race", type=int, default=LONG.race)
    a = parser.parse_args()
    asyncio.run(
        main(replace(LONG, ops=a.ops, workers=a.workers, parks=a.parks, outage_s=a.outage, race=a.race))
    )
