"""A load generator of keyed writes, as a careful client sends them: each write has its own
`Idempotency-Key` and is sent again, with the same key, after a connection error, a timeout or a 503
until it is accepted or `give_up_after` passes (then it is "given up": the client never learnt its fate).

Operation i lists unit `U-i`; every `SIGNING_EVERY`-th also lists a home unit `H-i`, onboards tenant
`Enterprise i` into it and signs a lease on `U-i`, each write on the answer of the one before (a given-up
write ends its operation). With `tickets=True` operation i opens ticket `T-i` in the tickets service.
Every accepted write is recorded with its natural key (unit number, tenant name, leased unit, ticket
title) for the accounting to look for in the store and on Kafka."""

import asyncio
import time
from dataclasses import dataclass, field
from typing import Literal

import httpx

from tests.support.demo import enterprise

RETRYABLE = {502, 503, 504}
SIGNING_EVERY = 4
Kind = Literal["unit", "tenant", "lease", "ticket"]
LEASING_KINDS: tuple[Kind, ...] = ("unit", "tenant", "lease")

LEASES_START = "2027-01-01"
"""Every lease the load signs starts on this day: the day kpi's occupancy is checked on."""


@dataclass(frozen=True)
class Accepted:
    key: str
    kind: Kind
    park_id: str
    natural: str  # what the stored entity is found by: unit number, tenant name, the leased unit's id
    entity_id: str
    at: float  # monotonic


@dataclass
class Ledger:
    kinds: tuple[Kind, ...] = LEASING_KINDS  # what the load writes: what the accounting looks for
    accepted: list[Accepted] = field(default_factory=list)
    retries: int = 0
    unavailable: int = 0  # 503 answers (the honest "not now" of an outage)
    contended: int = 0  # 409 "changing too fast; try again": the version race lost too many times
    refused: list[str] = field(default_factory=list)  # any other answer: a failure of the scenario
    given_up: list[str] = field(default_factory=list)  # no answer (or only retryable ones) in time
    given_up_naturals: set[str] = field(default_factory=set)  # may be stored: the client cannot know

    def accepted_after(self, moment: float) -> Accepted | None:
        return next((a for a in self.accepted if a.at >= moment), None)

    def accepted_within(self, seconds: float, before: float) -> int:
        """Writes answered in the `seconds` up to `before` (a fault's moment)."""
        return sum(1 for a in self.accepted if before - seconds <= a.at <= before)

    def of(self, kind: Kind) -> list[Accepted]:
        return [a for a in self.accepted if a.kind == kind]


def contended(r: httpx.Response) -> bool:
    # leasing says so only in the detail (no Retry-After): told apart from a real conflict by its text
    return r.status_code == 409 and "try again" in r.text


UNITS_LISTED = "2026-01-01"
"""Every unit the load lists is on the market from this day, before `LEASES_START`: a lease never starts
before its units are listed, whatever day the load runs on."""


def unit_body(number: str) -> dict[str, object]:
    return {
        "building": "F",
        "floor": 1,
        "unit_number": number,
        "unit_type": "office",
        "area_m2": "10.00",
        "listed_on": UNITS_LISTED,
    }


def writes(ops: int, tickets: bool = False) -> int:
    """Writes of `ops` operations when none is given up."""
    return ops if tickets else ops + 3 * len(range(0, ops, SIGNING_EVERY))


class KeyedLoad:
    """`ops` operations over `parks` (whose pricing policy is set), sent by `workers` clients in turn to
    `bases` (several processes of one service); a retry goes to the next base, as a load balancer would."""

    def __init__(
        self,
        bases: list[str],
        headers: dict[str, str],
        parks: list[str],
        ops: int,
        workers: int,
        tag: str,
        give_up_after: float = 30.0,
        tickets: bool = False,
    ) -> None:
        self.bases, self.headers, self.parks, self.ops, self.workers = bases, headers, parks, ops, workers
        self.give_up_after, self.tickets = give_up_after, tickets
        ledger = Ledger(kinds=("ticket",)) if tickets else Ledger()
        self.tag, self.ledger, self._next, self._over = tag, ledger, 0, False
        self._progress = asyncio.Condition()

    async def run(self) -> Ledger:
        limits = httpx.Limits(max_connections=self.workers * 2)
        async with httpx.AsyncClient(timeout=httpx.Timeout(15, connect=2), limits=limits) as http:
            await asyncio.gather(*(self._worker(http) for _ in range(self.workers)))
        async with self._progress:
            self._over = True  # a fault's waiter is not left waiting for writes that were given up
            self._progress.notify_all()
        return self.ledger

    async def accepted_at_least(self, n: int) -> None:
        """Until `n` writes are accepted (or the load is over): the moment to inject a fault mid-load."""
        async with self._progress:
            await self._progress.wait_for(lambda: len(self.ledger.accepted) >= n or self._over)

    async def _worker(self, http: httpx.AsyncClient) -> None:
        while self._next < self.ops:
            i, self._next = self._next, self._next + 1
            await self._operation(http, i)

    async def _operation(self, http: httpx.AsyncClient, i: int) -> None:
        park, tag = self.parks[i % len(self.parks)], f"{self.tag}-{i}"
        if self.tickets:
            ticket = {"category": "repair", "priority": "normal", "title": f"T-{i}"}
            await self._write(
                http, i, "ticket", park, f"/parks/{park}/tickets", f"{tag}-ticket", ticket, f"T-{i}"
            )
            return
        units = f"/parks/{park}/units"
        unit = await self._write(http, i, "unit", park, units, f"{tag}-unit", unit_body(f"U-{i}"), f"U-{i}")
        if unit is None or i % SIGNING_EVERY:
            return
        home_body = unit_body(f"H-{i}")
        home = await self._write(http, i, "unit", park, units, f"{tag}-home", home_body, f"H-{i}")
        if home is None:
            return
        profile = enterprise(i, unit_ids=[home])
        name = str(profile["name"])
        tenants = f"/parks/{park}/tenants"
        tenant = await self._write(http, i, "tenant", park, tenants, f"{tag}-tenant", profile, name)
        if tenant is None:
            return
        lease = {"tenant_id": tenant, "unit_ids": [unit], "term_months": 12, "starts_on": LEASES_START}
        await self._write(http, i, "lease", park, f"/parks/{park}/leases", f"{tag}-lease", lease, unit)

    async def _write(
        self,
        http: httpx.AsyncClient,
        i: int,
        kind: Kind,
        park: str,
        path: str,
        key: str,
        body: dict[str, object],
        natural: str,
    ) -> str | None:
        """The created entity's id, or None when the write was refused or given up."""
        headers = {**self.headers, "Idempotency-Key": key}
        deadline, attempt, last = time.monotonic() + self.give_up_after, 0, "nothing"
        while time.monotonic() < deadline:
            base = self.bases[(i + attempt) % len(self.bases)]
            attempt += 1
            try:
                r = await http.post(f"{base}{path}", json=body, headers=headers)
            except httpx.TransportError as e:
                last = repr(e)
                self.ledger.retries += 1
                await asyncio.sleep(0.05)
                continue
            if r.status_code in RETRYABLE or contended(r):
                self.ledger.unavailable += r.status_code == 503
                self.ledger.contended += contended(r)
                last = f"{r.status_code} {r.text[:200]}"
                self.ledger.retries += 1
                await asyncio.sleep(0.1)
                continue
            if r.status_code != 201:
                self.ledger.refused.append(f"{key}: {r.status_code} {r.text[:200]}")
                return None
            entity_id = str(r.json()[f"{kind}_id"])
            async with self._progress:
                self.ledger.accepted.append(Accepted(key, kind, park, natural, entity_id, time.monotonic()))
                self._progress.notify_all()
            return entity_id
        self.ledger.given_up.append(f"{key} ({last})")
        self.ledger.given_up_naturals.add(natural)
        return None
