"""kpi's read model as one replicated view (`parkops_runtime.replicated_view`): every replica follows
every partition of the topics kpi reads and folds every event itself, so any replica answers what one
would; it starts from the latest snapshot plus the log since, or from the beginning of the log.

The view holds the parks' facts (`kpi.projections`) and the parks' terms (`KpiTermsChanged`). kpi's
published assessments and scans are followed too, though they fold into nothing here (assessments are
read from the store): a read sent the consistency token of such a write then waits for its event like
any other. A snapshot is the pickled state, read back only into kpi's and the contracts' own classes.

A second delivery of an event (an outbox relay that republished it: `parkops_runtime.outbox`; the
producer's idempotence covers the broker's own retries) changes nothing: the recent ids of each
partition are skipped here, and a fact counted once is found under its event id however late the
repeat comes (`kpi.projections`). The follower itself never folds an offset twice."""

import io
import pickle
from collections import deque
from collections.abc import Sequence

from parkops_contracts.base import Event
from parkops_contracts.events import kpi as kpi_events
from parkops_contracts.events.kpi import KpiTermsChanged
from parkops_runtime.consumer import Delivery
from parkops_runtime.snapshots import CorruptSnapshot

from kpi.domain.ledger import CONSUMED
from kpi.projections import Projections
from kpi.queries.scorecards import TermsMemory

FOLLOWED: tuple[type[Event], ...] = (*CONSUMED, *kpi_events.PUBLISHED)
"""The topics every replica follows: the other services' facts and kpi's own publications."""
FACTS = frozenset(CONSUMED)
FORMAT = b"kpi-view/3\n"
"""/2: facts folded into per-day totals and packed tickets; no per-event id set. /3: hex ticket ids kept
as their 16 bytes (`kpi.domain.ticket_table`). A snapshot of an earlier format is refused: the view is
then rebuilt from the log."""
RECENT = 1_024
"""Ids remembered per partition, so a prompt copy (a relay republishes within minutes, on the event's key)
is not counted among the facts applied. Counted facts never depend on it (`kpi.projections`); a fact kept
by arrival per key (a unit's listing, a lease) copied after more than this many events of its partition and
after a newer fact of the same key would be put back: a relay's copy comes within a minute or two."""
SAFE_MODULES = ("kpi.", "parkops_contracts.", "parkops_kernel.")
SAFE_GLOBALS = {
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "bytearray"),
    ("collections", "deque"),
    ("decimal", "Decimal"),
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("copyreg", "_reconstructor"),
    ("builtins", "object"),
    ("pydantic_core._pydantic_core", "TzInfo"),  # the timezone of datetimes pydantic parsed
}


class KpiView:
    def __init__(self) -> None:
        self.projections = Projections()
        self.terms = TermsMemory()
        self.recent: dict[tuple[str, int], RecentIds] = {}

    def fold(self, deliveries: Sequence[Delivery]) -> None:
        partition, recent = None, RecentIds()
        for delivery in deliveries:
            where = (delivery.topic, delivery.partition)
            if where != partition:  # looked up once per run of one partition (a follower's whole batch)
                partition = where
                recent = self._recent_of(where)
            meta, event = delivery.meta, delivery.event
            if not recent.add(meta.id):
                continue
            if type(event) in FACTS:  # a set, not isinstance of 17 classes: decoding builds no subclass
                self.projections.apply(event, meta.time, meta.id)
            elif isinstance(event, KpiTermsChanged):
                self.terms.fold(event)

    def _recent_of(self, where: tuple[str, int]) -> "RecentIds":
        recent = self.recent.get(where)
        if recent is None:
            recent = self.recent[where] = RecentIds()
        return recent

    def dump(self) -> bytes:
        state = (self.projections.state(), self.terms.state(), self.recent)
        return FORMAT + pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)

    def restore(self, state: bytes) -> None:
        if not state.startswith(FORMAT):
            raise CorruptSnapshot("not a snapshot of kpi's view in this format")
        try:
            projections, terms, recent = _Unpickler(io.BytesIO(state[len(FORMAT) :])).load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as exc:
            raise CorruptSnapshot(f"kpi's view: {exc}") from exc
        self.projections.restore(projections)
        self.terms.restore(terms)
        self.recent = recent


class RecentIds:
    """The last `RECENT` event ids of one partition, in the order folded."""

    __slots__ = ("_ids", "_order")

    def __init__(self) -> None:
        self._order: deque[str] = deque()
        self._ids: set[str] = set()

    def add(self, event_id: str) -> bool:
        """Remember the id; False when it is among the recent ones already."""
        if event_id in self._ids:
            return False
        self._ids.add(event_id)
        self._order.append(event_id)
        if len(self._order) > RECENT:
            self._ids.discard(self._order.popleft())
        return True

    def __getstate__(self) -> list[str]:
        return list(self._order)

    def __setstate__(self, state: list[str]) -> None:
        self._order, self._ids = deque(state), set(state)


class _Unpickler(pickle.Unpickler):
    """Builds only kpi's, the contracts' and the kernel's classes and a few standard values: a snapshot is
    written by kpi itself, and one altered in the store still runs no code of its choosing."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in SAFE_GLOBALS:
            return super().find_class(module, name)
        if module.startswith(SAFE_MODULES) and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type):  # a class of its own, never a function or a module it imports
                return found
        raise pickle.UnpicklingError(f"a kpi snapshot holds no {module}.{name}")
