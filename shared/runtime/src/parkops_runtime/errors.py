"""Errors the HTTP layer maps to status codes. Pure Python, so domain code may raise them."""


class DomainError(Exception):
    """Base of the errors a client caused; the message is shown to the client."""

    status_code = 400
    headers: dict[str, str] = {}


class Unauthorized(DomainError):
    """No valid token: the reason is shown (what is wrong with the token, never what exists)."""

    status_code = 401
    headers = {"WWW-Authenticate": "Bearer"}


class Unavailable(DomainError):
    """Something the request needs (the store, the identity provider's keys) cannot be reached now."""

    status_code = 503
    headers = {"Retry-After": "5"}


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


class Unprocessable(DomainError):
    """A request that is well-formed but breaks a rule; `field` names the input it is about."""

    status_code = 422

    def __init__(self, message: str, field: str | None = None, location: str = "body") -> None:
        super().__init__(message)
        self.field, self.location = field, location


class ConcurrencyConflict(Conflict):
    """The document changed between load and save; use cases retry on it."""
