"""Idempotency keys of the park's writes: a client that lost an answer sends the request again.

The park records each key with the operation it was first sent for, a digest of that request's terms
and the id of what it made or changed. The same key with the same operation and terms answers that
object again and changes nothing (no second event); with anything else it is 409 naming the key. The
record is part of the park aggregate, so keys are scoped to the park (and so to its group: no other
group's caller reaches the park), and it is written in the same commit as the change it guards:
concurrent duplicates race for the park's version like any other write, and the loser, reloading,
finds the key. Keys are kept for the life of the park (no expiry yet)."""

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from parkops_kernel.digest import Terms, digest
from parkops_kernel.errors import Conflict
from pydantic import BaseModel


class Operation(StrEnum):
    REGISTER_PARK = "register_park"
    LIST_UNIT = "list_unit"
    ONBOARD_TENANT = "onboard_tenant"
    SIGN_LEASE = "sign_lease"
    RENEW_LEASE = "renew_lease"
    TERMINATE_LEASE = "terminate_lease"


_MADE = {
    Operation.REGISTER_PARK: "park",
    Operation.LIST_UNIT: "unit",
    Operation.ONBOARD_TENANT: "tenant",
    Operation.SIGN_LEASE: "lease",
    Operation.RENEW_LEASE: "renewal",
    Operation.TERMINATE_LEASE: "termination of lease",
}


class KeyUse(BaseModel):
    operation: Operation
    terms: str  # digest of the request's terms: a retry must repeat them exactly
    result_id: str  # the unit, tenant or lease it made or changed
    at: datetime | None = None  # None: recorded on a lease before keys had their own record


def replayed(keys: Mapping[str, KeyUse], key: str | None, operation: Operation, terms: Terms) -> str | None:
    """The id the key's first request made, when this is its retry; None for a new (or no) key."""
    use = keys.get(key) if key is not None else None
    if use is None:
        return None
    if (use.operation, use.terms) != (operation, digest(terms)):
        raise Conflict(
            f"idempotency key {key} was used for {_MADE[use.operation]} {use.result_id} with other terms"
        )
    return use.result_id


def remember(
    keys: dict[str, KeyUse],
    key: str | None,
    operation: Operation,
    terms: Terms,
    result_id: str,
    at: datetime,
) -> None:
    if key is not None:
        keys[key] = KeyUse(operation=operation, terms=digest(terms), result_id=result_id, at=at)


def keyed_park_id(group_id: str, key: str) -> str:
    """The id of the park a group registers with this key and no `park_id`: a retry names the same
    park, so the store's unique insert of that id decides which of concurrent duplicates registers it.
    32 hex digits like generated ids; the group is part of it, so groups' keys never meet."""
    return hashlib.sha256(f"{group_id}\n{key}".encode()).hexdigest()[:32]


def register_terms(group_id: str, name: str, park_type: str, leading_industries: list[str]) -> Terms:
    return {"group_id": group_id, "name": name, "park_type": park_type, "industries": leading_industries}


def sign_terms(tenant_id: str, unit_ids: list[str], term_months: int, starts_on: date | str) -> Terms:
    return {"tenant_id": tenant_id, "unit_ids": unit_ids, "term_months": term_months, "starts_on": starts_on}


def renew_terms(lease_id: str, term_months: int) -> Terms:
    return {"lease_id": lease_id, "term_months": term_months}


def terminate_terms(lease_id: str, terminated_on: date | str, reason: str) -> Terms:
    return {"lease_id": lease_id, "terminated_on": terminated_on, "reason": reason}


def adopt_lease_keys(park: dict[str, Any]) -> dict[str, Any]:
    """A park stored while keys lived on its leases (`idempotency_key`, `termination_key`): the same
    keys in the park's record, with the terms they were used with, so their retries still replay."""
    if "request_keys" in park:
        return park
    keys: dict[str, KeyUse] = {}
    for lease in park.get("leases", {}).values():
        if not isinstance(lease, dict):  # built in code, not read from the store
            continue
        lease_id = lease["lease_id"]
        if key := lease.pop("idempotency_key", None):
            if lease.get("renewal_of"):
                op, terms = Operation.RENEW_LEASE, renew_terms(lease["renewal_of"], lease["term_months"])
            else:
                op = Operation.SIGN_LEASE
                terms = sign_terms(
                    lease["tenant_id"], lease["unit_ids"], lease["term_months"], lease["starts_on"]
                )
            keys[key] = KeyUse(operation=op, terms=digest(terms), result_id=lease_id)
        if key := lease.pop("termination_key", None):
            terms = terminate_terms(lease_id, lease["terminated_on"], lease["termination_reason"])
            keys[key] = KeyUse(operation=Operation.TERMINATE_LEASE, terms=digest(terms), result_id=lease_id)
    return {**park, "request_keys": keys}
