"""Event ids kept compactly: the facts behind a figure (a drill-down names them) at 16 bytes each.

The services' ids are 32 lowercase hex digits (`parkops_runtime.ids.new_id`, a UUID's hex); such an id
is kept as its 16 bytes, any other id as the text it is."""

from collections.abc import Iterator

WIDTH = 16


def packed(event_id: str) -> bytes | None:
    """The 16 bytes of a 32-hex-digit id that reads back the same; None for any other id."""
    if len(event_id) != 2 * WIDTH:
        return None
    try:
        raw = bytes.fromhex(event_id)
    except ValueError:
        return None
    return raw if raw.hex() == event_id else None  # an upper-case id is kept as text


class IdList:
    """A bag of distinct event ids: 16 bytes per hex id in one buffer, other ids in a list."""

    __slots__ = ("_other", "_packed")

    def __init__(self) -> None:
        self._packed = bytearray()
        self._other: list[str] | None = None

    def add(self, event_id: str) -> bool:
        """Add the id; False, and nothing changed, when it is there already."""
        if event_id in self:
            return False
        raw = packed(event_id)
        if raw is not None:
            self._packed += raw
        else:
            if self._other is None:
                self._other = []
            self._other.append(event_id)
        return True

    def remove(self, event_id: str) -> bool:
        raw = packed(event_id)
        if raw is None:
            if self._other is None or event_id not in self._other:
                return False
            self._other.remove(event_id)
            return True
        at = self._find(raw)
        if at < 0:
            return False
        del self._packed[at : at + WIDTH]
        return True

    def __contains__(self, event_id: str) -> bool:
        raw = packed(event_id)
        if raw is None:
            return self._other is not None and event_id in self._other
        return self._find(raw) >= 0

    def _find(self, raw: bytes) -> int:
        at = self._packed.find(raw)
        while at >= 0 and at % WIDTH:  # a match across two ids: look further
            at = self._packed.find(raw, at + 1)
        return at

    def __iter__(self) -> Iterator[str]:
        data = self._packed
        for at in range(0, len(data), WIDTH):
            yield data[at : at + WIDTH].hex()
        yield from self._other or ()

    def __len__(self) -> int:
        return len(self._packed) // WIDTH + len(self._other or ())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdList) and sorted(self) == sorted(other)

    def __getstate__(self) -> tuple[bytes, list[str] | None]:
        return bytes(self._packed), self._other

    def __setstate__(self, state: tuple[bytes, list[str] | None]) -> None:
        self._packed, self._other = bytearray(state[0]), state[1]
