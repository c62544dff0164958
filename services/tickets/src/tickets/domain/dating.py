"""When a step of a ticket happened: now, or for staff recording a ticket's history from the old system,
the time they give (`at`).

A dated step lies neither in the future nor before the ticket's latest recorded step (its opening or the
last action's time), so a ticket's history stays in order. Only staff date a step: a tenant user acts now.
Staff do not rate a ticket, except one imported from the old system, whose rating was given there: they
record it dated `at`."""

from datetime import datetime

from parkops_kernel.errors import Forbidden, Unprocessable


def step_at(asked: datetime | None, now: datetime, by_tenant: bool, latest: datetime) -> datetime:
    """The effective time of a step: `asked` within its bounds, else now."""
    if asked is None:
        return now
    if by_tenant:
        raise Unprocessable("only staff date a step other than now (a ticket's history)", field="at")
    if asked > now:
        raise Unprocessable(f"at {asked.isoformat()} lies in the future", field="at")
    if asked < latest:
        raise Unprocessable(
            f"at {asked.isoformat()} lies before the ticket's latest recorded step ({latest.isoformat()})",
            field="at",
        )
    return asked


def check_staff_rating(asked: datetime | None, imported: bool) -> None:
    """Staff record a rating only of an imported ticket (given in the old system), dated `at`."""
    if not imported:
        raise Forbidden("only the tenant rates a ticket; staff record ratings of imported tickets only")
    if asked is None:
        raise Unprocessable("a rating staff record from the old system is dated (at)", field="at")
