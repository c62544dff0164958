"""Use cases of enterprise profiles: seeded by TenantOnboarded, retired by LeaseTerminated,
declared by the enterprise or its park operator."""

import copy

from parkops_contracts.events.leasing import TenantOnboarded
from parkops_runtime.auth import Principal
from parkops_runtime.errors import ConcurrencyConflict, Conflict, Forbidden

from matchmaking.access import OPERATORS, WRITERS, require_profile
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

    async def retire(self, tenant_id: str) -> None:
        """RetireProfile: the enterprise takes no part in new matches (idempotent)."""
        profile = self._state.profiles.get(tenant_id)
        if profile is None or not profile.enterprise.active:
            return
        changed = copy.deepcopy(profile)
        changed.retire()
        await self._profiles.save(changed)
        self._state.put_profile(changed)

    def profile(self, who: Principal, park_id: str, tenant_id: str) -> Profile:
        return require_profile(who, self._state.profiles.get(tenant_id), park_id, tenant_id)

    def profiles(self, who: Principal, park_id: str) -> list[Profile]:
        found = [p for p in self._state.profiles.values() if p.enterprise.park_id == park_id]
        visible = []
        for p in found:
            if who.sees_park(p.enterprise.group_id, park_id) and who.tenant_id in (
                None,
                p.enterprise.enterprise_id,
            ):
                visible.append(p)
        return sorted(visible, key=lambda p: p.enterprise.enterprise_id)

    async def declare(
        self,
        who: Principal,
        park_id: str,
        tenant_id: str,
        offerings: list[Offering],
        needs: list[Need],
        anchor: bool | None,
    ) -> Profile:
        """DeclareProfile: replace what an enterprise offers and needs; operators also set `anchor`."""
        who.require_role(*WRITERS)
        current = self.profile(who, park_id, tenant_id)
        changed = copy.deepcopy(current)
        chain = self._state.group(current.enterprise.group_id).chain
        changed.declare(offerings, needs, chain)
        if anchor is not None and anchor != current.enterprise.anchor:
            if who.role not in OPERATORS:
                raise Forbidden("only park operators mark anchor firms")
            changed.mark_anchor(anchor)
        try:
            await self._profiles.save(changed)
        except ConcurrencyConflict:
            raise Conflict(f"profile {tenant_id} changed meanwhile; reload and try again") from None
        self._state.put_profile(changed)
        return changed
