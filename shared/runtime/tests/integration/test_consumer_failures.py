"""How the runtime's consumer treats a failing handler, over the real broker."""

from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

from parkops_contracts.events import UnitListed
from parkops_runtime.consumer import Delivery
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.settings import ServiceSettings, settings_for
from pymongo.errors import AutoReconnect

from tests.support.events import unit_listed
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_topic
from tests.support.services import eventually, isolated_settings, run_id, serving


class ProbeSettings(ServiceSettings):
    SERVICE_NAME: ClassVar[str] = "probe"
    model_config = settings_for("PROBE_")


def unit(unit_id: str) -> bytes:
    return unit_listed(unit_id).model_dump_json().encode()


async def run_probe(
    infra: Infra, handler_fails: dict[str, int], exception: Exception
) -> tuple[list[str], Counter[str], str]:
    """Publish good-1, bad, good-2; `bad` fails `handler_fails[bad]` times with `exception`."""
    run = run_id()
    settings = isolated_settings(ProbeSettings, infra, run, handler_attempts=3)
    runtime = ServiceRuntime(settings)
    processed: list[str] = []
    calls: Counter[str] = Counter()

    async def handler(deliveries: Sequence[Delivery]) -> None:
        for d in deliveries:
            calls[d.meta.id] += 1
            if calls[d.meta.id] <= handler_fails.get(d.meta.id, 0):
                raise exception
        processed.extend(d.meta.id for d in deliveries)

    runtime.subscribe([UnitListed], handler)
    async with serving(runtime.create_app("probe", [])):
        await produce(
            infra.kafka_bootstrap_servers,
            UnitListed.topic(settings.topic_prefix),
            [(unit(name), envelope(UnitListed, event_id=name)) for name in ("good-1", "bad", "good-2")],
            key=b"p",
        )

        async def good_2_done() -> bool:
            return "good-2" in processed

        await eventually(good_2_done)
    return processed, calls, settings.dead_letter_topic


async def test_a_handler_that_keeps_failing_is_retried_a_bounded_number_of_times_then_dead_lettered(
    infra: Infra,
) -> None:
    processed, calls, dlq = await run_probe(infra, {"bad": 99}, ValueError("unit u9 is not in this park"))
    assert "good-1" in processed
    assert "bad" not in processed
    assert 3 <= calls["bad"] <= 4  # maybe once inside its batch, then exactly 3 attempts alone
    dead = await read_topic(infra.kafka_bootstrap_servers, dlq, at_least=1)
    assert len(dead) == 1
    headers = {k: v.decode() for k, v in dead[0].headers}
    assert headers["ce_id"] == "bad"
    assert headers["dlq-reason"] == "handler failed 3 times: ValueError: unit u9 is not in this park"


async def test_an_unreachable_store_is_never_dead_lettered_the_batch_comes_again(infra: Infra) -> None:
    processed, calls, dlq = await run_probe(infra, {"bad": 2}, AutoReconnect("store went away"))
    assert processed.count("bad") == 1
    assert calls["bad"] == 3
    assert await read_topic(infra.kafka_bootstrap_servers, dlq, at_least=1, timeout_s=2) == []
