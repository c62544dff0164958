"""Runs an operator's command against a park's books and reports the events it recorded."""

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Header
from parkops_runtime.auth import Principal

from finance.domain.books import ParkBooks
from finance.schemas import CommandResult, RecordedEvent
from finance.service import FinanceService

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
Today = Callable[[], date]


def utc_today() -> date:
    return datetime.now(UTC).date()


def new_id() -> str:
    """A short id for a payment, deal, subsidy or stake the caller did not name."""
    return uuid.uuid4().hex[:12]


def cause_of(key: str | None) -> str:
    """The audit cause of a request: its Idempotency-Key (a retry has no second effect) or a fresh id."""
    return f"request:{key or uuid.uuid4().hex}"


class Commands:
    def __init__(self, finance: FinanceService, today: Today = utc_today) -> None:
        self.finance = finance
        self.today = today

    async def run(
        self, who: Principal, park_id: str, cause: str, command: Callable[[ParkBooks], object]
    ) -> CommandResult:
        def change(books: ParkBooks) -> CommandResult:
            replayed = cause in books.applied
            command(books)
            recorded = [
                RecordedEvent(type=e.event_name(), data=e.model_dump(mode="json")) for e in books.events
            ]
            return CommandResult(cause=cause, replayed=replayed, events=recorded)

        return await self.finance.write(who, park_id, change)
