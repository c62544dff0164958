"""Use cases of pricing, commitments, leases, renovations and tenant metrics.

Every change goes through `LeasingService.change`: load the park, apply a domain operation, write the
park and its events in one document write guarded by `_version`; the loser of a race reloads and
re-checks, so it sees the winner's lease and is refused with 409. Who may call what is decided before
(`leasing.access`)."""

from datetime import date
from decimal import Decimal

from parkops_contracts.events.leasing import TerminationReason
from parkops_runtime.access import ParkAccess
from parkops_runtime.ids import new_id

from leasing.domain import lease_book, park_admin
from leasing.domain.commitments import Commitment
from leasing.domain.lease import Lease
from leasing.domain.park import Park
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import Quote, RentForEquity
from leasing.domain.quoting import quote_for
from leasing.domain.space import Unit
from leasing.domain.tenants import Tenant, YearlyMetrics
from leasing.service import LeasingService


class LeaseService:
    def __init__(self, leasing: LeasingService) -> None:
        self._leasing = leasing

    def today(self) -> date:
        return self._leasing.now().date()

    async def park(self, scope: ParkAccess) -> Park:
        return await self._leasing.park(scope)

    async def set_pricing_policy(self, scope: ParkAccess, policy: PricingPolicy) -> PricingPolicy:
        """SetPricingPolicy: a group admin sets base rents and the park's rates."""
        return await self._leasing.change(scope, lambda p: park_admin.set_pricing_policy(p, policy))

    async def quote(
        self,
        scope: ParkAccess,
        tenant_id: str,
        unit_ids: list[str],
        term_months: int,
        starts_on: date,
        equity: RentForEquity | None,
    ) -> Quote:
        """QuoteLease: the explained rent schedule the park would sign today. Changes nothing."""
        park = await self.park(scope)
        return quote_for(park, tenant_id, unit_ids, term_months, starts_on, equity)

    async def register_commitment(self, scope: ParkAccess, commitment: Commitment) -> Commitment:
        """RegisterCommitment: record what a government body or the operator promised."""
        today = self.today()
        return await self._leasing.change(
            scope, lambda p: park_admin.register_commitment(p, commitment, today)
        )

    async def sign(
        self,
        scope: ParkAccess,
        tenant_id: str,
        unit_ids: list[str],
        term_months: int,
        starts_on: date,
        equity: RentForEquity | None,
        idempotency_key: str | None,
    ) -> Lease:
        """SignLease: reserve the units for the term at the quoted rent (LeaseSigned)."""
        lease_id, at = new_id(), self._leasing.now()
        return await self._leasing.change(
            scope,
            lambda p: lease_book.sign_lease(
                p, lease_id, tenant_id, unit_ids, term_months, starts_on, equity, at, idempotency_key
            ),
        )

    async def renew(
        self,
        scope: ParkAccess,
        lease_id: str,
        term_months: int,
        equity: RentForEquity | None,
        idempotency_key: str | None = None,
    ) -> Lease:
        """RenewLease: a new lease from the day after this one ends (LeaseRenewed)."""
        new_lease_id, at = new_id(), self._leasing.now()
        return await self._leasing.change(
            scope,
            lambda p: lease_book.renew_lease(
                p, lease_id, new_lease_id, term_months, equity, at, idempotency_key
            ),
        )

    async def terminate(
        self,
        scope: ParkAccess,
        lease_id: str,
        on: date,
        reason: TerminationReason,
        idempotency_key: str | None = None,
    ) -> Lease:
        """TerminateLease: end a lease on a date for a reason (LeaseTerminated)."""
        at = self._leasing.now()
        return await self._leasing.change(
            scope, lambda p: lease_book.terminate_lease(p, lease_id, on, reason, at, idempotency_key)
        )

    async def start_renovation(self, scope: ParkAccess, unit_id: str) -> Unit:
        """StartRenovation: the unit is off the market until its renovation is recorded."""
        today = self.today()
        return await self._leasing.change(scope, lambda p: park_admin.start_renovation(p, unit_id, today))

    async def renovate(self, scope: ParkAccess, unit_id: str, base_rent: Decimal) -> Unit:
        """RenovateUnit: the unit gets its own base rent (UnitRenovated)."""
        today, at = self.today(), self._leasing.now()
        return await self._leasing.change(
            scope, lambda p: park_admin.renovate_unit(p, unit_id, base_rent, today, at)
        )

    async def report_metrics(self, scope: ParkAccess, tenant_id: str, metrics: YearlyMetrics) -> Tenant:
        """ReportTenantMetrics: a tenant's yearly figures (TenantMetricsReported)."""
        at = self._leasing.now()
        return await self._leasing.change(
            scope, lambda p: park_admin.report_metrics(p, tenant_id, metrics, at)
        )
