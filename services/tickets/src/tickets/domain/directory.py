"""Who may open tickets where: the tenants and units the tickets service learnt from leasing events.

A tenant user may open tickets for a park once `TenantOnboarded` for that tenant and park was
consumed, and no longer after the last day of its leases (`LeaseTerminated`); its tickets stay
visible. A ticket for a unit names a unit of that park (of the tenant's own units for a tenant).

Park ownership and who may see a park are not decided here but by the runtime's park directory
(the runtime's access layer); this directory decides only what the tickets service adds to it."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from parkops_contracts.base import Event
from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded, UnitListed
from parkops_kernel.errors import Forbidden, NotFound, Unprocessable


@dataclass
class TenantSpace:
    group_id: str
    units: set[str] = field(default_factory=set)
    ended: dict[str, date] = field(default_factory=dict)  # unit -> last day of its lease

    def last_day(self) -> date | None:
        """None while any unit is still occupied (or the tenant holds no unit on record)."""
        if not self.ended or any(u not in self.ended for u in self.units):
            return None
        return max(self.ended.values())


class Directory:
    def __init__(self) -> None:
        self._tenants: dict[tuple[str, str], TenantSpace] = {}
        self._units: dict[str, set[str]] = {}  # park -> units
        self._tenants_of: dict[str, set[str]] = {}  # park -> tenants

    def replace_park(self, park_id: str, events: Iterable[Event]) -> None:
        """Forget what is known of the park and apply its events (all of them, in order) instead."""
        for tenant_id in self._tenants_of.pop(park_id, set()):
            self._tenants.pop((park_id, tenant_id), None)
        self._units.pop(park_id, None)
        for event in events:
            if event.park_id == park_id:
                self.apply(event)

    def apply(self, event: Event) -> None:
        if isinstance(event, TenantOnboarded):
            space = self._tenants.setdefault(
                (event.park_id, event.tenant_id), TenantSpace(group_id=event.group_id)
            )
            space.units.update(event.unit_ids)
            for unit in event.unit_ids:
                space.ended.pop(unit, None)
            self._units.setdefault(event.park_id, set()).update(event.unit_ids)
            self._tenants_of.setdefault(event.park_id, set()).add(event.tenant_id)
        elif isinstance(event, LeaseTerminated):
            leaving = self._tenants.get((event.park_id, event.tenant_id))
            if leaving is not None:
                for unit in event.unit_ids:
                    leaving.units.add(unit)
                    leaving.ended[unit] = event.terminated_on
        elif isinstance(event, UnitListed):
            self._units.setdefault(event.park_id, set()).add(event.unit_id)

    def knows_tenant(self, park_id: str, tenant_id: str) -> bool:
        return (park_id, tenant_id) in self._tenants

    def last_day(self, park_id: str, tenant_id: str) -> date | None:
        space = self._tenants.get((park_id, tenant_id))
        return space.last_day() if space else None

    def check_tenant_may_open(self, park_id: str, tenant_id: str, group_id: str, on: date) -> None:
        space = self._tenants.get((park_id, tenant_id))
        if space is None or space.group_id != group_id:
            raise NotFound(f"park {park_id} not found for tenant {tenant_id}")
        last = space.last_day()
        if last is not None and on > last:
            raise Forbidden(f"tenant {tenant_id} left park {park_id} on {last}; no new tickets")

    def check_unit(self, park_id: str, unit_id: str, tenant_id: str | None) -> None:
        """422 for a unit that is not in the park (or not the tenant's own: said alike, whether another
        tenant's unit or no unit at all)."""
        if tenant_id is not None:
            space = self._tenants.get((park_id, tenant_id))
            if space is None or unit_id not in space.units:
                raise Unprocessable(f"unit {unit_id} is not a unit of tenant {tenant_id}", field="unit_id")
        elif unit_id not in self._units.get(park_id, set()):
            raise Unprocessable(f"unit {unit_id} is not a unit of park {park_id}", field="unit_id")
