"""What an aggregate records: the events of its changes, kept until the store hands them over, once."""

from typing import Generic, TypeVar

from pydantic import BaseModel, PrivateAttr

E = TypeVar("E")


class RecordsEvents(BaseModel, Generic[E]):
    """Base of an aggregate that records events (never publishes them): `events` are those recorded
    since it was loaded, until `take_events` hands them over."""

    _events: list[E] = PrivateAttr(default_factory=list)

    @property
    def events(self) -> list[E]:
        return self._events

    def take_events(self) -> list[E]:
        taken, self._events = self._events, []
        return taken
