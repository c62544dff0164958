"""A circuit breaker on the store client: fast, honest failure while the store is unreachable.

Without it every request during a store outage waited for server selection and then failed. pymongo
already knows when the store is gone: it clears a server's connection pool on a network error (a
request's or its monitor's heartbeat) and marks the pool ready again after the next successful
heartbeat. The breaker listens to those two events, so it opens on the first failure and closes by
itself when the store answers again; while open, the service's routes answer 503 at once."""

from pymongo.monitoring import (
    ConnectionCheckedInEvent,
    ConnectionCheckedOutEvent,
    ConnectionCheckOutFailedEvent,
    ConnectionCheckOutStartedEvent,
    ConnectionClosedEvent,
    ConnectionCreatedEvent,
    ConnectionPoolListener,
    ConnectionReadyEvent,
    PoolClearedEvent,
    PoolClosedEvent,
    PoolCreatedEvent,
    PoolReadyEvent,
)

from parkops_runtime.errors import Unavailable

Address = tuple[str, int | None]


class StoreUnavailable(Unavailable):
    """The store is known to be unreachable; it is checked every heartbeat (1 s), so retry soon."""

    headers = {"Retry-After": "1"}


class BreakerState:
    """Which servers answer: open when every server seen has failed and none has answered since."""

    def __init__(self) -> None:
        self._up: set[Address] = set()
        self._down: set[Address] = set()

    @property
    def is_open(self) -> bool:
        return bool(self._down) and not self._up

    def failed(self, server: Address) -> None:
        self._up.discard(server)
        self._down.add(server)

    def answered(self, server: Address) -> None:
        self._down.discard(server)
        self._up.add(server)

    def closed(self, server: Address) -> None:
        """A server left the topology (the client closed, a replica set changed): it says nothing."""
        self._up.discard(server)
        self._down.discard(server)


class StoreBreaker(ConnectionPoolListener):
    """The pymongo listener (pass it in `event_listeners`); its callbacks run on the event loop."""

    def __init__(self) -> None:
        self.state = BreakerState()

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    def check(self) -> None:
        """Raise StoreUnavailable while the store is known to be unreachable (a route dependency)."""
        if self.state.is_open:
            raise StoreUnavailable("the store is unreachable; try again shortly")

    def pool_cleared(self, event: PoolClearedEvent) -> None:
        self.state.failed(event.address)

    def pool_ready(self, event: PoolReadyEvent) -> None:
        self.state.answered(event.address)

    def pool_closed(self, event: PoolClosedEvent) -> None:
        self.state.closed(event.address)

    def pool_created(self, event: PoolCreatedEvent) -> None:
        pass

    def connection_created(self, event: ConnectionCreatedEvent) -> None:
        pass

    def connection_ready(self, event: ConnectionReadyEvent) -> None:
        pass

    def connection_closed(self, event: ConnectionClosedEvent) -> None:
        pass

    def connection_check_out_started(self, event: ConnectionCheckOutStartedEvent) -> None:
        pass

    def connection_check_out_failed(self, event: ConnectionCheckOutFailedEvent) -> None:
        pass

    def connection_checked_out(self, event: ConnectionCheckedOutEvent) -> None:
        pass

    def connection_checked_in(self, event: ConnectionCheckedInEvent) -> None:
        pass
