"""The fault suite, small (CI): real service processes, the real broker, stores that are killed.

Each scenario ends with the accounting of tests/support/fault_accounting.py: 0 lost, 0 doubled effects;
duplicate publishes only where a process really crashed. bench/faults.py runs the same, longer."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.broker_process import OwnBroker, own_broker
from tests.support.fault_accounting import Outcome, table
from tests.support.fault_consumers import sigkill_finance_and_matchmaking
from tests.support.fault_outages import broker_outage, frozen_consumer
from tests.support.fault_scenarios import (
    CI,
    duplicate_delivery,
    race_on_one_unit,
    sigkill_each_service,
    sigkill_tickets,
    store_kill,
)
from tests.support.infra import Infra


@pytest.fixture(scope="module")
def kafka_of_our_own() -> Iterator[OwnBroker]:
    """A broker the broker scenarios may stop and kill: started once for both (a JVM start is slow)."""
    with own_broker() as broker:
        yield broker


def assert_whole(outcome: Outcome) -> None:
    print("\n" + table([outcome]))
    assert (outcome.lost, outcome.doubled) == (0, 0), outcome.problems[:20]
    assert outcome.given_up == 0  # the outages here are far shorter than the client's 30 s patience
    assert not outcome.problems, outcome.problems[:20]


async def test_sigkill_of_leasing_and_kpi_under_keyed_load_loses_and_doubles_nothing(
    infra: Infra, tmp_path: Path
) -> None:
    outcome = await sigkill_each_service(infra, tmp_path, CI)
    assert_whole(outcome)
    # Copies only from the killed process's commits published but not yet deleted: the writes in flight
    # and those answered just before the kill, whose deletes were held back (`KILL_WINDOW_S`).
    assert outcome.duplicate_publishes <= CI.workers * CI.parks + outcome.answered_before_kill


async def test_sigkill_of_finance_and_matchmaking_under_keyed_load_loses_and_doubles_nothing(
    infra: Infra, tmp_path: Path
) -> None:
    outcome = await sigkill_finance_and_matchmaking(infra, tmp_path, CI)
    assert_whole(outcome)
    # leasing was not killed and finance billed after its restart: no copy on any topic is justified
    assert outcome.duplicate_publishes == 0


async def test_a_killed_store_answers_503_then_every_accepted_write_is_there(
    infra: Infra, tmp_path: Path
) -> None:
    outcome = await store_kill(infra, tmp_path, CI)
    assert_whole(outcome)
    assert outcome.duplicate_publishes == 0  # no process crashed
    assert outcome.recovery_s is not None, "no write was accepted after the store came back"


async def test_a_race_on_one_unit_across_two_processes_signs_one_lease(infra: Infra, tmp_path: Path) -> None:
    outcome = await race_on_one_unit(infra, tmp_path, CI)
    assert_whole(outcome)
    assert outcome.duplicate_publishes == 0


async def test_events_delivered_three_times_count_once_in_kpi(infra: Infra, tmp_path: Path) -> None:
    outcome = await duplicate_delivery(infra, tmp_path, CI)
    assert_whole(outcome)
    assert outcome.duplicate_publishes == 0  # leasing's own publishes, before the copies were sent


async def test_a_stopped_broker_leaves_writes_answering_and_its_outbox_drains_after(
    infra: Infra, tmp_path: Path, kafka_of_our_own: OwnBroker
) -> None:
    outcome, readiness = await broker_outage(infra, tmp_path, CI, kafka_of_our_own, kill=False)
    assert_whole(outcome)
    assert outcome.duplicate_publishes == 0  # no service crashed; the producer is idempotent
    assert readiness.checks == {"store": True, "broker": False}


async def test_a_killed_broker_leaves_writes_answering_and_its_outbox_drains_after(
    infra: Infra, tmp_path: Path, kafka_of_our_own: OwnBroker
) -> None:
    outcome, readiness = await broker_outage(infra, tmp_path, CI, kafka_of_our_own, kill=True)
    assert_whole(outcome)
    assert outcome.duplicate_publishes == 0  # the producer is idempotent: its retries are no copies
    assert readiness.checks == {"store": True, "broker": False}


async def test_a_consumer_frozen_past_its_poll_interval_loses_and_doubles_nothing(
    infra: Infra, tmp_path: Path
) -> None:
    outcome = await frozen_consumer(infra, tmp_path, CI)
    assert_whole(outcome)
    assert outcome.duplicate_publishes == 0  # only a consumer was frozen


async def test_sigkill_of_tickets_under_keyed_load_loses_and_doubles_nothing(
    infra: Infra, tmp_path: Path
) -> None:
    outcome = await sigkill_tickets(infra, tmp_path, CI)
    assert_whole(outcome)
    assert (
        outcome.duplicate_publishes <= CI.workers * CI.parks + outcome.answered_before_kill
    )  # as for leasing
