"""The compact stores under the ledger: a ticket table that grows, a bag of event ids."""

import pickle

from kpi.domain.event_ids import IdList
from kpi.domain.ticket_table import TicketTable


def test_a_ticket_table_finds_every_ticket_put_however_it_grew_and_in_whichever_order() -> None:
    table, again = TicketTable(), TicketTable()
    tickets = {f"k{i}" if i % 2 else f"{i:032x}": f"value {i}".encode() for i in range(5_000)}
    for ticket, value in tickets.items():
        table.put(ticket, value)
    for ticket, value in reversed(tickets.items()):
        again.put(ticket, b"an earlier value")
        again.put(ticket, value)  # replaced in place
    assert len(table) == len(again) == 5_000
    assert all(table.get(t) == v for t, v in tickets.items())
    assert table.get("k-none") is None
    assert table == again
    assert pickle.loads(pickle.dumps(table)) == table
    assert sorted(table.values()) == sorted(tickets.values())
    assert sum(map(len, tickets)) + sum(map(len, tickets.values())) < table.size() < 100 * len(tickets)


def test_a_hex_ticket_id_is_kept_as_its_16_bytes_apart_from_a_text_id_of_the_same_bytes() -> None:
    hex_ids = [f"{i:031x}a" for i in range(2_000)]
    packed, text = TicketTable(), TicketTable()
    for ticket in hex_ids:
        packed.put(ticket, b"v")
        text.put(ticket.upper(), b"v")  # an id that is not lower-case hex is kept as its text
    assert text.size() - packed.size() > 15 * len(hex_ids)
    assert sorted(packed.items().items()) == [(t, b"v") for t in hex_ids]
    same_bytes = "k" * 16  # its UTF-8 is the 16 bytes of the hex id "6b6b...": a ticket of its own
    packed.put(same_bytes, b"text")
    assert packed.get("6b" * 16) is None
    packed.put("6b" * 16, b"hex")
    assert (packed.get(same_bytes), packed.get("6b" * 16)) == (b"text", b"hex")
    assert len(packed) == len(hex_ids) + 2


def test_an_id_list_holds_each_id_once_hex_packed_or_as_text() -> None:
    ids = IdList()
    hex_ids = [f"{i:032x}" for i in range(50)]
    for i in [*hex_ids, "e1", "E" * 32, *hex_ids, "e1"]:
        ids.add(i)
    assert len(ids) == 52
    assert sorted(ids) == sorted([*hex_ids, "e1", "E" * 32])
    across = bytes.fromhex(hex_ids[1])[8:] + bytes.fromhex(hex_ids[2])[:8]  # spans two packed ids
    assert across.hex() not in ids
    assert ids.remove(hex_ids[7])
    assert hex_ids[7] not in ids
    assert not ids.remove(hex_ids[7])
    assert ids.remove("e1")
    assert "e1" not in ids
    assert pickle.loads(pickle.dumps(ids)) == ids
