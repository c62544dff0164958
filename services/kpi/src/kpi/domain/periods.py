"""kpi's reporting periods: the kernel's (`parkops_kernel.periods`), and when one can be assessed."""

from datetime import date, timedelta

from parkops_kernel.errors import Unprocessable
from parkops_kernel.periods import Period, parse_period

__all__ = ["Period", "closed", "parse_period"]


def closed(period: Period, today: date, field: str = "period") -> Period:
    """The period, when it ended before `today`; Unprocessable (422, naming `field`) for one not over
    yet, today's included (its day is not over), or in the future."""
    if period.end >= today:
        raise Unprocessable(
            f"period {period.label} ends on {period.end.isoformat()}: it can be assessed from "
            f"{(period.end + timedelta(days=1)).isoformat()}, after it has closed",
            field=field,
        )
    return period
