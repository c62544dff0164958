from decimal import Decimal

from finance.domain.commands import AcquireStake, Charge
from finance.domain.equity import StakeOrigin
from finance.domain.investments import acquire_stake, exit_stake, mark_to_valuation
from finance.domain.ledger import Account, Stream
from finance.domain.operations import accrue_operator_bonus, record_operating_cost, record_subsidy_received
from finance.domain.reports import revenue_report
from parkops_contracts.events.finance import EquityStakeAcquired, RevenueRecognized

from .books_fixtures import START, books, invoice

D = Decimal


def test_a_stake_is_marked_and_its_exit_realises_the_gain() -> None:
    b = books()
    acquire_stake(
        b, AcquireStake("s1", "t1", D(2), D("120000.00"), StakeOrigin.RENT_FOR_EQUITY, START), "agreed"
    )
    acquired = b.events[-1]
    assert isinstance(acquired, EquityStakeAcquired)
    assert acquired.model_dump(exclude={"park_id", "group_id"}) == {
        "cause": "agreed",
        "stake_id": "s1",
        "tenant_id": "t1",
        "percent": D(2),
        "cost_basis": D("120000.00"),
        "origin": "rent_for_equity",
        "acquired_on": START,
    }
    mark_to_valuation(b, "t1", D("10000000"), START, "metrics")
    assert b.stakes["s1"].carrying == D("200000.00")
    assert b.ledger.balances()[Account.REVALUATION_RESERVE] == D("-80000.00")
    exit_stake(b, "s1", D("250000.00"), START, "exit")
    gain = b.events[-1]
    assert isinstance(gain, RevenueRecognized)
    assert (gain.cause, gain.stream, gain.amount, gain.source_id, gain.recognized_on) == (
        "exit", Stream.INVESTMENT, D("130000.00"), "s1", START,
    )  # fmt: skip
    balances = b.ledger.balances()
    assert balances[Account.EQUITY_INVESTMENTS] == 0
    assert balances[Account.REVALUATION_RESERVE] == 0
    assert revenue_report(b.ledger, "2026").revenue_by_stream[Stream.INVESTMENT] == D("130000.00")


def test_revenue_report_ratios() -> None:
    b = books()
    invoice(b, "t1", "700.00")
    b.first_time("fee")
    b.issue_invoice(Charge("t1", Stream.VALUE_ADDED_SERVICES, D("300.00"), START, "platform"), "fee")
    record_operating_cost(b, D("800.00"), "staff", START, "cost")
    record_subsidy_received(b, D("250.00"), "grant", START, "subsidy")
    report = revenue_report(b.ledger, "2026-01")
    assert report.operating_revenue == D("1000.00")
    assert report.service_share == D("0.3000")
    assert not report.service_share_target_met
    assert report.revenue_to_cost == D("1.2500")
    assert report.subsidy_dependency == D("0.2000")
    assert revenue_report(b.ledger, "2025").service_share is None


def test_the_operator_bonus_is_an_accrued_operating_cost() -> None:
    b = books()
    for _ in range(3):
        accrue_operator_bonus(b, D("20000.00"), "2026 scorecard", START, "bonus-event")
    balances = b.ledger.balances()
    assert balances[Account.OPERATING_COST] == D("20000.00")
    assert balances[Account.ACCRUED_COST] == D("-20000.00")
