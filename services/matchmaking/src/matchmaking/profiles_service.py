"""Use cases of enterprise profiles: seeded by TenantOnboarded, retired by LeaseTerminated,
declared by the enterprise or its park operator."""

import copy

from parkops_contracts.events.leasing import TenantOnboarded
from parkops_kernel.errors import Conflict
from parkops_runtime.access import ParkAccess
from parkops_runtime.auth import STAFF
from parkops_runtime.errors import ConcurrencyConflict

from matchmaking.access import WRITERS, require_profile, visible_profiles
from matchmaking.domain.default_chain import segment_for_industry
from matchmaking.domain.profiles import Enterprise, Need, Offering, Profile
from matchmaking.state import State
from matchmaking.store.repository import Repository


class ProfileService:
    def __init__(self, state: State, profiles: Repository[Profile]) -> None:
        self._state = state
        self._profiles = profiles

    async def seed(self, event: TenantOnboarded) -> None:
        """SeedProfile: an onboarded enterprise gets a profile on the chain segment of its industry code.
        Idempotent: a redelivered event finds the profile there and changes nothing."""
        if event.tenant_id in self._state.profiles:
            return
        segment = segment_for_industry(event.industry_code)
        enterprise = Enterprise(event.tenant_id, event.park_id, event.group_id, event.name, segment)
        profile = Profile(enterprise)
        try:
            await self._profiles.add(profile)
        except ConcurrencyConflict:
            return
        self._state.put_profile(profile)

    async def retire(self, park_id: str, tenant_id: str) -> None:
        """RetireProfile: the enterprise takes no part in new matches (idempotent)."""
        profile = self._state.profile(park_id, tenant_id)
        if profile is None or not profile.enterprise.active:
            return
        changed = copy.deepcopy(profile)
        changed.retire()
        await self._profiles.save(changed)
        self._state.put_profile(changed)

    def profile(self, access: ParkAccess, tenant_id: str) -> Profile:
        return require_profile(access, self._state.profile(access.park_id, tenant_id), tenant_id)

    def profiles(self, access: ParkAccess) -> list[Profile]:
        return visible_profiles(access, self._state.profiles_in(access.park_id))

    async def declare(
        self,
        access: ParkAccess,
        tenant_id: str,
        offerings: list[Offering],
        needs: list[Need],
        anchor: bool | None,
    ) -> Profile:
        """DeclareProfile: replace what an enterprise offers and needs; operators also set `anchor`."""
        current = self.profile(access, tenant_id)
        access.require(*WRITERS)
        changed = copy.deepcopy(current)
        chain = self._state.group(current.enterprise.group_id).chain
        changed.declare(offerings, needs, chain)
        if anchor is not None and anchor != current.enterprise.anchor:
            access.require(*STAFF)  # only staff mark anchor firms
            changed.mark_anchor(anchor)
        try:
            await self._profiles.save(changed)
        except ConcurrencyConflict:
            raise Conflict(f"profile {tenant_id} changed meanwhile; reload and try again") from None
        self._state.put_profile(changed)
        return changed
