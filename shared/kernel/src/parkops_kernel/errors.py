"""Errors of the business rules. Plain exceptions: the domain knows nothing of HTTP, and the runtime
maps each kind to a status code once (`parkops_runtime.problems`)."""


class DomainError(Exception):
    """Base of the errors a client caused; the message is shown to the client."""


class NotFound(DomainError):
    """The thing named does not exist, or is out of the caller's scope (which must look the same)."""


class Conflict(DomainError):
    """The request contradicts the state it met (a unit already let, a key reused for another body)."""


class Forbidden(DomainError):
    """The caller's role may not do this to a thing it may see."""


class Unprocessable(DomainError):
    """A request that is well-formed but breaks a rule; `field` names the input it is about."""

    def __init__(self, message: str, field: str | None = None, location: str = "body") -> None:
        super().__init__(message)
        self.field, self.location = field, location
