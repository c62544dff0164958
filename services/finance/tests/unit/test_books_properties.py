"""Property tests: any sequence of business facts keeps every park's trial balance at zero, and
delivering any of them 2-5 times changes nothing."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from finance.domain.books import ParkBooks
from finance.domain.charges import charge_fee, close_funding, grant_subsidy
from finance.domain.commands import AcquireStake, ChargeFee, CloseFunding, GrantSubsidy, ReceivePayment
from finance.domain.equity import StakeOrigin
from finance.domain.fees import EnterpriseSize, FeeKind
from finance.domain.investments import acquire_stake, exit_stake, mark_to_valuation
from finance.domain.lease_billing import run_billing, schedule_lease, terminate_lease
from finance.domain.ledger import Account, Stream, revenue_account
from finance.domain.operations import accrue_operator_bonus, record_operating_cost, record_subsidy_received
from finance.domain.payments import cancel_invoice, receive_payment
from finance.domain.receivables import aging
from finance.domain.reports import revenue_report
from hypothesis import given, settings
from hypothesis import strategies as st
from parkops_contracts.events.finance import (
    CostRecognized,
    FinanceEvent,
    FundingInstrument,
    RevenueRecognized,
    SubsidyReceived,
)
from parkops_kernel.errors import DomainError
from parkops_kernel.money import ZERO

from .books_fixtures import books, monthly_lines

Op = tuple[str, Callable[[ParkBooks], object]]  # (cause, effect)
PAYERS = st.sampled_from(["t1", "t2", "t3"])
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
DAYS = st.integers(min_value=0, max_value=180).map(lambda d: date(2026, 1, 1) + timedelta(days=d))
INVOICE_REFS = st.one_of(
    st.integers(min_value=1, max_value=12).map(lambda n: f"INV-{n:06d}"),
    st.tuples(st.integers(min_value=1, max_value=3), st.integers(min_value=1, max_value=6)).map(
        lambda lm: f"L{lm[0]}-m{lm[1]}"
    ),
)


def op(kind: str, *args: object) -> st.SearchStrategy[Op]:
    return st.tuples(st.uuids().map(lambda u: f"{kind}-{u.hex[:8]}"), *args).map(_bind(kind))  # type: ignore[arg-type]


def _bind(kind: str) -> Callable[[tuple[object, ...]], Op]:
    def bind(values: tuple[object, ...]) -> Op:
        cause, *a = values
        c = str(cause)
        effects: dict[str, Callable[[ParkBooks], object]] = {
            "fee": lambda b: charge_fee(b, ChargeFee(a[0], FeeKind.TESTING, Decimal(a[1]), None, a[2]), c),  # type: ignore[arg-type]
            "platform": lambda b: charge_fee(
                b,
                ChargeFee(a[0], FeeKind.PLATFORM, Decimal(a[1]), EnterpriseSize.SMALL, a[2]),  # type: ignore[arg-type]
                c,
            ),
            "pay": lambda b: receive_payment(b, ReceivePayment(c, a[0], a[1], None, a[2]), c),  # type: ignore[arg-type]
            "pay-inv": lambda b: receive_payment(b, ReceivePayment(c, None, a[0], a[1], a[2]), c),  # type: ignore[arg-type]
            "cancel": lambda b: cancel_invoice(b, a[0], a[1], c),  # type: ignore[arg-type]
            "cancel-last": lambda b: cancel_invoice(b, next(reversed(b.invoices), "none"), a[0], c),  # type: ignore[arg-type]
            "deal": lambda b: close_funding(
                b,
                CloseFunding(c, "tx", "bank", FundingInstrument.LOAN, a[1], a[0], None, a[2]),  # type: ignore[arg-type]
                c,
            ),
            "subsidy": lambda b: grant_subsidy(b, GrantSubsidy(c, a[0], "policy", a[1], a[2]), c),  # type: ignore[arg-type]
            "lease": lambda b: schedule_lease(b, f"L{a[0]}", f"t{a[0]}", monthly_lines(a[1]), c),  # type: ignore[arg-type]
            "bill": lambda b: run_billing(b, f"2026-{a[0]:02d}", c),
            "end": lambda b: terminate_lease(b, f"L{a[0]}", a[1], a[1], c),  # type: ignore[arg-type]
            "equity": lambda b: acquire_stake(
                b,
                AcquireStake(
                    f"L{a[0]}/equity",
                    f"t{a[0]}",
                    Decimal(2),
                    a[1],  # type: ignore[arg-type]
                    StakeOrigin.RENT_FOR_EQUITY,
                    a[2],  # type: ignore[arg-type]
                    lease_id=f"L{a[0]}",
                    months_waived=a[3],  # type: ignore[arg-type]
                ),
                c,
            ),
            "stake": lambda b: acquire_stake(
                b,
                AcquireStake(f"S{a[0]}", "t1", Decimal(5), a[1], StakeOrigin.PARK_FUND, a[2]),  # type: ignore[arg-type]
                c,
            ),
            "mark": lambda b: mark_to_valuation(b, "t1", a[0], a[1], c),  # type: ignore[arg-type]
            "exit": lambda b: exit_stake(b, f"S{a[0]}", a[1], a[2], c),  # type: ignore[arg-type]
            "cost": lambda b: record_operating_cost(b, a[0], "x", a[1], c),  # type: ignore[arg-type]
            "bonus": lambda b: accrue_operator_bonus(b, a[0], "x", a[1], c),  # type: ignore[arg-type]
            "grant": lambda b: record_subsidy_received(b, a[0], "x", a[1], c),  # type: ignore[arg-type]
        }
        return c, effects[kind]

    return bind


RENTS = st.lists(st.sampled_from(["0", "1000.00", "3333.33", "5000.01", "W"]), min_size=1, max_size=6)
SMALL = st.integers(min_value=1, max_value=3)
OPS = st.one_of(
    op("fee", PAYERS, SMALL, DAYS),
    op("platform", PAYERS, SMALL, DAYS),
    op("pay", PAYERS, AMOUNTS, DAYS),
    op("pay-inv", AMOUNTS, INVOICE_REFS, DAYS),
    op("cancel", INVOICE_REFS, DAYS),
    op("deal", PAYERS, AMOUNTS, DAYS),
    op("subsidy", PAYERS, AMOUNTS, DAYS),
    op("lease", SMALL, RENTS),
    op("bill", st.integers(min_value=1, max_value=6)),
    op("end", SMALL, DAYS),
    op("stake", SMALL, AMOUNTS, DAYS),
    op("equity", SMALL, AMOUNTS, DAYS, SMALL),
    op("mark", AMOUNTS, DAYS),
    op("exit", SMALL, AMOUNTS, DAYS),
    op("cost", AMOUNTS, DAYS),
    op("grant", AMOUNTS, DAYS),
    op("bonus", AMOUNTS, DAYS),
)


def apply(b: ParkBooks, effect: Callable[[ParkBooks], object]) -> None:
    before = b.model_dump()
    try:
        effect(b)
    except DomainError:
        assert b.model_dump() == before, "a rejected command changed the books"


def check_invariants(b: ParkBooks) -> None:
    assert b.ledger.trial_balance() == ZERO
    balances = b.ledger.balances()
    assert balances.get(Account.RECEIVABLES, ZERO) == sum((i.outstanding for i in b.invoices.values()), ZERO)
    assert -balances.get(Account.CUSTOMER_CREDIT, ZERO) == sum(b.credits.values(), ZERO)
    assert -balances.get(Account.DEFERRED_REVENUE, ZERO) == sum(
        (d.remaining for d in b.deferrals.values()), ZERO
    )
    assert all(i.amount >= ZERO and i.outstanding >= ZERO and i.paid >= ZERO for i in b.invoices.values())
    assert all(e.cause and e.lines for e in b.ledger.entries)
    assert -balances.get(Account.UNEARNED_RENT, ZERO) == sum(
        (r.remaining for r in b.rents_in_kind.values()), ZERO
    )
    check_announced_figures(b)
    check_receivables_as_of(b)


def announced(b: ParkBooks, kind: type[FinanceEvent], period: str = "") -> list[Any]:
    dated = {
        RevenueRecognized: "recognized_on",
        CostRecognized: "incurred_on",
        SubsidyReceived: "received_on",
    }
    field = dated[kind]
    return [e for e in b.events if isinstance(e, kind) and f"{getattr(e, field):%Y-%m}".startswith(period)]


def check_announced_figures(b: ParkBooks) -> None:
    """For every period, the events finance published sum per stream to the revenue report and to the
    ledger's revenue accounts; likewise cost and the park's own subsidy."""
    periods = {""} | {f"{e.posted_on:%Y}" for e in b.ledger.entries} | {e.period for e in b.ledger.entries}
    for period in periods:
        report, balances = revenue_report(b.ledger, period), b.ledger.balances(period)
        revenue = announced(b, RevenueRecognized, period)
        for stream in Stream:
            by_events = sum((e.amount for e in revenue if e.stream is stream), ZERO)
            assert (
                by_events == report.revenue_by_stream[stream] == -balances.get(revenue_account(stream), ZERO)
            )
        costs = sum((e.amount for e in announced(b, CostRecognized, period)), ZERO)
        assert costs == report.operating_cost
        subsidies = sum((e.amount for e in announced(b, SubsidyReceived, period)), ZERO)
        assert subsidies == report.subsidy_received


def check_receivables_as_of(b: ParkBooks) -> None:
    """Receivables as of any day = the ledger's receivables posted by that day: a payment, credit or
    cancellation dated later does not reduce them."""
    days = sorted({e.posted_on for e in b.ledger.entries})
    for day in days[:: max(len(days) // 6, 1)] + days[-1:]:
        posted = sum(
            (ln.amount for e in b.ledger.entries if e.posted_on <= day for ln in e.lines
             if ln.account is Account.RECEIVABLES),
            ZERO,
        )  # fmt: skip
        assert sum((i.outstanding_on(day) for i in b.invoices.values()), ZERO) == posted
        assert sum(aging(b.invoices.values(), day).values(), ZERO) == posted


def state(b: ParkBooks) -> object:
    return (b.model_dump(), [e.model_dump() for e in b.events])


@settings(max_examples=150, deadline=None)
@given(st.lists(OPS, max_size=40))
def test_trial_balance_is_zero_after_every_fact(ops: list[Op]) -> None:
    b = books()
    for _, effect in ops:
        apply(b, effect)
        check_invariants(b)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(OPS, st.integers(min_value=2, max_value=5)), max_size=30))
def test_delivering_any_fact_2_to_5_times_changes_nothing(ops: list[tuple[Op, int]]) -> None:
    once, repeated = books(), books()
    for (_, effect), times in ops:
        apply(once, effect)
        for _ in range(times):
            apply(repeated, effect)
    for (cause, effect), _ in ops:  # a late redelivery of every fact that took effect
        if cause in once.applied:
            apply(repeated, effect)
    check_invariants(repeated)
    assert state(repeated) == state(once)


ONE_LEASE = st.just(1)
LEASE_OPS = st.one_of(
    op("lease", ONE_LEASE, RENTS),
    op("bill", st.integers(min_value=1, max_value=6)),
    op("end", ONE_LEASE, DAYS),
    op("cancel-last", DAYS),
    op("pay", PAYERS, AMOUNTS, DAYS),
    op("platform", PAYERS, SMALL, DAYS),
    op("equity", ONE_LEASE, AMOUNTS, DAYS, SMALL),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LEASE_OPS, min_size=4, max_size=20))
def test_lease_lifecycles_keep_the_books_consistent(ops: list[Op]) -> None:
    b = books()
    for _, effect in ops:
        apply(b, effect)
        check_invariants(b)
