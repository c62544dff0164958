"""Small hand-made enterprises, offerings and needs for the engine's unit tests."""

from datetime import UTC, datetime

from matchmaking.domain.default_chain import default_chain_map
from matchmaking.domain.matcher import MatchIndex
from matchmaking.domain.profiles import Enterprise, Kind, Need, Offering
from matchmaking.domain.scoring import Weights
from parkops_contracts.base import Event
from parkops_contracts.envelope import CloudEventMeta
from parkops_runtime.consumer import Delivery

GROUP = "g1"


def firm(eid: str, segment: str | None, park: str = "p1", anchor: bool = False) -> Enterprise:
    return Enterprise(eid, park, GROUP, f"Firm {eid}", segment, anchor)


def offer(
    oid: str, eid: str, text: str, segment: str | None, capacity: float = 1000, certs: str = ""
) -> Offering:
    held = frozenset(c.strip() for c in certs.split(",") if c.strip())
    return Offering(oid, eid, text, segment, capacity, held)


def need(
    eid: str,
    text: str,
    segment: str | None = None,
    volume: float = 100,
    certs: str = "",
    kind: Kind = Kind.SUPPLY,
) -> Need:
    required = frozenset(c.strip() for c in certs.split(",") if c.strip())
    return Need(f"n-{eid}", eid, text, segment, volume, required, None, kind)


def index_of(
    firms: list[Enterprise],
    offerings: list[Offering],
    weights: Weights | None = None,
    group_wide: bool = True,
) -> MatchIndex:
    index = MatchIndex(default_chain_map(), weights or Weights(), group_wide)
    for f in firms:
        index.put_enterprise(f)
        index.put_offerings(f.enterprise_id, [o for o in offerings if o.enterprise_id == f.enterprise_id])
    return index


def delivery(event: Event, offset: int = 0) -> Delivery:
    """An event as a follower hands it to a view (no version header: folded as it comes)."""
    meta = CloudEventMeta(
        id=f"e{offset}", source="/parkops/matchmaking", type=event.ce_type(), time=datetime.now(UTC)
    )
    return Delivery(meta, event, {}, event.topic(), 0, offset)
