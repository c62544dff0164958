"""Quoting inside a park: gather the tenant's facts, the units' rents, the policy and the commitments."""

from parkops_kernel.errors import Conflict, Unprocessable

from leasing.domain.commands import QuoteLease
from leasing.domain.park import Park
from leasing.domain.pricing import price
from leasing.domain.quote import Applicant, PricedUnit, Quote, QuoteTerms


def quote_for(park: Park, terms: QuoteLease) -> Quote:
    """The park's quote for a tenant taking `unit_ids` for `term_months` from `starts_on`."""
    tenant_id, unit_ids = terms.tenant_id, terms.unit_ids
    if len(set(unit_ids)) != len(unit_ids):
        raise Unprocessable("unit_ids: a unit is listed more than once", field="unit_ids")
    tenant = park.tenant(tenant_id)
    priced = []
    for unit in (park.unit(u) for u in unit_ids):
        rent = unit.base_rent or park.pricing_policy.base_rent(unit.unit_type)
        if rent is None:
            raise Conflict(
                f"park {park.park_id} has no base rent for unit type {unit.unit_type.value} "
                f"(unit {unit.unit_id}): set it in the park's pricing policy"
            )
        priced.append(
            PricedUnit(unit_id=unit.unit_id, unit_type=unit.unit_type, area_m2=unit.area_m2, base_rent=rent)
        )
    applicant = Applicant(
        industry_code=tenant.industry_code,
        in_leading_industry=park.is_leading_industry(tenant.industry_code),
        high_tech=tenant.high_tech,
        founded_on=tenant.founded_on,
    )
    priced_terms = QuoteTerms(
        units=priced,
        term_months=terms.term_months,
        starts_on=terms.starts_on,
        rent_for_equity=terms.rent_for_equity,
    )
    return price(priced_terms, applicant, park.pricing_policy, list(park.commitments.values()))
