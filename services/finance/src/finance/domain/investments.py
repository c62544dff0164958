"""Equity stakes: rent-for-equity and park-fund investments, marks to valuation, exits.

Postings: rent-for-equity Dr equity investments / Cr rent revenue (rent earned in kind); park fund
Dr equity investments / Cr cash; a mark moves the carrying value against the revaluation reserve;
an exit Dr cash (proceeds), Cr equity investments (carrying), Dr revaluation reserve (unrealised),
Cr investment revenue (proceeds - cost basis: the realised gain, `RevenueRecognized`)."""

from datetime import date
from decimal import Decimal

from parkops_contracts.events.finance import EquityStakeAcquired, RevenueRecognized
from parkops_kernel.errors import Conflict, NotFound

from finance.domain.books import ParkBooks
from finance.domain.equity import Stake, StakeOrigin
from finance.domain.ledger import Account, Stream, revenue_account


def acquire_stake(
    books: ParkBooks,
    stake_id: str,
    tenant_id: str,
    percent: Decimal,
    cost_basis: Decimal,
    origin: StakeOrigin,
    on: date,
    cause: str,
) -> Stake | None:
    if stake_id in books.stakes and cause not in books.applied:
        raise Conflict(f"stake {stake_id} already exists")
    if not books.first_time(cause):
        return None
    stake = Stake(
        stake_id=stake_id,
        tenant_id=tenant_id,
        percent=percent,
        cost_basis=cost_basis,
        carrying=cost_basis,
        origin=origin,
        acquired_on=on,
    )
    books.stakes[stake_id] = stake
    paid_with = revenue_account(Stream.RENT) if origin is StakeOrigin.RENT_FOR_EQUITY else Account.CASH
    books.post(
        on,
        cause,
        f"stake {stake_id}: {percent}% of {tenant_id} ({origin.value})",
        (Account.EQUITY_INVESTMENTS, cost_basis),
        (paid_with, -cost_basis),
    )
    books.record(
        EquityStakeAcquired(
            **books.ids(),
            cause=cause,
            stake_id=stake_id,
            tenant_id=tenant_id,
            percent=percent,
            cost_basis=cost_basis,
            origin=origin.value,
            acquired_on=on,
        )
    )
    return stake


def mark_to_valuation(books: ParkBooks, tenant_id: str, valuation: Decimal, on: date, cause: str) -> None:
    """Every active stake in the tenant is carried at its share of the reported valuation."""
    if not books.first_time(cause):
        return
    for stake in books.stakes.values():
        if stake.tenant_id != tenant_id or stake.exited_on is not None:
            continue
        delta = stake.marked_value(valuation) - stake.carrying
        stake.carrying += delta
        books.post(
            on,
            cause,
            f"stake {stake.stake_id} marked to valuation {valuation}",
            (Account.EQUITY_INVESTMENTS, delta),
            (Account.REVALUATION_RESERVE, -delta),
        )


def exit_stake(books: ParkBooks, stake_id: str, proceeds: Decimal, on: date, cause: str) -> Stake:
    stake = books.stakes.get(stake_id)
    if stake is None:
        raise NotFound(f"stake {stake_id} not found")
    if stake.exited_on is not None:
        if cause in books.applied:
            return stake
        raise Conflict(f"stake {stake_id} was exited on {stake.exited_on}")
    books.first_time(cause)
    gain = proceeds - stake.cost_basis
    books.post(
        on,
        cause,
        f"exit of stake {stake_id}",
        (Account.CASH, proceeds),
        (Account.EQUITY_INVESTMENTS, -stake.carrying),
        (Account.REVALUATION_RESERVE, stake.unrealised),
        (revenue_account(Stream.INVESTMENT), -gain),
    )
    stake.exited_on = on
    books.record(
        RevenueRecognized(
            **books.ids(),
            cause=cause,
            stream=Stream.INVESTMENT,
            amount=gain,
            source_id=stake_id,
            recognized_on=on,
        )
    )
    return stake
