"""Errors of the runtime itself (tokens, unreachable dependencies, concurrent writes).

The business errors live in the shared kernel (`parkops_kernel.errors`); `parkops_runtime.problems`
maps both to HTTP status codes in one table."""

from parkops_kernel.errors import Conflict, DomainError


class Unauthorized(DomainError):
    """No valid token: the reason is shown (what is wrong with the token, never what exists)."""

    headers = {"WWW-Authenticate": "Bearer"}


class Unavailable(DomainError):
    """Something the request needs (the store, the identity provider's keys) cannot be reached now."""

    headers = {"Retry-After": "5"}


class ConcurrencyConflict(Conflict):
    """The document changed between load and save; use cases retry on it."""
