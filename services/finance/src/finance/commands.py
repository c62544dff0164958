"""Runs a staff command against a park's books and reports the events it recorded; checks the tenants
and payers a command names against the park's directory before anything is written."""

import uuid
from collections.abc import Callable
from datetime import date

from parkops_kernel.errors import Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.directory import Directory

from finance.domain.books import ParkBooks
from finance.domain.payers import is_institution
from finance.schemas import CommandResult, RecordedEvent
from finance.service import FinanceService

Today = Callable[[], date]


def new_id() -> str:
    """A short id for a payment, deal, subsidy or stake the caller did not name."""
    return uuid.uuid4().hex[:12]


def cause_of(key: str | None) -> str:
    """The audit cause of a request: its Idempotency-Key (a retry has no second effect) or a fresh id."""
    return f"request:{key or uuid.uuid4().hex}"


class Commands:
    def __init__(self, finance: FinanceService, directory: Directory, today: Today) -> None:
        self.finance = finance
        self.directory = directory
        self.today = today

    async def tenant(self, access: ParkAccess, tenant_id: str, field: str) -> str:
        """A tenant of the park in the directory (leasing's record), else 422 naming the field."""
        found = await self.directory.tenant(access.park_id, tenant_id)
        if found is None or found.group_id != access.group_id:
            raise Unprocessable(f"{field}: unknown tenant of this park", field)
        return tenant_id

    async def payer(self, access: ParkAccess, payer_id: str, field: str = "payer_id") -> str:
        """A tenant of the park, or an institution named as such (see `finance.domain.payers`)."""
        return payer_id if is_institution(payer_id) else await self.tenant(access, payer_id, field)

    async def run(
        self, access: ParkAccess, cause: str, command: Callable[[ParkBooks], object]
    ) -> CommandResult:
        def change(books: ParkBooks) -> CommandResult:
            replayed = cause in books.applied
            command(books)
            recorded = [
                RecordedEvent(type=e.event_name(), data=e.model_dump(mode="json")) for e in books.events
            ]
            return CommandResult(cause=cause, replayed=replayed, events=recorded)

        return await self.finance.write(access.park, change)
