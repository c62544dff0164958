"""Space and tenant KPIs of a period: occupancy, leading industries, churn, renewals, survival, tax."""

from datetime import date
from decimal import Decimal

from parkops_kernel.money import cny

from kpi.domain.measure import Measure, ratio
from kpi.domain.periods import Period
from kpi.domain.tenancy import TenancyView


def occupancy(view: TenancyView, period: Period) -> dict[str, Measure]:
    """Occupancy on the period's last day, by area and by unit count."""
    listed, occupied = view.occupied_area(period.end)
    units = view.ledger.units
    total = sum((units[u].area_m2 for u in listed), Decimal(0))
    leased = sum((units[u].area_m2 for u in occupied), Decimal(0))
    ids = [*listed.values(), *occupied.values()]
    counts: dict[str, int | Decimal] = {
        "units_listed": len(listed),
        "units_occupied": len(occupied),
        "area_total_m2": cny(total),
        "area_occupied_m2": cny(leased),
    }
    return {
        "occupancy_rate": Measure.of(ratio(leased, total), counts, ids),
        "occupancy_by_count": Measure.of(ratio(len(occupied), len(listed)), counts, ids),
    }


def leading_industry(view: TenancyView, period: Period) -> dict[str, Measure]:
    """On the period's last day: leading-industry tenants ÷ active tenants, and the area their leases
    occupy ÷ the area active tenants' leases occupy (leasing's `UnitOccupied` spans; the area asked for
    at onboarding, `TenantOnboarded.leased_area_m2`, occupies nothing)."""
    active = view.active_tenants(period.end)
    leading = [t for t in active if t.in_leading_industry]
    occupied = view.area_by_tenant(period.end)
    area = sum((occupied.get(t.tenant_id, Decimal(0)) for t in active), Decimal(0))
    leading_area = sum((occupied.get(t.tenant_id, Decimal(0)) for t in leading), Decimal(0))
    ids = [t.event_id for t in active]
    return {
        "leading_industry_share": Measure.of(
            ratio(len(leading), len(active)), {"tenants": len(active), "leading": len(leading)}, ids
        ),
        "leading_industry_area_share": Measure.of(
            ratio(leading_area, area), {"area_m2": cny(area), "leading_area_m2": cny(leading_area)}, ids
        ),
    }


def movements(view: TenancyView, period: Period) -> dict[str, Measure]:
    """Onboardings, terminations, churn (tenants gone in the period / active on its first day), renewals
    ÷ expiries (leases ending in the period, not terminated earlier, that a renewal follows)."""
    ledger = view.ledger
    onboarded = [t for t in ledger.tenants.values() if period.contains(t.onboarded_on)]
    terminated = [x for x in ledger.terminations.values() if period.contains(x.terminated_on)]
    at_start = view.active_tenants(period.start)
    gone = [t for t in at_start if (end := view.exit_day(t)) is not None and end < period.end]
    expiring = [
        lease
        for lease in ledger.leases.values()
        if period.contains(lease.ends_on) and view.lease_end(lease) == lease.ends_on
    ]
    renewed = [lease for lease in expiring if lease.lease_id in view.renewed]
    renewals = [lease.event_id for lease in ledger.leases.values() if lease.previous_lease_id]
    return {
        "onboardings": Measure.of(
            Decimal(len(onboarded)), {"tenants": len(onboarded)}, [t.event_id for t in onboarded]
        ),
        "terminations": Measure.of(
            Decimal(len(terminated)), {"leases": len(terminated)}, [x.event_id for x in terminated]
        ),
        "churn_rate": Measure.of(
            ratio(len(gone), len(at_start)),
            {"active_at_start": len(at_start), "gone": len(gone)},
            [t.event_id for t in gone],
        ),
        "renewal_rate": Measure.of(
            ratio(len(renewed), len(expiring)),
            {"expiring": len(expiring), "renewed": len(renewed)},
            [lease.event_id for lease in expiring] + [r for r in renewals if expiring],
        ),
    }


def _anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def survival(view: TenancyView, period: Period) -> dict[str, Measure]:
    """Cohorts by onboarding year: still active 1, 2 and 3 years after onboarding (counted once the
    anniversary is on or before the period's end). The KPI is the pooled 1-year survival."""
    counts: dict[str, int | Decimal] = {}
    eligible_1y: list[str] = []
    survived_1y = 0
    for tenant in view.ledger.tenants.values():
        cohort = tenant.onboarded_on.year
        counts[f"{cohort}.onboarded"] = int(counts.get(f"{cohort}.onboarded", 0)) + 1
        for years in (1, 2, 3):
            mark = _anniversary(tenant.onboarded_on, years)
            if mark > period.end:
                break
            alive = view.active(tenant, mark)
            key = f"{cohort}.after_{years}y"
            counts[key] = int(counts.get(key, 0)) + int(alive)
            if years == 1:
                eligible_1y.append(tenant.event_id)
                survived_1y += int(alive)
    counts["eligible_1y"] = len(eligible_1y)
    counts["survived_1y"] = survived_1y
    return {"survival_rate": Measure.of(ratio(survived_1y, len(eligible_1y)), counts, eligible_1y)}


def tax(view: TenancyView, period: Period) -> dict[str, Measure]:
    """Tenants' yearly tax (latest report per tenant and year) for the period's year: total, growth over
    the year before, and per m² of the space occupied at the period's end."""
    reports = view.ledger.tax_reports.values()
    this_year = [r for r in reports if r.year == period.year]
    last_year = [r for r in reports if r.year == period.year - 1]
    total = sum((r.tax_paid for r in this_year), Decimal(0))
    before = sum((r.tax_paid for r in last_year), Decimal(0))
    _, occupied = view.occupied_area(period.end)
    area = sum((view.ledger.units[u].area_m2 for u in occupied), Decimal(0))
    ids = [r.event_id for r in this_year]
    growth = ratio(total - before, before) if last_year else None
    per_m2 = cny(total / area) if area and this_year else None
    funding = sum((r.funding_raised for r in this_year), Decimal(0))
    return {
        "tax_reported": Measure.of(cny(total), {"reports": len(this_year)}, ids),
        "tax_growth": Measure.of(
            growth,
            {"tax": cny(total), "tax_year_before": cny(before)},
            ids + [r.event_id for r in last_year],
        ),
        "tax_per_m2": Measure.of(per_m2, {"tax": cny(total), "area_m2": cny(area)}, ids),
        "funding_reported": Measure.of(cny(funding), {"reports": len(this_year)}, ids),
    }
