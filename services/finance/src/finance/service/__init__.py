"""Use cases of the finance service: one method per command, each a change of a park's books.

The runtime's AggregateStore is the write path: it keeps the books this process read or wrote in memory
(a read costs one small `_id` read while they are the stored version), retries a change that lost a race
on the stored books, leaves nothing behind of a change that raises and writes nothing for a change that
changes nothing (a redelivered event, a billing run with nothing due).

Staff commands follow the one idempotency rule (`parkops_runtime.request_keys`): with an
`Idempotency-Key`, the key, a digest of the request and the answer are stored with the books; the same
key and request answer the first answer, the same key with another request is 409, a key is forgotten
24 hours after its first use. Each request has its own audit cause (`request:<uuid>`) that the ledger
entries and events it makes carry. Consumed events keep the inbox rule: their cause is the CloudEvents
`source#id`, applied once (`ParkBooks.applied`, see `finance.handlers`); what each event books is
`finance.service.events`.

Which park and group the books belong to comes from the park directory (leasing's record), never from
the caller: books are created only for a park the directory knows, with its group, on the first change.
A known park without books yet reads as empty books. Books stored under another group (written before
parks had owners) are refused, so neither group sees or extends the other's (409 for the owner).
Tenants and payers a command names are checked against the directory before anything is written
(after its key: a retry is answered its first answer)."""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TypeVar

import structlog
from parkops_kernel.digest import Terms
from parkops_kernel.errors import Conflict, Unprocessable
from parkops_runtime import ids
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore, Idempotency, keyed_id
from parkops_runtime.directory import Directory, ParkEntry
from parkops_runtime.request_keys import keyed
from pydantic import BaseModel

from finance.domain.billing import billable_period
from finance.domain.books import ParkBooks
from finance.domain.charges import charge_amount, charge_fee, close_funding, grant_subsidy
from finance.domain.commands import (
    AcquireStake,
    Charge,
    ChargeFee,
    CloseFunding,
    GrantSubsidy,
    ReceivePayment,
)
from finance.domain.equity import StakeOrigin
from finance.domain.fees import FeeCatalogue as Catalogue
from finance.domain.investments import acquire_stake, exit_stake
from finance.domain.lease_billing import run_billing, run_dunning
from finance.domain.operations import Booking, record_operating_cost, record_subsidy_received
from finance.domain.payers import is_institution
from finance.domain.payments import cancel_invoice, receive_payment
from finance.schemas import (
    BillingRunCreate,
    CashEntryCreate,
    CommandResult,
    DunningRunCreate,
    FeeCatalogue,
    FeeCharge,
    FundingDealCreate,
    InvoiceCreate,
    PaymentCreate,
    RecordedEvent,
    StakeCreate,
    StakeExit,
    SubsidyCreate,
)
from finance.service.events import Consumed

T = TypeVar("T")
Change = Callable[[ParkBooks], T]
Command = Callable[[ParkBooks, str], object]  # a change of the books under its audit cause
Today = Callable[[], date]
NAMING = {"tenant_id", "payer_id"}  # the fields of a request that name a tenant (a payer: or institution)
log = structlog.get_logger(__name__)


class FinanceService:
    def __init__(self, books: AggregateStore[ParkBooks], directory: Directory, today: Today) -> None:
        self.books, self.directory, self.today = books, directory, today

    async def read(self, park: ParkEntry) -> ParkBooks:
        """The books of a park the directory knows (empty until its first change)."""
        books = await self.books.get(park.park_id)
        return owned(books, park) if books else ParkBooks(park_id=park.park_id, group_id=park.group_id)

    async def write(self, park: ParkEntry, change: Change[T], idempotency: Idempotency[T] | None = None) -> T:
        """Apply a change to the books of a park the directory knows; the caller's scope was checked."""
        return await self.books.change(
            park.park_id,
            lambda books: change(owned(books, park)),
            create=lambda: ParkBooks(park_id=park.park_id, group_id=park.group_id),
            idempotency=idempotency,
        )

    async def apply_events(self, park: ParkEntry, consumed: Sequence[Consumed]) -> None:
        """Book a batch of one park's consumed events in one write, each under its cause."""

        def all_of(books: ParkBooks) -> None:
            for event in consumed:
                event.booking(books, event.cause)

        await self.write(park, all_of)

    async def issue_invoice(self, access: ParkAccess, body: InvoiceCreate, key: str | None) -> CommandResult:
        charge = Charge(body.payer_id, body.stream, body.amount, body.on or self.today(), body.description)
        return await self._run(
            access, asked(key, "invoice", body), lambda b, c: charge_amount(b, charge, c), body
        )

    async def cancel_invoice(self, access: ParkAccess, invoice_id: str, key: str | None) -> CommandResult:
        on = self.today()
        return await self._run(
            access,
            asked(key, "cancel-invoice", {"invoice_id": invoice_id}),
            lambda b, c: cancel_invoice(b, invoice_id, on, c),
        )

    async def receive_payment(
        self, access: ParkAccess, body: PaymentCreate, key: str | None
    ) -> CommandResult:
        payment_id, on = body.payment_id or new_id(key, access), body.on or self.today()
        payment = ReceivePayment(payment_id, body.payer_id, body.amount, body.invoice_id, on)
        return await self._run(
            access, asked(key, "payment", body), lambda b, c: receive_payment(b, payment, c), body
        )

    async def charge_fee(self, access: ParkAccess, body: FeeCharge, key: str | None) -> CommandResult:
        fee = ChargeFee(body.payer_id, body.kind, body.quantity, body.size, body.on or self.today())
        return await self._run(access, asked(key, "fee", body), lambda b, c: charge_fee(b, fee, c), body)

    async def run_billing(self, access: ParkAccess, body: BillingRunCreate, key: str | None) -> CommandResult:
        period = billable_period(body.period, access.park.registered_at.date())
        return await self._run(
            access, asked(key, "billing-run", body), lambda b, c: run_billing(b, period, c)
        )

    async def run_dunning(self, access: ParkAccess, body: DunningRunCreate, key: str | None) -> CommandResult:
        return await self._run(
            access, asked(key, "dunning-run", body), lambda b, c: run_dunning(b, body.as_of, c)
        )

    async def close_funding(
        self, access: ParkAccess, body: FundingDealCreate, key: str | None
    ) -> CommandResult:
        deal = CloseFunding(
            body.deal_id or new_id(key, access),
            body.tenant_id,
            body.institution,
            body.instrument,
            body.amount,
            body.payer_id,
            body.rate_percent,
            body.on or self.today(),
        )
        return await self._run(
            access, asked(key, "financing-deal", body), lambda b, c: close_funding(b, deal, c), body
        )

    async def grant_subsidy(self, access: ParkAccess, body: SubsidyCreate, key: str | None) -> CommandResult:
        subsidy_id, on = body.subsidy_id or new_id(key, access), body.on or self.today()
        subsidy = GrantSubsidy(subsidy_id, body.tenant_id, body.policy, body.amount, on)
        return await self._run(
            access, asked(key, "subsidy", body), lambda b, c: grant_subsidy(b, subsidy, c), body
        )

    async def record_subsidy_received(
        self, access: ParkAccess, body: CashEntryCreate, key: str | None
    ) -> CommandResult:
        return await self._cash(
            access, body, key, asked(key, "subsidy-received", body), record_subsidy_received
        )

    async def record_operating_cost(
        self, access: ParkAccess, body: CashEntryCreate, key: str | None
    ) -> CommandResult:
        return await self._cash(access, body, key, asked(key, "operating-cost", body), record_operating_cost)

    async def acquire_stake(self, access: ParkAccess, body: StakeCreate, key: str | None) -> CommandResult:
        stake_id, on = body.stake_id or new_id(key, access), body.on or self.today()
        stake = AcquireStake(stake_id, body.tenant_id, body.percent, body.amount, StakeOrigin.PARK_FUND, on)
        return await self._run(
            access, asked(key, "equity-stake", body), lambda b, c: acquire_stake(b, stake, c), body
        )

    async def exit_stake(
        self, access: ParkAccess, stake_id: str, body: StakeExit, key: str | None
    ) -> CommandResult:
        on, terms = body.on or self.today(), {"stake_id": stake_id, **body.model_dump()}
        return await self._run(
            access, asked(key, "stake-exit", terms), lambda b, c: exit_stake(b, stake_id, body.amount, on, c)
        )

    async def set_catalogue(self, access: ParkAccess, body: FeeCatalogue, key: str | None) -> FeeCatalogue:
        catalogue = Catalogue.model_validate(body.model_dump())

        def change(books: ParkBooks) -> FeeCatalogue:
            books.catalogue = catalogue
            return FeeCatalogue.model_validate(catalogue)

        return await self.write(
            access.park, change, keyed(key, "fee-catalogue", body.model_dump(), FeeCatalogue)
        )

    async def _run(
        self,
        access: ParkAccess,
        idempotency: Idempotency[CommandResult] | None,
        command: Command,
        asked_by: BaseModel | None = None,
    ) -> CommandResult:
        """Apply a staff command under a fresh audit cause; answer the events it recorded. The cause is
        not kept among the applied ones (the inbox of consumed events): it never comes again, and a
        retry of the request is answered by its key. The tenants and payers its body names are looked
        up first and refused inside the change, after the key: a retry is answered its first answer
        even when a tenant has left the directory since."""
        refused = await self._refusal(access, asked_by.model_dump(include=NAMING) if asked_by else {})
        cause = f"request:{ids.new_id()}"

        def change(books: ParkBooks) -> CommandResult:
            if refused is not None:
                raise refused
            command(books, cause)
            books.applied.discard(cause)
            recorded = [
                RecordedEvent(type=e.event_name(), data=e.model_dump(mode="json")) for e in books.events
            ]
            return CommandResult(cause=cause, events=recorded)

        return await self.write(access.park, change, idempotency)

    async def _cash(
        self,
        access: ParkAccess,
        body: CashEntryCreate,
        key: str | None,
        idempotency: Idempotency[CommandResult] | None,
        entry: Booking,
    ) -> CommandResult:
        """Book money that came in or went out (a subsidy received, an operating cost) under an id of
        its own (from the key when the request has one)."""
        on, entry_id = body.on or self.today(), new_id(key, access)
        return await self._run(
            access, idempotency, lambda b, c: entry(b, body.amount, body.description, on, c, source=entry_id)
        )

    async def _refusal(self, access: ParkAccess, named: Mapping[str, str | None]) -> Unprocessable | None:
        """422 naming the first field whose id is no tenant of the park in the directory (leasing's
        record) nor an institution (`finance.domain.payers`; only a `PayerId` field can name one)."""
        for field, named_id in named.items():
            if named_id is None or is_institution(named_id):
                continue
            found = await self.directory.tenant(access.park_id, named_id)
            if found is None or found.group_id != access.group_id:
                return Unprocessable(f"{field}: unknown tenant of this park", field)
        return None


def asked(key: str | None, operation: str, terms: BaseModel | Terms) -> Idempotency[CommandResult] | None:
    """The idempotency of a staff command: the request as it was asked (its body, path ids)."""
    return keyed(key, operation, terms, CommandResult)


def new_id(key: str | None, access: ParkAccess) -> str:
    """A short id for a payment, deal, subsidy or stake the caller did not name: from the key when the
    request has one (a retry names the same), else fresh."""
    return keyed_id(key, access.group_id, access.park_id)[:12] if key else ids.short_id()


def owned(books: ParkBooks, park: ParkEntry) -> ParkBooks:
    """The stored books, if they belong to the group that owns the park."""
    owned_by(books.group_id, park)
    return books


def owned_by(books_group: str, park: ParkEntry) -> None:
    """409 unless the books were opened by the group that owns the park."""
    if books_group != park.group_id:
        log.warning("books of another group", park_id=park.park_id, books_group=books_group)
        raise Conflict(
            f"the books of park {park.park_id} were opened by another group; an operator must move them"
        )
