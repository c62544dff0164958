"""A lease: who occupies which units for which period, at what rent (the quote it was signed on)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from parkops_contracts.events.leasing import RentLine, TerminationReason
from parkops_kernel.money import ZERO, cny
from pydantic import BaseModel

from leasing.domain.months import month_period
from leasing.domain.quote import EquityDeal, Quote, Rule, RuleLine


class LeaseStatus(StrEnum):
    ACTIVE = "active"
    RENEWED = "renewed"  # runs to its end, then its renewal takes over
    TERMINATED = "terminated"


class Lease(BaseModel):
    """Stored compactly: the monthly rents only; the dated schedule is rebuilt from the start date."""

    lease_id: str
    tenant_id: str
    unit_ids: list[str]
    area_m2: Decimal
    starts_on: date
    ends_on: date
    term_months: int
    monthly_base_rent: Decimal
    rents: list[Decimal]
    rent_free_months: int
    free_rule: Rule | None
    rules: list[RuleLine]
    equity: EquityDeal | None
    signed_at: datetime
    status: LeaseStatus = LeaseStatus.ACTIVE
    renewal_of: str | None = None
    renewal_number: int = 0
    renewed_by: str | None = None
    terminated_on: date | None = None
    termination_reason: TerminationReason | None = None

    @classmethod
    def from_quote(
        cls, lease_id: str, tenant_id: str, quote: Quote, at: datetime, **extra: object
    ) -> "Lease":
        return cls.model_validate(
            {
                "lease_id": lease_id,
                "tenant_id": tenant_id,
                "unit_ids": quote.unit_ids,
                "area_m2": quote.area_m2,
                "starts_on": quote.starts_on,
                "ends_on": quote.ends_on,
                "term_months": quote.term_months,
                "monthly_base_rent": quote.monthly_base_rent,
                "rents": [line.rent for line in quote.schedule],
                "rent_free_months": quote.rent_free_months,
                "free_rule": quote.schedule[0].rule if quote.rent_free_months else None,
                "rules": quote.rules,
                "equity": quote.equity,
                "signed_at": at,
                **extra,
            }
        )

    @property
    def last_day(self) -> date:
        """Last day the tenant occupies the units: the term's end, or the termination date."""
        return self.terminated_on or self.ends_on

    def occupies(self, day: date) -> bool:
        return self.starts_on <= day <= self.last_day

    def overlaps(self, first: date, last: date) -> bool:
        return self.starts_on <= last and first <= self.last_day

    def month_index(self, day: date) -> int | None:
        """0-based lease month containing `day`, if the term covers it."""
        if not self.starts_on <= day <= self.ends_on:
            return None
        m = (day.year - self.starts_on.year) * 12 + day.month - self.starts_on.month
        return m if month_period(self.starts_on, m)[0] <= day else m - 1

    def rent_on(self, day: date) -> Decimal:
        m = self.month_index(day)
        return ZERO if m is None or not self.occupies(day) else self.rent_due(m)

    def rent_due(self, month: int) -> Decimal:
        """The rent of lease month `month` (0-based) as billed: in full, or, for the month a termination
        falls in, days occupied ÷ days in the lease month, rounded half-up to the cent once (finance's
        rule, `finance.domain.billing.LeaseSchedule.rent_due`); nothing for a month after it."""
        rent, end = self.rents[month], self.terminated_on
        first, last = month_period(self.starts_on, month)
        if end is None or end >= last:
            return rent
        if end < first:
            return ZERO
        return cny(rent * ((end - first).days + 1) / ((last - first).days + 1))

    def rent_from(self, month: int) -> Decimal:
        """What remains to be billed from lease month `month` (0-based) on, that month included."""
        return sum((self.rent_due(m) for m in range(month, len(self.rents))), ZERO)

    @property
    def total_rent(self) -> Decimal:
        return sum(self.rents, ZERO)

    def schedule(self) -> list[RentLine]:
        lines = []
        for m, rent in enumerate(self.rents):
            first, last = month_period(self.starts_on, m)
            rule = self.free_rule if m < self.rent_free_months else None
            if rule is None and self.equity and m < self.rent_free_months + self.equity.months_waived:
                rule = Rule.RENT_FOR_EQUITY
            lines.append(RentLine(month=m + 1, starts_on=first, ends_on=last, rent=rent, rule=rule))
        return lines
