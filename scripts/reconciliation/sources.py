"""The services over HTTP (a client per service, the token's headers) and how kpi's scorecard shows a
figure (a scored KPI or one of its other figures, with the counts beside it)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from scripts.reconciliation.compare import Figure, NotCompared, Reported

SERVICES = ("leasing", "tickets", "finance", "matchmaking", "kpi")
Part = tuple[list[Figure], list[NotCompared]]


class CannotReconcile(Exception):
    """A service unreachable, a park unknown, an answer refused: the message says which."""


@dataclass
class Sources:
    """An HTTP client per service (its base URL set) and the headers to send (the bearer token)."""

    clients: Mapping[str, httpx.AsyncClient]
    headers: Mapping[str, str]
    cache: dict[str, Any] = field(default_factory=dict)

    async def get(self, service: str, path: str, absent_ok: bool = False, **params: str) -> Any:
        """The JSON of a 200 answer; None for a 404 when `absent_ok`; CannotReconcile otherwise."""
        client = self.clients[service]
        try:
            answer = await client.get(path, params=params, headers=dict(self.headers))
        except httpx.TransportError as exc:
            raise CannotReconcile(f"{service} is unreachable at {client.base_url}: {exc!r}") from exc
        if answer.status_code == 404 and absent_ok:
            return None
        if answer.status_code != 200:
            raise CannotReconcile(f"{service} answered {answer.status_code} to GET {path}: {answer.text}")
        return answer.json()


def number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def kpi_entry(card: dict[str, Any], key: str) -> dict[str, Any] | None:
    for kpi in card["kpis"]:
        if kpi["kpi"] == key:
            return dict(kpi)
    found = card["figures"].get(key)
    return None if found is None else dict(found)


def kpi_value(card: dict[str, Any], key: str, service: str = "kpi") -> Reported:
    entry = kpi_entry(card, key)
    return Reported.missing(service) if entry is None else Reported(service, number(entry["value"]))


def kpi_count(card: dict[str, Any], key: str, count: str, absent: Decimal | None = None) -> Reported:
    """A count kpi shows beside figure `key`; `absent` stands for a count it leaves out (kpi lists only
    the revenue streams it saw: an absent stream is 0)."""
    entry = kpi_entry(card, key)
    if entry is None or (count not in entry["counts"] and absent is None):
        return Reported.missing("kpi")
    return Reported("kpi", number(entry["counts"].get(count, absent)))
