"""The lease lifecycle on a park: sign, renew, terminate. No two leases occupy a unit on the same day.

Each operation checks and changes the one Park aggregate, so the document write that saves it (with
optimistic concurrency on its version) makes the check and the reservation one atomic step."""

from datetime import date, datetime, timedelta

from parkops_contracts.events.leasing import (
    LeaseRenewed,
    LeaseSigned,
    LeaseTerminated,
    TerminationReason,
)
from parkops_kernel.errors import Conflict, Unprocessable

from leasing.domain.availability import ensure_free
from leasing.domain.idempotency import Operation, remember, renew_terms, replayed, sign_terms, terminate_terms
from leasing.domain.lease import Lease, LeaseStatus
from leasing.domain.lease_events import explained, lease_terms, record_equity
from leasing.domain.park import Park
from leasing.domain.quote import RentForEquity
from leasing.domain.quoting import quote_for
from leasing.domain.space import UnitStatus


def sign_lease(
    park: Park,
    lease_id: str,
    tenant_id: str,
    unit_ids: list[str],
    term_months: int,
    starts_on: date,
    rent_for_equity: RentForEquity | None,
    at: datetime,
    idempotency_key: str | None = None,
) -> Lease:
    """Sign a lease on its quote, reserving the units for its term (LeaseSigned)."""
    terms = sign_terms(tenant_id, unit_ids, term_months, starts_on)
    if first := replayed(park.request_keys, idempotency_key, Operation.SIGN_LEASE, terms):
        return park.leases[first]
    quote = quote_for(park, tenant_id, unit_ids, term_months, starts_on, rent_for_equity)
    ensure_free(park, unit_ids, tenant_id, starts_on, quote.ends_on)
    lease = Lease.from_quote(lease_id, tenant_id, quote, at)
    park.leases[lease_id] = lease
    remember(park.request_keys, idempotency_key, Operation.SIGN_LEASE, terms, lease_id, at)
    park.record(
        LeaseSigned.model_validate({**lease_terms(park, lease), "rules": explained(lease), "signed_at": at})
    )
    record_equity(park, lease, at)
    return lease


def renew_lease(
    park: Park,
    lease_id: str,
    new_lease_id: str,
    term_months: int,
    rent_for_equity: RentForEquity | None,
    at: datetime,
    idempotency_key: str | None = None,
) -> Lease:
    """Renew a lease by a new one that starts the day after it ends, repriced today (LeaseRenewed)."""
    old = park.lease(lease_id)
    terms = renew_terms(lease_id, term_months)
    if first := replayed(park.request_keys, idempotency_key, Operation.RENEW_LEASE, terms):
        return park.leases[first]
    if old.status is not LeaseStatus.ACTIVE:
        raise Conflict(f"lease {lease_id} is {old.status.value}{_why(old)}; only an active lease is renewed")
    starts_on = old.ends_on + timedelta(days=1)
    quote = quote_for(park, old.tenant_id, old.unit_ids, term_months, starts_on, rent_for_equity)
    ensure_free(park, old.unit_ids, old.tenant_id, starts_on, quote.ends_on)
    new = Lease.from_quote(
        new_lease_id,
        old.tenant_id,
        quote,
        at,
        renewal_of=lease_id,
        renewal_number=old.renewal_number + 1,
    )
    old.status, old.renewed_by = LeaseStatus.RENEWED, new_lease_id
    park.leases[new_lease_id] = new
    remember(park.request_keys, idempotency_key, Operation.RENEW_LEASE, terms, new_lease_id, at)
    park.record(
        LeaseRenewed.model_validate(
            {
                **lease_terms(park, new),
                "previous_lease_id": lease_id,
                "renewal_number": new.renewal_number,
                "rules": explained(new),
                "renewed_at": at,
            }
        )
    )
    record_equity(park, new, at)
    return new


def terminate_lease(
    park: Park,
    lease_id: str,
    terminated_on: date,
    reason: TerminationReason,
    at: datetime,
    idempotency_key: str | None = None,
) -> Lease:
    """End a lease on `terminated_on` (its last day of occupation) for `reason` (LeaseTerminated)."""
    lease = park.lease(lease_id)
    terms = terminate_terms(lease_id, terminated_on, reason)
    if replayed(park.request_keys, idempotency_key, Operation.TERMINATE_LEASE, terms):
        return lease  # the same termination again: nothing new happens
    if lease.status is not LeaseStatus.ACTIVE:
        raise Conflict(f"lease {lease_id} is already {lease.status.value}{_why(lease)}")
    if not lease.starts_on <= terminated_on <= lease.ends_on:
        raise Unprocessable(
            f"terminated_on: {terminated_on} is outside the lease term {lease.starts_on} to {lease.ends_on}",
            field="terminated_on",
        )
    lease.status, lease.terminated_on, lease.termination_reason = (
        LeaseStatus.TERMINATED,
        terminated_on,
        reason,
    )
    remember(park.request_keys, idempotency_key, Operation.TERMINATE_LEASE, terms, lease_id, at)
    for unit in (park.units[u] for u in lease.unit_ids):
        if unit.tenant_id == lease.tenant_id:  # a claim from onboarding ends with the lease
            unit.status, unit.tenant_id = UnitStatus.AVAILABLE, None
    park.record(
        LeaseTerminated(
            park_id=park.park_id,
            group_id=park.group_id,
            lease_id=lease_id,
            tenant_id=lease.tenant_id,
            unit_ids=lease.unit_ids,
            released_area_m2=lease.area_m2,
            terminated_on=terminated_on,
            reason=reason,
            terminated_at=at,
        )
    )
    return lease


def _why(lease: Lease) -> str:
    if lease.status is LeaseStatus.RENEWED:
        return f" (by lease {lease.renewed_by})"
    if lease.status is LeaseStatus.TERMINATED and lease.termination_reason:
        return f" (on {lease.terminated_on}, {lease.termination_reason.value})"
    return ""
