"""Use cases of a park group's matchmaking configuration: chain map, weights, group-wide matching."""

import copy
from collections.abc import Awaitable, Callable, Iterable

from parkops_kernel.errors import Conflict, NotFound
from parkops_runtime.access import GroupAccess, ParkAccess
from parkops_runtime.errors import ConcurrencyConflict

from matchmaking.domain.chain import IndustryChainMap, Segment
from matchmaking.domain.group import GroupConfig
from matchmaking.domain.scoring import Weights
from matchmaking.state import State
from matchmaking.store.repository import Repository

Change = Callable[[GroupConfig], None]
GroupKnown = Callable[[str], Awaitable[bool]]
"""Whether the park directory knows a park of the group."""


class GroupService:
    def __init__(self, state: State, groups: Repository[GroupConfig], known: GroupKnown) -> None:
        self._state = state
        self._groups = groups
        self._known = known

    def config(self, access: GroupAccess | ParkAccess) -> GroupConfig:
        return self._state.group(access.group_id)

    async def replace_chain(
        self, access: GroupAccess, segments: Iterable[Segment], edges: Iterable[tuple[str, str]]
    ) -> GroupConfig:
        """EditChainMap: a group admin replaces its group's segments and edges."""
        chain = IndustryChainMap.of(segments, edges)
        used = self._state.segments_in_use(access.group_id)
        return await self._change(access.group_id, lambda c: c.replace_chain(chain, used))

    async def configure(self, access: GroupAccess, weights: Weights, group_wide: bool) -> GroupConfig:
        """ConfigureMatching: a group admin sets the score weights and whether matching crosses parks."""

        def apply(config: GroupConfig) -> None:
            config.weights, config.group_wide = weights, group_wide

        return await self._change(access.group_id, apply)

    async def _change(self, group_id: str, change: Change) -> GroupConfig:
        """Stored only for a group that owns a park the directory knows: nothing for made-up groups."""
        if not await self._known(group_id):
            raise NotFound(f"group {group_id} not found")
        current = self._state.group(group_id)
        changed = copy.deepcopy(current)
        change(changed)
        try:
            if current.version == 0:
                await self._groups.add(changed)
            else:
                await self._groups.save(changed)
        except ConcurrencyConflict:
            raise Conflict(f"group {group_id} configuration changed meanwhile; try again") from None
        self._state.put_group(changed)
        return changed
