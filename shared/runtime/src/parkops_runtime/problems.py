"""One error body for every service: RFC 9457 problem details (`application/problem+json`).

Every error a client can get — a rule broken in the domain, a request that fails validation, a missing
token, an unknown route, an unreachable store — answers with `type`, `title`, `status`, `detail` and, on
422, the list of field errors. The OpenAPI document declares them on every operation, so a generated
client knows them. An unexpected exception is a 500 problem that tells nothing of the internals."""

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from parkops_kernel.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from pydantic import BaseModel, Field, ValidationError
from pymongo.errors import ConnectionFailure
from starlette.exceptions import HTTPException

from parkops_runtime.breaker import StoreUnavailable
from parkops_runtime.errors import Unauthorized, Unavailable

MEDIA_TYPE = "application/problem+json"
DOCUMENTED = (400, 401, 403, 404, 409, 422, 503)
log = structlog.get_logger(__name__)
# The one place a kind of error becomes a status code; a subclass answers as its nearest listed base.
STATUS: dict[type[DomainError], int] = {
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Unprocessable: 422,
    Unavailable: 503,
}


def status_of(exc: DomainError) -> int:
    """The HTTP status of a domain or runtime error: 400 for a rule broken of no listed kind."""
    return next((STATUS[kind] for kind in type(exc).__mro__ if kind in STATUS), 400)


class FieldError(BaseModel):
    field: str = Field(description="The input's name, dotted for nested fields (`unit_ids.0`).")
    location: str = Field(description="`body`, `query`, `path` or `header`.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(description="A URI that names the kind of problem.")
    title: str = Field(description="The HTTP status's phrase.")
    status: int
    detail: str = Field(description="What went wrong, for a person.")
    errors: list[FieldError] | None = Field(default=None, description="The fields at fault (422 only).")


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": HTTPStatus(code).phrase} for code in DOCUMENTED
}


def problem_response(
    status: int,
    detail: str,
    errors: Sequence[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    phrase = HTTPStatus(status).phrase
    body = Problem(
        type=f"urn:parkops:problem:{phrase.lower().replace(' ', '-')}",
        title=phrase,
        status=status,
        detail=detail,
        errors=list(errors) if errors is not None else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, headers=headers, media_type=MEDIA_TYPE
    )


def field_errors(errors: Sequence[Any]) -> list[FieldError]:
    found = []
    for error in errors:
        location, *path = [str(part) for part in error.get("loc", ())] or ["body"]
        if location not in ("body", "query", "path", "header", "cookie"):
            location, path = "body", [location, *path]
        found.append(FieldError(field=".".join(path) or location, location=location, message=error["msg"]))
    return found


def _invalid(errors: list[FieldError]) -> JSONResponse:
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return problem_response(422, f"invalid request: {detail}", errors)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    errors = None
    if isinstance(exc, Unprocessable) and exc.field:
        errors = [FieldError(field=exc.field, location=exc.location, message=str(exc))]
    return problem_response(status_of(exc), str(exc), errors, getattr(exc, "headers", None))


async def _request_invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem_response(400, "the request body is not valid JSON")
    return _invalid(field_errors(raw))


async def _model_invalid(_: Request, exc: Exception) -> JSONResponse:
    """A value that passed the request model but not a model built from it (an event, a record)."""
    assert isinstance(exc, ValidationError)
    return _invalid(field_errors(exc.errors()))


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem_response(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}) or None)


async def _store_unreachable(_: Request, exc: Exception) -> JSONResponse:
    """The request that meets an outage first (later ones are stopped by the store breaker)."""
    log.warning("store unreachable", error=str(exc))
    return problem_response(
        503, "the store is unreachable; try again shortly", headers=StoreUnavailable.headers
    )


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=exc)
    return problem_response(500, "internal error; it has been logged")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(ValidationError, _model_invalid)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(ConnectionFailure, _store_unreachable)
    app.add_exception_handler(Exception, _unexpected)


def declare_problem_media_type(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI files every declared response under `application/json`; errors are problem+json."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code[0] in "45" and "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
    return schema
