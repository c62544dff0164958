"""Rent as leasing's rent roll and finance's billing show it, per lease month starting in the period.

The services define rent comparably there (docs/domain.md, "Rent roll and billing agree"): a lease month
is billed once, in the month its first day falls in, and the rent roll on that first day shows the rent
of that lease month as billed (a terminated month prorated, nothing after it). finance's rent *revenue*
is not the same figure (it also holds rent earned in kind for equity, and reversals), so it is not set
against the rent roll. A lease month finance has not billed yet (no billing run reached it) is listed,
not compared."""

from datetime import date
from decimal import Decimal
from typing import Any

from scripts.reconciliation.compare import Figure, Kind, NotCompared, Reported
from scripts.reconciliation.periods import Period
from scripts.reconciliation.sources import Part, Sources, number

NOT_REVENUE = NotCompared(
    "rent revenue (finance) vs the rent roll (leasing)",
    "not the same figure: rent revenue also holds rent earned in kind for equity and reversals; "
    "rent is compared per lease month as billed instead",
)


async def _rolled(sources: Sources, park: str, day: str, lease_id: str) -> Decimal:
    """The rent roll's rent of the lease on `day` (a lease not on the roll that day owes nothing)."""
    key = f"rent-roll {park} {day}"
    if key not in sources.cache:
        lines = await sources.get("leasing", f"/parks/{park}/rent-roll", on=day)
        sources.cache[key] = {line["lease_id"]: number(line["monthly_rent"]) for line in lines}
    return Decimal(sources.cache[key].get(lease_id) or 0)


async def _roll_of(sources: Sources, park: str, lease_id: str, months: list[dict[str, Any]]) -> Decimal:
    rents = [await _rolled(sources, park, m["starts_on"], lease_id) for m in months]
    return sum(rents, Decimal("0.00"))


async def _lease(
    sources: Sources, park: str, lease: dict[str, Any], months: list[dict[str, Any]]
) -> tuple[Figure | None, list[dict[str, Any]]]:
    """The figure of the lease's billed months in the period, and its months not billed yet."""
    lease_id = lease["lease_id"]
    path = f"/parks/{park}/billing-schedules/{lease_id}"
    schedule = await sources.get("finance", path, absent_ok=True)
    billed: dict[str, Any] = {} if schedule is None else schedule["billed"]
    compared = [m for m in months if schedule is None or str(m["month"]) in billed]
    left = [m for m in months if m not in compared]
    if not compared:
        return None, left
    finance = (
        Reported.missing("finance billing")
        if schedule is None
        else Reported(
            "finance billing", sum((Decimal(billed[str(m["month"])]) for m in compared), Decimal(0))
        )
    )
    first, last = compared[0]["month"], compared[-1]["month"]
    months_text = f"month {first}" if first == last else f"months {first}-{last}"
    name = f"rent of lease {lease_id}, {months_text}"
    roll = await _roll_of(sources, park, lease_id, compared)
    return Figure(name, Kind.MONEY, Reported("leasing rent roll", roll), (finance,)), left


async def rent_figures(sources: Sources, park: str, period: Period, card: dict[str, Any]) -> Part:
    figures: list[Figure] = []
    unbilled = Decimal(0)
    months_left = 0
    for lease in await sources.get("leasing", f"/parks/{park}/leases"):
        months = [m for m in lease["schedule"] if period.contains(date.fromisoformat(m["starts_on"]))]
        if not months:
            continue
        figure, left = await _lease(sources, park, lease, months)
        figures += [figure] if figure else []
        months_left += len(left)
        unbilled += await _roll_of(sources, park, lease["lease_id"], left)
    skipped = [NOT_REVENUE]
    if months_left:
        reason = (
            f"finance has not billed them yet (no billing run reached them); the rent roll shows {unbilled}"
        )
        skipped.append(
            NotCompared(f"rent of {months_left} lease month(s) starting in {period.label}", reason)
        )
    return figures, skipped
