"""Every published event contract, by CloudEvents type: each service's module lists what it publishes."""

from parkops_contracts.base import Event
from parkops_contracts.events import finance, kpi, leasing, matchmaking, tickets

ALL_EVENTS: tuple[type[Event], ...] = (
    leasing.PUBLISHED + matchmaking.PUBLISHED + tickets.PUBLISHED + finance.PUBLISHED + kpi.PUBLISHED
)
BY_CE_TYPE: dict[str, type[Event]] = {cls.ce_type(): cls for cls in ALL_EVENTS}

__all__ = ["ALL_EVENTS", "BY_CE_TYPE"]
