"""The availability chart: for each unit, how much of each calendar month is let."""

from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel

from leasing.domain.months import add_months
from leasing.domain.park import Park
from leasing.domain.queries import covered_days


class MonthAvailability(StrEnum):
    AVAILABLE = "available"  # no day let
    PARTIAL = "partial"  # some days let
    LET = "let"  # every day let


class UnitAvailability(BaseModel):
    unit_id: str
    building: str
    unit_number: str
    months: dict[str, MonthAvailability]  # "2027-01" -> availability


def availability_chart(park: Park, first_month: date, months: int) -> list[UnitAvailability]:
    """Units x calendar months from the month of `first_month`, `months` long."""
    start = first_month.replace(day=1)
    spans = [(add_months(start, m), add_months(start, m + 1) - timedelta(days=1)) for m in range(months)]
    chart = []
    for unit in sorted(park.units.values(), key=lambda u: (u.building, u.unit_number)):
        row = {}
        for first, last in spans:
            let, whole = covered_days(park, unit, first, last), (last - first).days + 1
            row[f"{first:%Y-%m}"] = (
                MonthAvailability.LET
                if let == whole
                else MonthAvailability.PARTIAL
                if let
                else MonthAvailability.AVAILABLE
            )
        chart.append(
            UnitAvailability(
                unit_id=unit.unit_id, building=unit.building, unit_number=unit.unit_number, months=row
            )
        )
    return chart
