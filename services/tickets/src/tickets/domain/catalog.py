"""Categories and priorities a ticket may have; unknown values are refused listing the allowed ones."""

from enum import StrEnum
from typing import TypeVar

from parkops_contracts.events.tickets import TicketCategory, TicketPriority
from parkops_kernel.errors import Unprocessable

E = TypeVar("E", bound=StrEnum)

__all__ = ["TicketCategory", "TicketPriority", "allowed", "parse_category", "parse_priority"]


def allowed(kind: type[StrEnum]) -> str:
    return ", ".join(member.value for member in kind)


def _parse(kind: type[E], what: str, value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise Unprocessable(f"unknown {what} {value!r}; allowed: {allowed(kind)}", field=what) from None


def parse_category(value: str) -> TicketCategory:
    return _parse(TicketCategory, "category", value)


def parse_priority(value: str) -> TicketPriority:
    return _parse(TicketPriority, "priority", value)
