"""When a step of a ticket happened: now, or for staff recording a ticket's history from the old system,
the time they give (`at`; a ticket's opening: `opened_at`).

A dated step lies neither in the future nor before the ticket's latest recorded step (its opening or the
last action's time), so a ticket's history stays in order. Only staff date a step: a tenant user acts now.
Staff do not rate a ticket, except one imported from the old system, whose rating was given there: they
record it dated `at`."""

from datetime import datetime

from parkops_kernel.errors import Forbidden, Unprocessable


def step_at(asked: datetime | None, now: datetime, by_tenant: bool, latest: datetime) -> datetime:
    """The effective time of a step: `asked` within its bounds, else now."""
    tenant_refused = "only staff date a step other than now (a ticket's history)"
    at = _staff_dated(asked, now, by_tenant, "at", tenant_refused)
    if asked is not None and at < latest:
        raise Unprocessable(
            f"at {at.isoformat()} lies before the ticket's latest recorded step ({latest.isoformat()})",
            field="at",
        )
    return at


def opened_at(asked: datetime | None, now: datetime, by_tenant: bool) -> datetime:
    """When a ticket opened: now, or for staff importing a ticket from the old system, the time it
    opened there (not after now; the request's bounds keep it within 1900-2199)."""
    return _staff_dated(
        asked, now, by_tenant, "opened_at", "only staff date a ticket in the past (an imported ticket)"
    )


def _staff_dated(
    asked: datetime | None, now: datetime, by_tenant: bool, field: str, tenant_refused: str
) -> datetime:
    """`asked` (named `field` in the request) if staff gave it and it is not in the future, else now."""
    if asked is None:
        return now
    if by_tenant:
        raise Unprocessable(tenant_refused, field=field)
    if asked > now:
        raise Unprocessable(f"{field} {asked.isoformat()} lies in the future", field=field)
    return asked


def check_staff_rating(asked: datetime | None, imported: bool) -> None:
    """Staff record a rating only of an imported ticket (given in the old system), dated `at`."""
    if not imported:
        raise Forbidden("only the tenant rates a ticket; staff record ratings of imported tickets only")
    if asked is None:
        raise Unprocessable("a rating staff record from the old system is dated (at)", field="at")
