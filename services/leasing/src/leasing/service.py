"""Use cases of the leasing service: one method per command, each one change of one park through the
runtime's AggregateStore (one change of a park at a time, the retry of a change that lost a race, state
and events in one commit, the Idempotency-Key rule). Who may call what is decided before
(`leasing.access`): a `ParkAccess` is a park in scope, and every caller that reaches a write is staff or
the park's group admin, so the answers are told in full.

Every command takes the request's `Idempotency-Key` (`parkops_runtime.request_keys`): the key is kept
with the park for 24 hours beside a digest of the command and the first answer, which a retry gets
again without a second effect; the same key with another command is 409. A park registered with a key
and no id of its caller's takes its id from the key and group, so a retry names the same park."""

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from parkops_kernel.errors import Conflict
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import Idempotency, keyed_id
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.ids import new_id
from parkops_runtime.request_keys import keyed

from leasing.domain import commands, lease_book, park_admin, queries
from leasing.domain.lease import Lease
from leasing.domain.park import Park
from leasing.domain.space import Unit
from leasing.domain.tenancy import CreditCodeClaim
from leasing.repository import ClaimStore, ParkStore
from leasing.schemas.leases import Commitment, LeasePublic, PricingPolicy
from leasing.schemas.space import ParkPublic, TenantPublic, UnitPublic, YearlyMetrics

if TYPE_CHECKING:
    from _typeshed import DataclassInstance as Command  # one of `leasing.domain.commands`

R = TypeVar("R")


class LeasingService:
    def __init__(self, parks: ParkStore, claims: ClaimStore, clock: Clock = utc_now) -> None:
        self._parks = parks
        self._claims = claims
        self._clock = clock

    async def register_park(self, command: commands.RegisterPark, key: str | None) -> ParkPublic:
        """RegisterPark: a group admin adds a park to its group.

        Park ids are one namespace for every group, so an id already registered, by this group or
        another, is 409 "park id … is taken", naming only the id the caller chose: the existing park is
        neither read out nor changed, and another group's key is never compared with it."""
        park_id = command.park_id or (keyed_id(key, command.group_id, "park") if key else new_id())
        taken = Conflict(f"park id {park_id} is taken")
        existing = await self._parks.get(park_id)
        if existing is not None and existing.group_id != command.group_id:
            raise taken
        made: list[Park] = []

        def create() -> Park:
            made.append(Park.register(command, park_id, self._clock()))
            return made[-1]

        def answer(park: Park) -> ParkPublic:
            if not made or park is not made[-1]:
                raise taken
            return ParkPublic.of(park, unit_count=0, tenant_count=0)

        return await self._parks.change(
            park_id, answer, create=create, idempotency=_keyed(key, command, ParkPublic)
        )

    async def list_unit(self, scope: ParkAccess, command: commands.ListUnit, key: str | None) -> UnitPublic:
        """ListUnit: put a unit of lettable space on the market (UnitListed)."""
        unit_id = new_id()
        return await self._change(
            scope,
            lambda park: _unit(scope, park, park.list_unit(command, unit_id, self._clock()), self._today()),
            _keyed(key, command, UnitPublic),
        )

    async def onboard_tenant(
        self, scope: ParkAccess, command: commands.OnboardTenant, key: str | None
    ) -> TenantPublic:
        """OnboardTenant: register an enterprise as a tenant (TenantOnboarded); its credit code first
        claimed for this park in the group (`CreditCodeClaim`), then the park changed. A keyed request
        names the same tenant on every retry, so the claim and the park agree."""
        tenant_id = keyed_id(key, scope.park_id, "tenant") if key else new_id()
        await self._claim_credit_code(scope, command.profile.credit_code, tenant_id)

        def onboard(park: Park) -> TenantPublic:
            tenant = park.onboard_tenant(command, tenant_id, self._clock())
            return TenantPublic.of(tenant, park_id=scope.park_id, onboarded_on=tenant.onboarding_day)

        return await self._change(scope, onboard, _keyed(key, command, TenantPublic))

    async def _claim_credit_code(self, scope: ParkAccess, credit_code: str, tenant_id: str) -> None:
        """409 naming credit_code when the enterprise is a current tenant of another park of the group.

        The claim is written before the park: if the park's write then fails (a refusal, a crash), the
        claim names a park where the code is no tenant, which holds nothing, so a retry here or in
        another park of the group takes it again."""
        park_id, group_id, at = scope.park_id, scope.group_id, self._clock()
        claim_id = f"{group_id}/{credit_code}"
        claim = await self._claims.get(claim_id)
        looked_at = claim.park_id if claim else None
        holder = None
        if looked_at is not None and looked_at != park_id:
            other = await self._parks.get(looked_at)
            holder = other.current_tenant(credit_code, at.date()) if other else None

        def create() -> CreditCodeClaim:
            fields = {"group_id": group_id, "credit_code": credit_code, "tenant_id": tenant_id}
            return CreditCodeClaim.model_validate(
                fields | {"claim_id": claim_id, "park_id": park_id, "claimed_at": at}
            )

        await self._claims.change(
            claim_id, lambda c: c.take(park_id, tenant_id, looked_at, holder, at), create=create
        )

    async def set_pricing_policy(
        self, scope: ParkAccess, command: commands.SetPricingPolicy, key: str | None
    ) -> PricingPolicy:
        """SetPricingPolicy: a group admin sets base rents and the park's rates."""
        return await self._change(
            scope,
            lambda park: PricingPolicy.of(park_admin.set_pricing_policy(park, command)),
            _keyed(key, command, PricingPolicy),
        )

    async def register_commitment(
        self, scope: ParkAccess, command: commands.RegisterCommitment, key: str | None
    ) -> Commitment:
        """RegisterCommitment: record what a government body or the operator promised."""
        commitment_id, today = new_id(), self._clock().date()
        return await self._change(
            scope,
            lambda park: Commitment.of(park_admin.register_commitment(park, command, commitment_id, today)),
            _keyed(key, command, Commitment),
        )

    async def sign_lease(
        self, scope: ParkAccess, command: commands.SignLease, key: str | None
    ) -> LeasePublic:
        """SignLease: reserve the units for the term at the quoted rent (LeaseSigned)."""
        lease_id = new_id()
        return await self._change(
            scope,
            lambda park: _lease(scope, lease_book.sign_lease(park, command, lease_id, self._clock())),
            _keyed(key, command, LeasePublic),
        )

    async def renew_lease(
        self, scope: ParkAccess, command: commands.RenewLease, key: str | None
    ) -> LeasePublic:
        """RenewLease: a new lease from the day after this one ends (LeaseRenewed)."""
        lease_id = new_id()
        return await self._change(
            scope,
            lambda park: _lease(scope, lease_book.renew_lease(park, command, lease_id, self._clock())),
            _keyed(key, command, LeasePublic),
        )

    async def terminate_lease(
        self, scope: ParkAccess, command: commands.TerminateLease, key: str | None
    ) -> LeasePublic:
        """TerminateLease: end a lease on a date for a reason (LeaseTerminated)."""
        return await self._change(
            scope,
            lambda park: _lease(scope, lease_book.terminate_lease(park, command, self._clock())),
            _keyed(key, command, LeasePublic),
        )

    async def start_renovation(
        self, scope: ParkAccess, command: commands.StartRenovation, key: str | None
    ) -> UnitPublic:
        """StartRenovation: the unit is off the market until its renovation is recorded."""
        return await self._change(
            scope,
            lambda park: _unit(
                scope, park, park_admin.start_renovation(park, command, self._today()), self._today()
            ),
            _keyed(key, command, UnitPublic),
        )

    async def renovate_unit(
        self, scope: ParkAccess, command: commands.RenovateUnit, key: str | None
    ) -> UnitPublic:
        """RenovateUnit: the unit gets its own base rent (UnitRenovated)."""
        return await self._change(
            scope,
            lambda park: _unit(
                scope, park, park_admin.renovate_unit(park, command, self._clock()), self._today()
            ),
            _keyed(key, command, UnitPublic),
        )

    async def report_metrics(
        self, scope: ParkAccess, command: commands.ReportMetrics, key: str | None
    ) -> YearlyMetrics:
        """ReportTenantMetrics: a tenant's yearly figures (TenantMetricsReported)."""

        def report(park: Park) -> YearlyMetrics:
            park_admin.report_metrics(park, command, self._clock())
            return YearlyMetrics.of(command.metrics)

        return await self._change(scope, report, _keyed(key, command, YearlyMetrics))

    def _today(self) -> date:
        return self._clock().date()

    async def _change(
        self, scope: ParkAccess, fn: Callable[[Park], R], idempotency: Idempotency[R] | None
    ) -> R:
        return await self._parks.change(scope.park_id, fn, idempotency=idempotency)


def _keyed(key: str | None, command: "Command", answer: type[R]) -> Idempotency[R] | None:
    """The Idempotency-Key rule for a command: its operation is the command's name, its terms the
    command's fields."""
    return keyed(key, type(command).__name__, command, answer)


def _unit(scope: ParkAccess, park: Park, unit: Unit, on: date) -> UnitPublic:
    """The unit as it stands on the day of the change (only staff reach a write: the occupant is told)."""
    status, occupant = queries.unit_status(park, unit, on), queries.occupant(park, unit.unit_id, on)
    return UnitPublic.of(unit, park_id=scope.park_id, status=status, tenant_id=occupant)


def _lease(scope: ParkAccess, lease: Lease) -> LeasePublic:
    return LeasePublic.of(
        lease, park_id=scope.park_id, total_rent=lease.total_rent, schedule=lease.schedule()
    )
