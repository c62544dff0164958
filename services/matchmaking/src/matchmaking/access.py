"""Who sees and changes what. Out-of-scope objects answer 404 exactly like missing ones."""

from parkops_runtime.auth import Principal, Role
from parkops_runtime.errors import NotFound, Unprocessable

from matchmaking.domain.profiles import Profile
from matchmaking.domain.proposal import Proposal

OPERATORS = (Role.GROUP_ADMIN, Role.PARK_OPERATOR)
WRITERS = (*OPERATORS, Role.TENANT_USER)


def require_profile(who: Principal, profile: Profile | None, park_id: str, tenant_id: str) -> Profile:
    """The profile, when it is in this park and the caller may see it (a tenant user: its own only)."""
    if profile is None or profile.enterprise.park_id != park_id:
        raise NotFound(f"enterprise {tenant_id} not found")
    who.require_park(profile.enterprise.group_id, park_id, "enterprise")
    if who.role is Role.TENANT_USER and who.tenant_id != tenant_id:
        raise NotFound(f"enterprise {tenant_id} not found")
    return profile


def sees_proposal(who: Principal, proposal: Proposal) -> bool:
    if who.group_id != proposal.group_id:
        return False
    if who.role is Role.TENANT_USER:
        return who.tenant_id is not None and proposal.involves(who.tenant_id)
    parks = (proposal.buyer_park_id, proposal.supplier_park_id)
    return any(who.sees_park(proposal.group_id, park) for park in parks)


def acting_side(who: Principal, proposal: Proposal, enterprise_id: str | None) -> str:
    """The side a caller answers for: a tenant user its own enterprise, an operator the side it names."""
    who.require_role(*WRITERS)
    if who.role is Role.TENANT_USER:
        if who.tenant_id is None or not proposal.involves(who.tenant_id):
            raise NotFound(f"proposal {proposal.proposal_id} not found")
        return who.tenant_id
    if enterprise_id is None:
        raise Unprocessable("enterprise_id: an operator must name the side it answers for")
    if not proposal.involves(enterprise_id):
        raise NotFound(f"enterprise {enterprise_id} is not a side of proposal {proposal.proposal_id}")
    who.require_park(proposal.group_id, proposal.park_of(enterprise_id), "enterprise")
    return enterprise_id
