"""The HTTP routes of the tickets service, one module per resource; routes parse, authorise (the scopes
of `tickets.access`), call the service or the queries, and answer what they answer."""

from fastapi import APIRouter

from tickets.api import actions, figures, sla, tickets
from tickets.queries import TicketQueries
from tickets.service import TicketService


def routers(service: TicketService, queries: TicketQueries) -> list[APIRouter]:
    return [
        tickets.router(service, queries),
        actions.router(service),
        figures.router(queries),
        sla.router(service, queries),
    ]
