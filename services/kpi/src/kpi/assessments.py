"""Use cases that publish: operator assessments and low-efficiency scans.

Each is stored as an aggregate created once (its id names park and period, or park and day) with its
events in the same commit, so it is published through the outbox and can never be published twice or
changed: a second attempt is a 409. An auditor reading it gets it beside a recomputation from the facts.
The caller's access (`parkops_runtime.access`) has already resolved the park and its owning group."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from parkops_contracts.base import Event
from parkops_contracts.events.kpi import (
    KpiResult,
    KpiTargetMissed,
    LowEfficiencySpaceFlagged,
    OperatorBonusEarned,
)
from parkops_kernel.errors import Conflict, NotFound, Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.clock import Clock
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import AggregateCollection

from kpi.domain.assessment import assess
from kpi.domain.efficiency import low_tax_tenants, vacant_units
from kpi.domain.ledger import ParkLedger
from kpi.domain.periods import parse_period
from kpi.domain.tenancy import TenancyView
from kpi.scorecards import Scorecards

Outbound = Callable[[Event], OutboundEvent]


class Assessments:
    def __init__(
        self,
        scorecards: Scorecards,
        assessments: AggregateCollection,
        scans: AggregateCollection,
        outbound: Outbound,
        clock: Clock,
    ) -> None:
        self._scorecards = scorecards
        self._assessments = assessments
        self._scans = scans
        self._outbound = outbound
        self._clock = clock

    def assessment_event(self, ledger: ParkLedger, label: str, at: datetime) -> Event:
        """OperatorBonusEarned or KpiTargetMissed for the period, from the facts known now."""
        period = parse_period(label)
        agreement = self._scorecards.terms.get(ledger.park_id, ledger.group_id).agreement
        if agreement is None:
            raise Unprocessable(f"park {ledger.park_id} has no operator agreement")
        card = self._scorecards.card(ledger, period)
        result = assess(card, agreement)
        results = [KpiResult(kpi=r.kpi, value=r.value, target=r.target, met=r.met) for r in result.results]
        ids: dict[str, Any] = {
            "park_id": ledger.park_id,
            "group_id": ledger.group_id,
            "assessment_id": f"{ledger.park_id}:{period.label}",
            "period": period.label,
            "results": results,
            "overall_score": card.overall,
            "assessed_at": at,
        }
        if result.bonus is None:
            return KpiTargetMissed(**ids, missed=result.missed)
        return OperatorBonusEarned(
            **ids,
            bonus_basis=agreement.bonus_basis.value,
            basis_amount=result.basis_amount,
            bonus_share=agreement.bonus_share,
            amount=result.bonus,
        )

    async def publish(self, access: ParkAccess, label: str) -> dict[str, Any]:
        park_id = access.park_id
        ledger = self._scorecards.ledger(access)
        event = self.assessment_event(ledger, label, self._clock())
        doc = {
            "park_id": park_id,
            "group_id": ledger.group_id,
            "period": parse_period(label).label,
            "type": event.event_name(),
            "event": event.model_dump(mode="json"),
            "published_by": access.who.subject,
        }
        try:
            await self._assessments.insert(f"{park_id}:{label}", doc, [self._outbound(event)])
        except ConcurrencyConflict as exc:
            raise Conflict(f"the assessment of {park_id} for {label} is published and immutable") from exc
        return doc

    async def get(self, access: ParkAccess, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The published assessment and the same assessment recomputed from the facts known now.

        One stored under the park id by another group (before parks were checked) is not the owner's."""
        park_id = access.park_id
        ledger = self._scorecards.ledger(access)
        parse_period(label)
        doc = await self._assessments.get(f"{park_id}:{label}")
        if doc is None or doc["group_id"] != access.group_id:
            raise NotFound(f"no assessment of {park_id} for {label}")
        published = doc["event"]
        again = self.assessment_event(ledger, label, datetime.fromisoformat(published["assessed_at"]))
        return doc, again.model_dump(mode="json")

    async def scan(
        self, access: ParkAccess, as_of: date, max_vacant_days: int, min_tax_per_m2: Decimal
    ) -> list[LowEfficiencySpaceFlagged]:
        park_id = access.park_id
        ledger = self._scorecards.ledger(access)
        view = TenancyView(ledger)
        now = self._clock()
        flags = vacant_units(view, as_of, max_vacant_days) + low_tax_tenants(view, as_of, min_tax_per_m2)
        events = [
            LowEfficiencySpaceFlagged(
                park_id=park_id,
                group_id=ledger.group_id,
                flag_id=f"{park_id}:{as_of}:{f.unit_id or f.tenant_id}",
                reason=f.reason,
                unit_id=f.unit_id,
                tenant_id=f.tenant_id,
                vacant_days=f.vacant_days,
                tax_per_m2=f.tax_per_m2,
                threshold=f.threshold,
                as_of=as_of,
                flagged_at=now,
            )
            for f in flags
        ]
        doc = {
            "park_id": park_id,
            "group_id": ledger.group_id,
            "as_of": as_of.isoformat(),
            "flags": [e.model_dump(mode="json") for e in events],
        }
        try:
            await self._scans.insert(f"{park_id}:{as_of}", doc, [self._outbound(e) for e in events])
        except ConcurrencyConflict as exc:
            raise Conflict(f"park {park_id} was already scanned as of {as_of}") from exc
        return events
