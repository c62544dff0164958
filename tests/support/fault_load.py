"""A load generator of keyed writes: each operation lists one unit with its own `Idempotency-Key` and is
sent again, with the same key, after a connection error or a 503 until it is accepted, as a careful
client would. Every accepted write is recorded, for the accounting to look for in the store and on Kafka."""

import asyncio
import time
from dataclasses import dataclass, field

import httpx

RETRYABLE = {502, 503, 504}


@dataclass(frozen=True)
class Accepted:
    key: str
    park_id: str
    unit_number: str
    unit_id: str
    at: float  # monotonic


@dataclass
class Ledger:
    accepted: list[Accepted] = field(default_factory=list)
    retries: int = 0
    unavailable: int = 0  # 503 answers (the honest "not now" of an outage)
    contended: int = 0  # 409 "changing too fast; try again": the version race lost too many times
    refused: list[str] = field(default_factory=list)  # any other answer: a failure of the scenario
    abandoned: list[str] = field(default_factory=list)  # never accepted within `give_up_after` (last answer)

    def accepted_after(self, moment: float) -> Accepted | None:
        return next((a for a in self.accepted if a.at >= moment), None)


def contended(r: httpx.Response) -> bool:
    # leasing says so only in the detail (no Retry-After): told apart from a real conflict by its text
    return r.status_code == 409 and "try again" in r.text


def unit_body(number: str) -> dict[str, object]:
    return {"building": "F", "floor": 1, "unit_number": number, "unit_type": "office", "area_m2": "10.00"}


class KeyedLoad:
    """`ops` unit listings over `parks`, sent by `workers` clients in turn to `bases` (several processes
    of one service); a retry goes to the next base, as a load balancer would send it."""

    def __init__(
        self,
        bases: list[str],
        headers: dict[str, str],
        parks: list[str],
        ops: int,
        workers: int,
        tag: str,
        give_up_after: float = 30.0,
    ) -> None:
        self.bases, self.headers, self.parks, self.ops, self.workers = bases, headers, parks, ops, workers
        self.give_up_after = give_up_after
        self.tag, self.ledger, self._next = tag, Ledger(), 0
        self._progress = asyncio.Condition()

    async def run(self) -> Ledger:
        limits = httpx.Limits(max_connections=self.workers * 2)
        async with httpx.AsyncClient(timeout=httpx.Timeout(15, connect=2), limits=limits) as http:
            await asyncio.gather(*(self._worker(http) for _ in range(self.workers)))
        return self.ledger

    async def accepted_at_least(self, n: int) -> None:
        """Until `n` writes are accepted (or the load is over): the moment to inject a fault mid-load."""
        async with self._progress:
            await self._progress.wait_for(lambda: len(self.ledger.accepted) >= min(n, self.ops))

    async def _worker(self, http: httpx.AsyncClient) -> None:
        while self._next < self.ops:
            i, self._next = self._next, self._next + 1
            await self._one(http, i)

    async def _one(self, http: httpx.AsyncClient, i: int) -> None:
        key, park, number = f"{self.tag}-{i}", self.parks[i % len(self.parks)], f"U-{i}"
        headers = {**self.headers, "Idempotency-Key": key}
        deadline, attempt, last = time.monotonic() + self.give_up_after, 0, "nothing"
        while time.monotonic() < deadline:
            base = self.bases[(i + attempt) % len(self.bases)]
            attempt += 1
            try:
                r = await http.post(f"{base}/parks/{park}/units", json=unit_body(number), headers=headers)
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
                return
            unit_id = str(r.json()["unit_id"])
            async with self._progress:
                self.ledger.accepted.append(Accepted(key, park, number, unit_id, time.monotonic()))
                self._progress.notify_all()
            return
        self.ledger.abandoned.append(f"{key} ({last})")
        self._next = self.ops  # the scenario has failed: the other workers finish their operation and stop
