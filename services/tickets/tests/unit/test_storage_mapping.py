from datetime import timedelta
from decimal import Decimal

from parkops_contracts.events.tickets import SlaTarget
from tickets.domain.due_index import AUTO_CLOSE
from tickets.domain.work import Labour
from tickets.repository import TicketCodec, due_entries

from .factory import T0, new_ticket

H = timedelta(hours=1)


def test_a_ticket_survives_the_round_trip_through_its_document() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0 + H)
    ticket.record_work([Labour(technician="li", hours=Decimal("1.5"), hourly_rate=Decimal(80))], [])
    ticket.resolve(T0 + 2 * H, billable=True, auto_close_at=T0 + 100 * H)
    doc = {"_id": ticket.ticket_id, "_version": 3, "_keys": [], **TicketCodec().encode(ticket)}
    assert doc["auto_close_at"] == T0 + 100 * H  # a BSON date, not a string
    assert TicketCodec().decode(doc).model_dump() == ticket.model_dump()


def test_a_document_of_the_earlier_key_scheme_still_decodes() -> None:
    ticket = new_ticket()
    doc = {"_id": ticket.ticket_id, "_version": 2, **TicketCodec().encode(ticket), "version": 2}
    doc["applied_requests"] = ["work-1", "work-2"]  # the last 100 keys a ticket kept before
    assert TicketCodec().decode(doc).model_dump() == ticket.model_dump()


def test_due_entries_of_a_stored_document_skip_claimed_targets() -> None:
    ticket = new_ticket()
    ticket.note_breach(SlaTarget.RESPONSE, T0 + 3 * H)
    doc = {"_id": ticket.ticket_id, **TicketCodec().encode(ticket)}
    assert [(e.target, e.due) for e in due_entries(doc)] == [("resolution", T0 + 48 * H)]
    ticket.resolve(T0 + 40 * H, billable=False, auto_close_at=T0 + 200 * H, acknowledge=True)
    doc = {"_id": ticket.ticket_id, **TicketCodec().encode(ticket)}
    assert [(e.target, e.due) for e in due_entries(doc)] == [(AUTO_CLOSE, T0 + 200 * H)]


def test_auto_close_only_after_the_delay_and_only_unrated() -> None:
    ticket = new_ticket()
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 10 * H, acknowledge=True)
    assert not ticket.auto_close(T0 + 9 * H)
    assert ticket.auto_close(T0 + 10 * H)
    assert ticket.state == "closed"
    assert not ticket.auto_close(T0 + 11 * H)
