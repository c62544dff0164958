"""Equity stakes: rent-for-equity and park-fund investments, marks to valuation, exits.

Postings: rent-for-equity Dr equity investments / Cr unearned rent (the rent is received in kind, a
liability until earned), then each waived month once a billing run reaches it Dr unearned rent / Cr rent
revenue on the month's first day (`RevenueRecognized`; a termination earns what is left on its last
day); park fund Dr equity investments / Cr cash; a mark moves the carrying value against the
revaluation reserve; an exit Dr cash (proceeds), Cr equity investments (carrying), Dr revaluation
reserve (unrealised), Cr investment revenue (proceeds - cost basis: the realised gain,
`RevenueRecognized`)."""

from datetime import date
from decimal import Decimal

from parkops_contracts.events.finance import EquityStakeAcquired
from parkops_kernel.errors import Conflict, NotFound

from finance.domain.billing import WAIVED_FOR_EQUITY
from finance.domain.books import ParkBooks
from finance.domain.commands import AcquireStake
from finance.domain.equity import RentInKind, Stake, StakeOrigin
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
    in_kind = stake.origin is StakeOrigin.RENT_FOR_EQUITY
    paid_with = Account.UNEARNED_RENT if in_kind else Account.CASH
    books.post(
        stake.on,
        cause,
        f"stake {held.stake_id}: {held.percent}% of {held.tenant_id} ({held.origin.value})",
        (Account.EQUITY_INVESTMENTS, held.cost_basis),
        (paid_with, -held.cost_basis),
        source=held.stake_id,
    )
    books.announce(EquityStakeAcquired, cause, held)
    if in_kind and stake.lease_id is not None and stake.months_waived > 0:
        books.rents_in_kind[stake.lease_id] = RentInKind(
            lease_id=stake.lease_id, stake_id=held.stake_id, total=held.cost_basis, months=stake.months_waived
        )
        earn_rent_in_kind(books, stake.lease_id, cause)  # waived months billed before it arrived
    return held


def earn_rent_in_kind(books: ParkBooks, lease_id: str, cause: str) -> None:
    """Earn the waived months of a lease that billing runs have reached: Dr unearned rent / Cr rent
    revenue on each month's first day."""
    owed, schedule = books.rents_in_kind.get(lease_id), books.schedules.get(lease_id)
    if owed is None or schedule is None:
        return
    for line in schedule.lines:
        if line.rule == WAIVED_FOR_EQUITY and line.month in schedule.billed:
            amount = owed.earn_month(line.month)
            memo = f"rent of lease {lease_id}, month {line.month}, waived for stake {owed.stake_id}: earned"
            lines = (Account.UNEARNED_RENT, amount), (revenue_account(Stream.RENT), -amount)
            books.post(line.starts_on, cause, memo, *lines, source=owed.stake_id)


def earn_rest_in_kind(books: ParkBooks, lease_id: str, on: date, cause: str) -> None:
    """A lease ended: the rent waived for months it no longer runs is earned on its last day (the park
    keeps the stake; nothing is owed back)."""
    owed = books.rents_in_kind.get(lease_id)
    if owed is None:
        return
    amount = owed.earn_rest()
    memo = f"lease {lease_id} ended {on}: rest of the rent waived for stake {owed.stake_id} earned"
    lines = (Account.UNEARNED_RENT, amount), (revenue_account(Stream.RENT), -amount)
    books.post(on, cause, memo, *lines, source=owed.stake_id)


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
            source=stake.stake_id,
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
        source=stake_id,
    )
    stake.exited_on = on
    return stake
