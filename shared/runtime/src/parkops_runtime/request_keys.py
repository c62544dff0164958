"""The one `Idempotency-Key` rule at the HTTP edge of every service.

Every create and every action takes the optional `Idempotency-Key` header. With it, the change is made
through `AggregateStore.change(..., idempotency=keyed(...))`: the key, a digest of what was asked and the
answer are stored in the same commit as the change; the same key and request again answer the first
answer (same status) without a second effect; the same key with another request is 409; a key is
forgotten 24 hours after its first use (`AggregateStore(keep_keys=...)`). A create whose id the caller
did not name takes its id from the key (`aggregates.keyed_id`), so a retry names the same aggregate.

Keys are scoped to the aggregate the command changes (a park, a ticket, ...) and, for creates, to the
caller's group and park: two callers' keys never meet."""

from typing import Annotated, TypeVar

from fastapi import Header
from parkops_kernel.bounds import Name
from pydantic import TypeAdapter

from parkops_runtime.aggregates import Asked, Idempotency, request_digest

R = TypeVar("R")

IdempotencyKey = Annotated[
    Name | None,
    Header(
        alias="Idempotency-Key",
        description="Makes a retry harmless: the same key and request answer the first answer and "
        "change nothing; the same key with another request is 409. 1-200 characters, one line. "
        "Scoped to what the request changes; forgotten 24 hours after its first use.",
    ),
]


def keyed(key: str | None, operation: str, terms: Asked, answer: type[R]) -> Idempotency[R] | None:
    """The idempotency of one request: None without a key (every request then has its effect)."""
    if key is None:
        return None
    return Idempotency(key, request_digest(operation, terms), TypeAdapter(answer))
