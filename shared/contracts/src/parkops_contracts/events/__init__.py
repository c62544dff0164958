"""Every published event contract, by CloudEvents type."""

from parkops_contracts.base import Event
from parkops_contracts.events.leasing import ParkRegistered, TenantOnboarded, UnitListed

ALL_EVENTS: tuple[type[Event], ...] = (ParkRegistered, UnitListed, TenantOnboarded)
BY_CE_TYPE: dict[str, type[Event]] = {cls.ce_type(): cls for cls in ALL_EVENTS}

__all__ = ["ALL_EVENTS", "BY_CE_TYPE", "ParkRegistered", "TenantOnboarded", "UnitListed"]
