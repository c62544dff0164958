"""How the runtime's consumer treats a failing handler, over the real broker."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from parkops_contracts.events.leasing import UnitListed
from parkops_runtime.consumer import Delivery
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.settings import ServiceSettings, settings_for
from parkops_runtime.topics import ensure_topics
from pymongo.errors import AutoReconnect

from tests.support.events import unit_listed
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_all
from tests.support.services import eventually, isolated_settings, run_id, serving


class ProbeSettings(ServiceSettings):
    SERVICE_NAME: ClassVar[str] = "probe"
    model_config = settings_for("PROBE_")


def unit(unit_id: str) -> bytes:
    return unit_listed(unit_id).model_dump_json().encode()


ATTEMPTS = 3  # the probe's per-event retry limit for business failures


@dataclass
class Probe:
    batches: list[list[str]]
    """The event ids of each handler call, in call order (a failed call included)."""
    processed: list[str]
    dead_letter_topic: str

    def calls(self, event_id: str) -> int:
        return sum(batch.count(event_id) for batch in self.batches)


async def run_probe(infra: Infra, handler_fails: dict[str, int], exception: Exception) -> Probe:
    """Publish good-1, bad, good-2; `bad` fails `handler_fails[bad]` times with `exception`."""
    run = run_id()
    settings = isolated_settings(ProbeSettings, infra, run, handler_attempts=ATTEMPTS)
    runtime = ServiceRuntime(settings)
    probe = Probe([], [], settings.dead_letter_topic)
    failed: Counter[str] = Counter()

    async def handler(deliveries: Sequence[Delivery]) -> None:
        probe.batches.append([d.meta.id for d in deliveries])
        for d in deliveries:
            if failed[d.meta.id] < handler_fails.get(d.meta.id, 0):
                failed[d.meta.id] += 1
                raise exception
        probe.processed.extend(d.meta.id for d in deliveries)

    runtime.subscribe([UnitListed], handler)
    # All three are on the topic before the consumer starts, so its first batch holds them all and a
    # redelivery can be told from a retry of single events.
    topic = UnitListed.topic(settings.topic_prefix)
    await ensure_topics(infra.kafka_bootstrap_servers, [topic], partitions=1, replication=1)
    await produce(
        infra.kafka_bootstrap_servers,
        topic,
        [(unit(name), envelope(UnitListed, event_id=name)) for name in ("good-1", "bad", "good-2")],
        key=b"p",
    )
    async with serving(runtime.create_app("probe", [])):

        async def good_2_done() -> bool:
            return "good-2" in probe.processed

        await eventually(good_2_done)
    return probe


async def test_a_handler_that_keeps_failing_is_retried_a_bounded_number_of_times_then_dead_lettered(
    infra: Infra,
) -> None:
    probe = await run_probe(infra, {"bad": 99}, ValueError("unit u9 is not in this park"))
    assert "good-1" in probe.processed
    assert "bad" not in probe.processed
    assert ATTEMPTS <= probe.calls("bad") <= ATTEMPTS + 1  # maybe once inside its batch, then alone
    dead = await read_all(infra.kafka_bootstrap_servers, probe.dead_letter_topic, at_least=1)
    assert len(dead) == 1
    headers = {k: v.decode() for k, v in dead[0].headers}
    assert headers["ce_id"] == "bad"
    assert headers["dlq-reason"] == "handler failed 3 times: ValueError: unit u9 is not in this park"


async def test_an_unreachable_store_is_never_dead_lettered_the_batch_comes_again(infra: Infra) -> None:
    # More failures than a business failure gets (one in its batch, then ATTEMPTS alone): ordinary
    # retries would dead-letter `bad`; only redelivering the batch until the store is back passes.
    fails = ATTEMPTS + 2
    probe = await run_probe(infra, {"bad": fails}, AutoReconnect("store went away"))
    assert probe.calls("bad") == fails + 1
    assert probe.processed.count("bad") == 1
    assert probe.processed.index("bad") < probe.processed.index("good-2")  # the partition waited
    # The batch came again whole from its first offset each time, not split into single events.
    assert probe.batches[: fails + 1] == [["good-1", "bad", "good-2"]] * (fails + 1)
    assert await read_all(infra.kafka_bootstrap_servers, probe.dead_letter_topic) == []
