"""Consistency tokens (`parkops_runtime.consistency`): what a write answers and a read checks."""

import pytest
from parkops_kernel.errors import Unprocessable
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.consistency import (
    AGGREGATE_HEADER,
    VERSION_HEADER,
    Token,
    Versions,
    collecting,
    parse,
    record_write,
    render,
)
from parkops_runtime.testing import MemoryAggregates

from tests.support.tally import Tally, TallyCodec, outbound


def test_tokens_render_and_parse_back_even_with_spaces_in_an_id() -> None:
    tokens = [Token("/parkops/leasing", "park/suzhou park", 42), Token("/parkops/tickets", "ticket/t1", 3)]
    assert parse(render(tokens)) == tokens


@pytest.mark.parametrize("header", ["", "a b", "a b c", "a b 1 2", ",".join(["s a 1"] * 21)])
def test_a_header_this_platform_did_not_write_is_422_naming_it(header: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        parse(header)
    assert refused.value.field == "Parkops-Consistency-Token"


async def test_a_change_that_records_events_stamps_them_and_answers_a_token() -> None:
    memory = MemoryAggregates()
    store = AggregateStore(memory, TallyCodec(), outbound, kind="tally")
    with collecting() as written:
        await store.change("p1", lambda t: t.count(2), create=lambda: Tally("p1"))
        await store.change("p1", lambda t: t.count(3))
        await store.change("p1", lambda t: None)  # records nothing: no token, no write
    assert written.tokens == [Token("/parkops/example", "tally/p1", 2)]  # the latest per aggregate
    assert [(e.headers[AGGREGATE_HEADER], e.headers[VERSION_HEADER]) for e in memory.published] == [
        ("tally/p1", "1"),
        ("tally/p1", "2"),
    ]


def test_a_write_outside_a_request_is_not_collected() -> None:
    record_write(Token("s", "a", 1))  # a consumer's write: nobody to answer, nothing kept


def test_versions_say_whether_a_view_has_folded_a_write_and_survive_a_snapshot() -> None:
    seen = Versions()
    seen.note({"ce_source": "/parkops/example", AGGREGATE_HEADER: "tally/p1", VERSION_HEADER: "2"})
    seen.note({"ce_source": "/parkops/example"})  # an event from before tokens: nothing to note
    assert seen.reached([Token("/parkops/example", "tally/p1", 2)])
    assert not seen.reached([Token("/parkops/example", "tally/p1", 3)])
    assert not seen.reached([Token("/parkops/other", "tally/p1", 1)])
    again = Versions()
    again.restore(seen.dump())
    assert again.reached([Token("/parkops/example", "tally/p1", 2)])
