"""Errors the HTTP layer maps to status codes. Pure Python, so domain code may raise them."""


class DomainError(Exception):
    """Base of the errors a client caused; the message is shown to the client."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


class Unprocessable(DomainError):
    status_code = 422


class ConcurrencyConflict(Conflict):
    """The document changed between load and save; use cases retry on it."""
