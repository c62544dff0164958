"""Use cases of the leasing service: one method per command, each a change of the park's parts
(`leasing.park_parts`: the park, its units' books, its lease files) through the runtime's AggregateStore
(one change of an aggregate at a time, the retry of a change that lost a race, state and events in one
commit, the Idempotency-Key rule). A lease's sign, renewal or termination changes its units' books and
its lease file, never the park, so its cost does not grow with the park. Who may call what is decided before
(`leasing.access`): a `ParkAccess` is a park in scope, and every caller that reaches a write is staff or
the park's group admin, so the answers are told in full.

Every command takes the request's `Idempotency-Key` (`parkops_runtime.request_keys`): the key is kept
with the aggregate the command commits (the park; for a lease's commands its lease file) for 24 hours
beside a digest of the command and the first answer, which a retry gets
again without a second effect; the same key with another command is 409. A park registered with a key
and no id of its caller's takes its id from the key and group, so a retry names the same park."""

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from parkops_contracts.base import Event
from parkops_kernel.errors import Conflict, DomainError
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import Idempotency, keyed_id
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.ids import new_id
from parkops_runtime.request_keys import keyed

from leasing.domain import commands, lease_book, park_admin, queries
from leasing.domain.lease import Lease
from leasing.domain.lease_file import LeaseFile, renewal_id
from leasing.domain.months import lease_end
from leasing.domain.park import Park
from leasing.domain.space import Unit
from leasing.domain.tenancy import CreditCodeClaim
from leasing.park_parts import ParkParts, file_id
from leasing.repository import ClaimStore
from leasing.schemas.leases import Commitment, LeasePublic, PricingPolicy
from leasing.schemas.space import ParkPublic, TenantPublic, UnitPublic, YearlyMetrics

if TYPE_CHECKING:
    from _typeshed import DataclassInstance as Command  # one of `leasing.domain.commands`

R = TypeVar("R")
T = TypeVar("T")


class LeasingService:
    def __init__(self, parts: ParkParts, claims: ClaimStore, clock: Clock = utc_now) -> None:
        self._parts = parts
        self._parks = parts.parks
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

        return await self._change(scope, onboard, _keyed(key, command, TenantPublic), command.unit_ids)

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
            other = await self._parts.park(looked_at)
            seen = await self._parts.with_leases(other) if other else None
            holder = seen.current_tenant(credit_code, at.date()) if seen else None

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
        """SignLease: reserve the units for the term at the quoted rent (LeaseSigned): the lease is
        worked out on the park seen with its units' leases, its units claimed, then its file written
        with its events (`leasing.park_parts`). A keyed request names the same lease on every retry."""
        park_id = scope.park_id
        lease_id = keyed_id(key, park_id, "lease") if key else new_id()
        idempotency, own_file = _keyed(key, command, LeasePublic), file_id(park_id, lease_id)
        first = await self._parts.files.answered(own_file, idempotency)
        if first is not None:
            return first
        span = _term(command.starts_on, command.term_months)

        async def prepare(park: Park) -> tuple[Lease, list[Event]]:
            seen = await self._parts.with_leases(park, command.unit_ids, span)
            return lease_book.sign_lease(seen, command, lease_id, self._clock()), seen.take_events()

        try:
            lease, events = await self._on_park(park_id, prepare)
        except DomainError as refusal:
            return await self._answered_since(own_file, idempotency, refusal)

        def record(file: LeaseFile) -> LeasePublic:
            file.record_all(events)
            return _lease(scope, file.lease)

        await self._parts.claim(park_id, lease)
        # Not released when the write fails: its outcome is unknown (a commit stored as the store failed
        # is finished later by its writer, or an earlier attempt's by another replica), and freeing the
        # units could let another lease take them under it. A claim whose lease never lands is dropped
        # by the next claim once abandoned (`leasing.domain.unit_book`).
        return await self._parts.write_lease(park_id, lease, record, idempotency)

    async def renew_lease(
        self, scope: ParkAccess, command: commands.RenewLease, key: str | None
    ) -> LeasePublic:
        """RenewLease: a new lease from the day after this one ends (LeaseRenewed). Its units are
        claimed first; then one commit of the renewed lease's file marks it renewed, keeps the new lease
        and its events; then the new lease's own file is written (`leasing.domain.lease_file`)."""
        park_id, idempotency, at = scope.park_id, _keyed(key, command, LeasePublic), self._clock()
        old_key = file_id(park_id, command.lease_id)
        first = await self._parts.files.answered(old_key, idempotency)
        if first is not None:
            return first
        new_id = renewal_id(park_id, command.lease_id)

        async def prepare(park: Park) -> tuple[Park, dict[str, Lease], Lease]:
            old = await self._parts.lease(park, command.lease_id)
            span = _term(old.ends_on + timedelta(days=1), command.term_months)
            leases = await self._parts.leases_of(park_id, old.unit_ids, span)
            others = {x: lease for x, lease in leases.items() if x != old.lease_id}  # those in the way
            seen = park.with_leases({**others, old.lease_id: old.model_copy()})  # the copy is renewed
            return park, others, lease_book.renew_lease(seen, command, new_id, at)  # refusals first

        try:
            park, others, preview = await self._on_park(park_id, prepare)
        except DomainError as refusal:
            return await self._answered_since(old_key, idempotency, refusal)
        made: list[Lease] = []
        refusals = _Refusals()

        def renew(file: LeaseFile) -> LeasePublic:
            now = park.with_leases({**others, file.lease.lease_id: file.lease})
            made.append(lease_book.renew_lease(now, command, new_id, at))
            file.renewal = made[-1]
            file.record_all(now.take_events())
            return _lease(scope, made[-1])

        await self._parts.claim(park_id, preview)
        try:
            answer = await self._parts.change_lease(
                park_id, command.lease_id, refusals.noted(renew), idempotency
            )
        except DomainError as failure:
            if failure in refusals:  # any other failure leaves the outcome unknown, as for a sign
                await self._release_unless_renewed(park_id, old_key, new_id, preview.unit_ids)
            raise
        await self._parts.write_lease(park_id, made[-1], _unchanged, None)
        return answer

    async def _release_unless_renewed(
        self, park_id: str, old_key: str, new_id: str, units: list[str]
    ) -> None:
        """The stored file refused the renewal: its claims are released unless the file is renewed by this
        very id all the same (another request's renewal takes the same id)."""
        renewed = await self._parts.files.get(old_key)
        if renewed is None or renewed.renewal is None or renewed.renewal.lease_id != new_id:
            await self._parts.release(park_id, new_id, units)

    async def terminate_lease(
        self, scope: ParkAccess, command: commands.TerminateLease, key: str | None
    ) -> LeasePublic:
        """TerminateLease: end a lease on a date for a reason (LeaseTerminated), in its file; then its
        units' books hold it only to that date."""
        park_id, idempotency, at = scope.park_id, _keyed(key, command, LeasePublic), self._clock()
        key_of = file_id(park_id, command.lease_id)
        first = await self._parts.files.answered(key_of, idempotency)
        if first is not None:
            return first

        async def find(park: Park) -> Park:
            await self._parts.lease(park, command.lease_id)  # 404 for a lease the park never had
            return park

        park = await self._on_park(park_id, find)
        ended: list[Lease] = []

        def terminate(file: LeaseFile) -> LeasePublic:
            now = park.with_leases({file.lease.lease_id: file.lease})
            ended.append(lease_book.terminate_lease(now, command, at))
            file.record_all(now.take_events())
            return _lease(scope, ended[-1])

        answer = await self._parts.change_lease(park_id, command.lease_id, terminate, idempotency)
        if ended:
            await self._parts.hold_until(park_id, ended[-1])
        return answer

    async def start_renovation(
        self, scope: ParkAccess, command: commands.StartRenovation, key: str | None
    ) -> UnitPublic:
        """StartRenovation: the unit is off the market until its renovation is recorded; its book first
        (the check against a lease being signed at the same time), then the park."""
        park_id, unit_id, idempotency = scope.park_id, command.unit_id, _keyed(key, command, UnitPublic)
        first = await self._parks.answered(park_id, idempotency)
        if first is not None:
            return first
        (await self._parts.require(park_id)).unit(unit_id)  # 404 before any write
        await self._parts.start_renovation(park_id, unit_id, self._today())
        refusals = _Refusals()

        def start(park: Park) -> UnitPublic:
            unit = park_admin.start_renovation(park, command, self._today())
            return _unit(scope, park, unit, self._today())

        try:
            return await self._change(scope, refusals.noted(start), idempotency, [unit_id])
        except DomainError as failure:
            # The book let again only when the stored park refused and does not have the unit under
            # renovation; any other failure leaves the park's outcome unknown (as for a sign).
            if failure in refusals and not (await self._parts.require(park_id)).unit(unit_id).renovating:
                await self._parts.set_renovating(park_id, unit_id, False)
            raise

    async def renovate_unit(
        self, scope: ParkAccess, command: commands.RenovateUnit, key: str | None
    ) -> UnitPublic:
        """RenovateUnit: the unit gets its own base rent (UnitRenovated); then its book lets it again."""
        answer = await self._change(
            scope,
            lambda park: _unit(
                scope, park, park_admin.renovate_unit(park, command, self._clock()), self._today()
            ),
            _keyed(key, command, UnitPublic),
            [command.unit_id],
        )
        await self._parts.set_renovating(scope.park_id, command.unit_id, False)
        return answer

    async def report_metrics(
        self, scope: ParkAccess, command: commands.ReportMetrics, key: str | None
    ) -> YearlyMetrics:
        """ReportTenantMetrics: a tenant's yearly figures (TenantMetricsReported)."""

        def report(park: Park) -> YearlyMetrics:
            park_admin.report_metrics(park, command, self._clock())
            return YearlyMetrics.of(command.metrics)

        return await self._change(scope, report, _keyed(key, command, YearlyMetrics))

    async def _on_park(self, park_id: str, fn: Callable[[Park], Awaitable[T]]) -> T:
        """`fn` on the park as this replica remembers it; a refusal is confirmed on the stored park
        (another replica may have onboarded the tenant or listed the unit meanwhile), as the
        AggregateStore confirms a change's refusal."""
        park = await self._parts.require(park_id)
        try:
            return await fn(park)
        except DomainError:
            stored = await self._parts.require(park_id, current=True)
            if stored is park:
                raise
            return await fn(stored)

    async def _answered_since(
        self, key_of: str, idempotency: Idempotency[LeasePublic] | None, refusal: DomainError
    ) -> LeasePublic:
        """A lease command refused, unless it is a retry whose first attempt was stored since this one
        looked for its key: that attempt's answer was lost (the store failed after its commit) and its
        writer, another replica, finished the commit meanwhile, so the retry meets its own lease (a
        unit held by it, a lease renewed by it). Its first answer stands; else the refusal."""
        first = await self._parts.files.answered(key_of, idempotency)
        if first is None:
            raise refusal
        return first

    def _today(self) -> date:
        return self._clock().date()

    async def _change(
        self,
        scope: ParkAccess,
        fn: Callable[[Park], R],
        idempotency: Idempotency[R] | None,
        unit_ids: list[str] | None = None,
    ) -> R:
        """Change the park; `fn` sees it with the leases of `unit_ids` (kept in their own files)."""
        park = await self._parts.require(scope.park_id)  # migrated from the one-document layout first
        leases = await self._parts.leases_of(park.park_id, unit_ids or [])

        def seen(park: Park) -> R:
            park.leases = leases
            try:
                return fn(park)
            finally:
                park.leases = {}  # stored in their files, never with the park

        return await self._parks.change(scope.park_id, seen, idempotency=idempotency)


class _Refusals:
    """The refusals a change's function raised, told apart from the change's other failures (the store
    unreachable, a version raced too often), after which the change's outcome is unknown."""

    def __init__(self) -> None:
        self._seen: list[DomainError] = []

    def noted(self, fn: Callable[[T], R]) -> Callable[[T], R]:
        def noting(part: T) -> R:
            try:
                return fn(part)
            except DomainError as refusal:
                self._seen.append(refusal)
                raise

        return noting

    def __contains__(self, failure: DomainError) -> bool:
        return any(failure is seen for seen in self._seen)


def _keyed(key: str | None, command: "Command", answer: type[R]) -> Idempotency[R] | None:
    """The Idempotency-Key rule for a command: its operation is the command's name, its terms the
    command's fields."""
    return keyed(key, type(command).__name__, command, answer)


def _unit(scope: ParkAccess, park: Park, unit: Unit, on: date) -> UnitPublic:
    """The unit as it stands on the day of the change (only staff reach a write: the occupant is told)."""
    status, occupant = queries.unit_status(park, unit, on), queries.occupant(park, unit.unit_id, on)
    return UnitPublic.of(unit, park_id=scope.park_id, status=status, tenant_id=occupant)


def _term(starts_on: date, term_months: int) -> tuple[date, date] | None:
    """The days a lease would hold (None: a term the domain refuses, with its own 422)."""
    try:
        return starts_on, lease_end(starts_on, term_months)
    except (ValueError, OverflowError):
        return None


def _unchanged(_: LeaseFile) -> None:
    return None


def _lease(scope: ParkAccess, lease: Lease) -> LeasePublic:
    return LeasePublic.of(
        lease, park_id=scope.park_id, total_rent=lease.total_rent, schedule=lease.schedule()
    )
