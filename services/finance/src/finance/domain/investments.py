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
from finance.domain.commands import AcquireStake
from finance.domain.equity import Stake, StakeOrigin
from finance.domain.ledger import Account, Stream, revenue_account


def acquire_stake(books: ParkBooks, stake: AcquireStake, cause: str) -> Stake | None:
    if stake.stake_id in books.stakes and cause not in books.applied:
        raise Conflict(f"stake {stake.stake_id} already exists")
    if not books.first_time(cause):
        return None
    held = Stake(
        stake_id=stake.stake_id,
        tenant_id=stake.tenant_id,
        percent=stake.percent,
        cost_basis=stake.cost_basis,
        carrying=stake.cost_basis,
        origin=stake.origin,
        acquired_on=stake.on,
    )
    books.stakes[held.stake_id] = held
    paid_with = revenue_account(Stream.RENT) if stake.origin is StakeOrigin.RENT_FOR_EQUITY else Account.CASH
    books.post(
        stake.on,
        cause,
        f"stake {held.stake_id}: {held.percent}% of {held.tenant_id} ({held.origin.value})",
        (Account.EQUITY_INVESTMENTS, held.cost_basis),
        (paid_with, -held.cost_basis),
    )
    books.announce(EquityStakeAcquired, cause, held)
    return held


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
    books.announce(
        RevenueRecognized, cause, stream=Stream.INVESTMENT, amount=gain, source_id=stake_id, recognized_on=on
    )
    return stake
