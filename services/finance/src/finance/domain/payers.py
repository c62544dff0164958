"""Who an invoice is billed to. A payer is a tenant of the park (its tenant id), with one exception the
business has: the bank or fund that pays the park's commission on a financing deal. Such a payer is
named explicitly, `institution:<id>`, so it can never be taken for a tenant (a tenant id has no `:`) and
no tenant user ever sees its invoices."""

INSTITUTION = "institution:"


def is_institution(payer_id: str) -> bool:
    return payer_id.startswith(INSTITUTION)
