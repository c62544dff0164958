"""Leasing events as tests need them: valid by default, any field overridable."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from parkops_contracts.events.leasing import TenantOnboarded, UnitListed, UnitType
from parkops_contracts.events.tickets import TicketResolved
from parkops_runtime.events import OutboundEvent

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def unit_listed(
    unit_id: str, area: str = "100", park_id: str = "p1", group_id: str = "g1", **fields: Any
) -> UnitListed:
    values: dict[str, Any] = {
        "park_id": park_id,
        "group_id": group_id,
        "unit_id": unit_id,
        "building": "A",
        "floor": 1,
        "unit_number": unit_id,
        "unit_type": UnitType.OFFICE,
        "area_m2": Decimal(area),
        "listed_at": NOW,
    }
    return UnitListed.model_validate(values | fields)


def tenant_onboarded(
    tenant_id: str, unit_ids: list[str], area: str, park_id: str = "p1", group_id: str = "g1", **fields: Any
) -> TenantOnboarded:
    values: dict[str, Any] = {
        "park_id": park_id,
        "group_id": group_id,
        "tenant_id": tenant_id,
        "name": "x",
        "credit_code": "91350100M000100Y43",
        "industry_code": "C39",
        "in_leading_industry": True,
        "high_tech": False,
        "founded_on": date(2020, 1, 1),
        "headcount": 5,
        "unit_ids": unit_ids,
        "leased_area_m2": Decimal(area),
        "onboarded_at": NOW,
    }
    return TenantOnboarded.model_validate(values | fields)


def outbound(n: int) -> OutboundEvent:
    """The n-th event of an aggregate, as the outbox stores and publishes it."""
    return OutboundEvent(id=f"e{n}", topic="t", key="k", value="{}", headers={"ce_id": f"e{n}"})


def ticket_resolved(park_id: str = "p1", group_id: str = "g1", **fields: Any) -> TicketResolved:
    """A repair ticket resolved within its SLA, billable for 450.00 CNY unless told otherwise."""
    values: dict[str, Any] = {
        "park_id": park_id,
        "group_id": group_id,
        "ticket_id": "k1",
        "category": "repair",
        "resolved_at": NOW,
        "acknowledged_in_same_step": False,
        "response_seconds": 1,
        "resolution_seconds": 2,
        "response_outcome": "met",
        "resolution_outcome": "met",
        "billable": True,
        "billable_amount": Decimal("450.00"),
    }
    return TicketResolved.model_validate(values | fields)
