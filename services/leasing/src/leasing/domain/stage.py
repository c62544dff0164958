"""Enterprise lifecycle stage, which drives rent-free periods and service packages."""

from datetime import date
from enum import StrEnum

from leasing.domain.months import add_months


class LifecycleStage(StrEnum):
    STARTUP = "startup"  # younger than 2 years
    GROWTH = "growth"  # 2 to 5 years
    MATURE = "mature"  # 5 years or older


def stage_on(founded_on: date, on: date) -> LifecycleStage:
    """The stage of an enterprise founded `founded_on`, as of `on` (anniversaries count as birthdays)."""
    if on < add_months(founded_on, 24):
        return LifecycleStage.STARTUP
    if on < add_months(founded_on, 60):
        return LifecycleStage.GROWTH
    return LifecycleStage.MATURE
