"""Read your own write on any replica: a consistency token.

Every event an aggregate's change records carries the aggregate and the version the change made
(Kafka headers `parkops_aggregate`, `parkops_version`). A write that recorded events answers with the
header `Parkops-Consistency-Token`: `<source> <aggregate> <version>` for each aggregate it changed,
comma-separated. A read of a replica's in-memory view that is sent the token waits (up to the service's
`consistency_wait_seconds`) until the view has folded an event of that aggregate at that version or a
later one, then answers; if it has not by then, 503 with `Retry-After` — never an answer older than the
caller's own write. Without the header a read answers at once, at most the replicas' stated lag behind."""

import contextvars
import json
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote

from parkops_kernel.errors import Unprocessable

from parkops_runtime.errors import Unavailable
from parkops_runtime.events import OutboundEvent

HEADER = "Parkops-Consistency-Token"
AGGREGATE_HEADER = "parkops_aggregate"
VERSION_HEADER = "parkops_version"
MAX_TOKENS = 20


@dataclass(frozen=True)
class Token:
    source: str
    aggregate: str
    version: int

    def __str__(self) -> str:
        return f"{quote(self.source, safe='/')} {quote(self.aggregate, safe='/')} {self.version}"


def parse(header: str) -> list[Token]:
    """The tokens of a request header; 422 naming the header when it is not one this platform wrote."""
    tokens: list[Token] = []
    for part in header.split(","):
        fields = part.split()
        if len(fields) != 3 or not fields[2].isdigit() or len(tokens) == MAX_TOKENS:
            raise Unprocessable(f"{HEADER}: not a token this platform issued", HEADER, "header")
        tokens.append(Token(unquote(fields[0]), unquote(fields[1]), int(fields[2])))
    return tokens


def render(tokens: list[Token]) -> str:
    return ", ".join(str(t) for t in tokens)


class NotCaughtUp(Unavailable):
    """This replica has not yet folded the write the caller names; another try will find it."""

    headers = {"Retry-After": "1"}


_written: contextvars.ContextVar[list[Token] | None] = contextvars.ContextVar("written", default=None)


def collecting() -> "Collector":
    """What the HTTP layer opens around a request: the tokens of the writes made while it runs."""
    return Collector()


class Collector:
    def __init__(self) -> None:
        self.tokens: list[Token] = []

    def __enter__(self) -> "Collector":
        self._reset = _written.set(self.tokens)
        return self

    def __exit__(self, *_: object) -> None:
        _written.reset(self._reset)


def record_write(token: Token) -> None:
    """Called by the write path for each change that recorded events (outside a request: ignored)."""
    written = _written.get()
    if written is not None:
        written[:] = [t for t in written if (t.source, t.aggregate) != (token.source, token.aggregate)]
        written.append(token)


def stamped(event: OutboundEvent, written: Token) -> OutboundEvent:
    headers = {**event.headers, AGGREGATE_HEADER: written.aggregate, VERSION_HEADER: str(written.version)}
    return replace(event, headers=headers)


def token_of(headers: dict[str, str]) -> Token | None:
    """The token an event's headers carry (None for events written before tokens existed)."""
    aggregate, version = headers.get(AGGREGATE_HEADER), headers.get(VERSION_HEADER)
    source = headers.get("ce_source")
    if aggregate and version and version.isdigit() and source:
        return Token(source, aggregate, int(version))
    return None


class Versions:
    """The latest version of each aggregate whose events a view has folded (what tokens are checked
    against); saved with the view's snapshot, so a replica started from one still knows them."""

    def __init__(self) -> None:
        self._latest: dict[tuple[str, str], int] = {}

    def note(self, headers: dict[str, str]) -> None:
        token = token_of(headers)  # once per event folded: no generator
        if token is not None:
            key = (token.source, token.aggregate)
            self._latest[key] = max(self._latest.get(key, 0), token.version)

    def reached(self, tokens: list[Token]) -> bool:
        return all(self._latest.get((t.source, t.aggregate), 0) >= t.version for t in tokens)

    def dump(self) -> bytes:
        return json.dumps([[s, a, v] for (s, a), v in self._latest.items()]).encode()

    def restore(self, state: bytes) -> None:
        self._latest = {(s, a): int(v) for s, a, v in json.loads(state)}
