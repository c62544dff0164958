"""A lease as its own aggregate: one small document per lease, so signing, renewing or terminating one
lease writes that lease (and the books of its units, `leasing.domain.unit_book`), never the whole park.

Its events (LeaseSigned, LeaseTerminated, UnitOccupied, RentForEquityAgreed) are committed with it. A
renewal is one commit of the lease it renews: that lease marked renewed, the new lease kept in its
`renewal` and LeaseRenewed with it; the new lease's own document is written next, and a read that finds
it missing (a writer that died in between) takes it from there. A renewal's id is derived from the
lease it renews (`renewal_id`): a lease is renewed at most once."""

import uuid

from parkops_contracts.base import Event
from parkops_kernel.recording import RecordsEvents

from leasing.domain.lease import Lease

_RENEWAL = uuid.UUID("5d0c2a8e-7f31-4b6a-9c0e-2f4b8a1d6e73")


class LeaseFile(RecordsEvents[Event]):
    park_id: str
    lease: Lease
    renewal: Lease | None = None  # the lease renewing this one, kept here by the renewal's one commit

    def record_all(self, events: list[Event]) -> None:
        """The events of a change worked out on the park (`leasing.domain.lease_book`), kept with it."""
        self._events.extend(events)


def renewal_id(park_id: str, lease_id: str) -> str:
    """The id of the lease that renews `lease_id`: a lease is renewed at most once."""
    return uuid.uuid5(_RENEWAL, f"{park_id}\n{lease_id}").hex
