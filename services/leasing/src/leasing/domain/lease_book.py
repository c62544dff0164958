"""The lease lifecycle on a park: sign, renew, terminate. No two leases occupy a unit on the same day.

Each operation checks and changes the one Park aggregate, so the document write that saves it (with
optimistic concurrency on its version) makes the check and the reservation one atomic step."""

from datetime import datetime, timedelta

from parkops_contracts.events.leasing import LeaseRenewed, LeaseSigned, LeaseTerminated
from parkops_kernel.errors import Conflict, Unprocessable

from leasing.domain.availability import ensure_free
from leasing.domain.commands import RenewLease, SignLease, TerminateLease
from leasing.domain.lease import Lease, LeaseStatus
from leasing.domain.lease_events import explained, lease_of, lease_terms, record_equity, record_occupation
from leasing.domain.park import Park
from leasing.domain.quoting import quote_for


def sign_lease(park: Park, command: SignLease, lease_id: str, at: datetime) -> Lease:
    """Sign a lease on its quote, reserving the units for its term (LeaseSigned)."""
    quote = quote_for(park, command)
    ensure_free(park, command.unit_ids, command.starts_on, quote.ends_on)
    lease = Lease.from_quote(lease_id, command.tenant_id, quote, at)
    park.leases[lease_id] = lease
    park.record(
        LeaseSigned.model_validate({**lease_terms(park, lease), "rules": explained(lease), "signed_at": at})
    )
    record_occupation(park, lease)
    record_equity(park, lease, at)
    return lease


def renew_lease(park: Park, command: RenewLease, new_lease_id: str, at: datetime) -> Lease:
    """Renew a lease by a new one that starts the day after it ends, repriced today (LeaseRenewed)."""
    lease_id = command.lease_id
    old = park.lease(lease_id)
    if old.status is not LeaseStatus.ACTIVE:
        raise Conflict(f"lease {lease_id} is {old.status.value}{_why(old)}; only an active lease is renewed")
    starts_on = old.ends_on + timedelta(days=1)
    terms = SignLease(old.tenant_id, old.unit_ids, command.term_months, starts_on, command.rent_for_equity)
    quote = quote_for(park, terms)
    ensure_free(park, old.unit_ids, starts_on, quote.ends_on)
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
    record_occupation(park, new)
    record_equity(park, new, at)
    return new


def terminate_lease(park: Park, command: TerminateLease, at: datetime) -> Lease:
    """End a lease on `terminated_on` (its last day of occupation) for `reason` (LeaseTerminated)."""
    lease_id, terminated_on, reason = command.lease_id, command.terminated_on, command.reason
    lease = park.lease(lease_id)
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
    released = {"unit_ids": lease.unit_ids, "released_area_m2": lease.area_m2}
    ended = {"terminated_on": terminated_on, "reason": reason, "terminated_at": at}
    park.record(LeaseTerminated.model_validate({**lease_of(park, lease), **released, **ended}))
    record_occupation(park, lease)  # the same spans, now ending on the termination date
    return lease


def _why(lease: Lease) -> str:
    if lease.status is LeaseStatus.RENEWED:
        return f" (by lease {lease.renewed_by})"
    if lease.status is LeaseStatus.TERMINATED and lease.termination_reason:
        return f" (on {lease.terminated_on}, {lease.termination_reason.value})"
    return ""
