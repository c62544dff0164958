"""An in-memory read model every replica holds whole: restored from the latest snapshot, then following
every partition of its topics (`follower`), checkpointed now and then (`snapshots`).

Start-up costs the snapshot's load plus the tail since it, not all history; without a snapshot (or with
a damaged one) the view is rebuilt from the beginning of the log, the path that always works. The view
is ready (the service's readiness waits for it) once it has folded what was on the log at start-up."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol

import structlog
from fastapi import Header
from parkops_contracts.base import Event

from parkops_runtime.consistency import HEADER, NotCaughtUp, Token, Versions, parse, render
from parkops_runtime.consumer import Delivery
from parkops_runtime.follower import Fold, Follower, Offsets, Reject
from parkops_runtime.snapshots import CorruptSnapshot, Snapshots
from parkops_runtime.tasks import stop_task

log = structlog.get_logger(__name__)
FollowerFactory = Callable[[Fold], Follower]


class ReadModel(Protocol):
    def fold(self, deliveries: Sequence[Delivery]) -> None:
        """Apply events in log order; an event seen before (same source and id) changes nothing."""
        ...

    def dump(self) -> bytes: ...

    def restore(self, state: bytes) -> None:
        """Replace the state by a snapshot's; raise `CorruptSnapshot` (unchanged) for one it cannot read:
        the view is then rebuilt from the log."""
        ...


@dataclass
class StartUp:
    """How the view came up: from a snapshot (and how old its offsets were) or from nothing."""

    from_snapshot: bool = False
    snapshot_seconds: float = 0.0
    ready_seconds: float = 0.0


@dataclass(frozen=True)
class Checkpoints:
    every_seconds: float = 300.0
    """How often a replica saves a snapshot when it has folded anything since the last one."""
    enabled: bool = True


class ReplicatedView:
    def __init__(
        self,
        name: str,
        model: ReadModel,
        follower_of: FollowerFactory,
        snapshots: Snapshots,
        checkpoints: Checkpoints = Checkpoints(),
    ) -> None:
        self.name, self.model, self._snapshots, self._checkpoints = name, model, snapshots, checkpoints
        self._folded_since_save = 0
        self.versions = Versions()
        self.follower = follower_of(self._fold)
        self.start_up = StartUp()
        self._started = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        return self.follower.ready

    async def start(self) -> None:
        self._started = time.monotonic()
        offsets = await self._restore()
        await self.follower.start(offsets)
        self._task = asyncio.create_task(self._run(), name=f"view {self.name}")

    async def stop(self) -> None:
        await stop_task(self._task)
        await self.follower.stop()

    async def checkpoint(self) -> int:
        """Save a snapshot now; returns its size. State and offsets are taken with no `await` between
        them, so the snapshot reflects exactly the events before its offsets."""
        offsets, state = dict(self.follower.position), joined(self.versions.dump(), self.model.dump())
        self._folded_since_save = 0
        return await self._snapshots.save(self.name, state, offsets)

    async def caught_up(self, tokens: list[Token], wait_seconds: float) -> None:
        """Returns once this replica has folded the writes the tokens name; NotCaughtUp (503) if it has
        not within `wait_seconds`."""
        try:
            async with asyncio.timeout(wait_seconds):
                await self.follower.folded_until(lambda: self.versions.reached(tokens))
        except TimeoutError:
            raise NotCaughtUp(
                f"this replica has not yet caught up with {render(tokens)}; try again"
            ) from None

    async def _restore(self) -> Offsets | None:
        began = time.monotonic()
        try:
            snapshot = await self._snapshots.load(self.name)
            if snapshot is None:
                return None
            versions, state = split(snapshot.state)
            self.model.restore(state)  # may raise CorruptSnapshot too (e.g. a format it no longer reads)
        except CorruptSnapshot:
            log.warning("damaged snapshot; rebuilding the view from the log", view=self.name, exc_info=True)
            return None
        self.versions.restore(versions)
        self.start_up = StartUp(from_snapshot=True, snapshot_seconds=time.monotonic() - began)
        return snapshot.offsets

    async def _run(self) -> None:
        await self.follower.wait_ready()
        self.start_up.ready_seconds = time.monotonic() - self._started
        log.info(
            "view ready",
            view=self.name,
            from_snapshot=self.start_up.from_snapshot,
            seconds=round(self.start_up.ready_seconds, 2),
        )
        while self._checkpoints.enabled:
            await asyncio.sleep(self._checkpoints.every_seconds)
            if self._folded_since_save:
                try:
                    await self.checkpoint()
                except Exception:  # a failed checkpoint costs start-up time later, never the service
                    log.warning("snapshot failed", view=self.name, exc_info=True)

    def _fold(self, deliveries: Sequence[Delivery]) -> None:
        self.model.fold(deliveries)
        for delivery in deliveries:
            self.versions.note(delivery.headers)
        self._folded_since_save += len(deliveries)


def joined(first: bytes, second: bytes) -> bytes:
    return len(first).to_bytes(8, "big") + first + second


def split(state: bytes) -> tuple[bytes, bytes]:
    size = int.from_bytes(state[:8], "big")
    return state[8 : 8 + size], state[8 + size :]


def fresh_read(view: "ReplicatedView", wait_seconds: float) -> Callable[..., Awaitable[None]]:
    """A FastAPI dependency for the routes that read `view`: a request sent consistency tokens waits
    until this replica has folded the writes they name (see `parkops_runtime.consistency`)."""

    async def after_tokens(
        token: Annotated[
            str | None,
            Header(
                alias=HEADER,
                max_length=4_000,
                description="Tokens a write answered with: the answer reflects those writes (or 503).",
            ),
        ] = None,
    ) -> None:
        if token:
            await view.caught_up(parse(token), wait_seconds)

    return after_tokens


def follower_factory(
    bootstrap_servers: str,
    contracts: Sequence[type[Event]],
    topic_prefix: str,
    dead_letter: Reject | None = None,
) -> FollowerFactory:
    def make(fold: Fold) -> Follower:
        return Follower(
            bootstrap_servers, contracts, fold, topic_prefix=topic_prefix, dead_letter=dead_letter
        )

    return make
