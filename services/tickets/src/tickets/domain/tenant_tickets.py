"""A tenant's tickets: the read model that answers `GET /tickets` without reading every ticket.

One document per tenant (of a group), keyed by `_id`, naming the tenant's tickets and when each was
opened. A ticket's tenant never changes, so the list only grows: a ticket is added before the ticket is
written, and a name whose ticket was never written (the write failed after) is skipped by the reader."""

from datetime import datetime

from pydantic import BaseModel, Field


def list_id(group_id: str, tenant_id: str) -> str:
    return f"{group_id}|{tenant_id}"


class TenantTickets(BaseModel):
    group_id: str
    tenant_id: str
    opened: dict[str, datetime] = Field(default_factory=dict, description="Ticket id -> opened at.")

    def add(self, tickets: dict[str, datetime]) -> None:
        """Name these tickets (again: no change)."""
        self.opened.update(tickets)

    def newest_first(self) -> list[str]:
        return sorted(self.opened, key=lambda t: (self.opened[t], t), reverse=True)
