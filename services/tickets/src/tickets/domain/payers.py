"""Who pays a billable ticket.

A billable resolution names its payer: the payer staff give (`payer_id`), else the ticket's tenant.
Nothing billable is left without one (422 naming `payer_id`): finance invoices the payer, and a billable
ticket opened by staff for no tenant would otherwise never be invoiced. A payer is a tenant of the park
(checked against the directory by the service) or a bank or fund, named `institution:<id>` as finance
names it (`finance/domain/payers.py`: a tenant id has no `:`, so neither is taken for the other)."""

from parkops_kernel.bounds import is_id
from parkops_kernel.errors import Unprocessable

INSTITUTION = "institution:"


def is_institution(payer_id: str) -> bool:
    return payer_id.startswith(INSTITUTION)


def payer_of(billable: bool, tenant_id: str | None, named: str | None) -> str | None:
    """The payer of a resolution: None when not billable; the named payer, else the ticket's tenant."""
    if not billable:
        if named is not None:
            raise Unprocessable("only a billable resolution names a payer", field="payer_id")
        return None
    payer = named if named is not None else tenant_id
    if payer is None:
        raise Unprocessable(
            "a billable ticket with no tenant must name who pays (payer_id: a tenant of the park "
            "or institution:<id>)",
            field="payer_id",
        )
    if is_institution(payer) and not is_id(payer.removeprefix(INSTITUTION)):
        raise Unprocessable(f"payer {payer!r} is not a valid institution:<id>", field="payer_id")
    return payer
