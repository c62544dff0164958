"""What each role sees of matchmaking's resources and may do to them. Which park or group a request
reaches at all is the runtime's access layer (`ParkScope`, `StaffScope`, `GroupScope`); here, within a
park in scope, out-of-scope objects answer 404 exactly like missing ones.

- Profiles (enterprise, offerings, needs): staff and auditors every profile of the park, every field;
  a tenant user its own only. Staff and tenant users declare them; only staff mark anchor firms.
- Proposals: staff and auditors those with a side in the park; a tenant user those its enterprise is
  a side of. Every field: both sides see the score, the counterpart and the deal. Tenant users answer
  for their own enterprise, staff for the side in their park that they name; staff record deals.
- Meetings: staff and auditors the whole meeting; a tenant user only meetings it is invited to, and
  of those only itself and its counterparts in its own proposals of the meeting (never the rest of the
  invited enterprises), those proposals and their attendance. Staff plan meetings and record attendance.
- Group configuration (chain map, weights): read by everyone who sees a park of the group (profiles
  name its segments); weights read and both changed only group-wide (`GroupScope`), by group admins."""

from collections.abc import Mapping
from dataclasses import replace

from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.auth import STAFF, Role

from matchmaking.domain.meeting import Meeting
from matchmaking.domain.profiles import Profile
from matchmaking.domain.proposal import Proposal

WRITERS = (*STAFF, Role.TENANT_USER)


def require_profile(access: ParkAccess, profile: Profile | None, tenant_id: str) -> Profile:
    """The profile when it is in the park and the caller sees it; 404 otherwise."""
    if profile is None or profile.enterprise.park_id != access.park_id:
        raise NotFound(f"enterprise {tenant_id} not found")
    access.require_own(profile.enterprise.enterprise_id, f"enterprise {tenant_id}")
    return profile


def visible_profiles(access: ParkAccess, profiles: list[Profile]) -> list[Profile]:
    return access.visible(profiles, lambda p: p.enterprise.enterprise_id)


def sees_proposal(access: ParkAccess, proposal: Proposal) -> bool:
    if proposal.group_id != access.group_id or not proposal.has_side_in(access.park_id):
        return False
    tenant = access.tenant_id
    return tenant is None or proposal.is_side(access.park_id, tenant)


def require_proposal(access: ParkAccess, proposal: Proposal | None, proposal_id: str) -> Proposal:
    if proposal is None or not sees_proposal(access, proposal):
        raise NotFound(f"proposal {proposal_id} not found")
    return proposal


def acting_side(access: ParkAccess, proposal: Proposal, enterprise_id: str | None) -> str:
    """The side a caller answers for: a tenant user its own enterprise, staff the side of their park
    that they name (403 for auditors)."""
    access.require(*WRITERS)
    if access.tenant_id is not None:
        return access.tenant_id  # sees_proposal made sure it is a side
    if enterprise_id is None:
        raise Unprocessable("enterprise_id: staff name the side they answer for", "enterprise_id")
    if not proposal.is_side(access.park_id, enterprise_id):
        raise NotFound(f"enterprise {enterprise_id} is not a side of proposal {proposal.proposal_id} here")
    return enterprise_id


def sees_meeting(access: ParkAccess, meeting: Meeting) -> bool:
    if meeting.group_id != access.group_id or meeting.park_id != access.park_id:
        return False
    return access.tenant_id is None or access.tenant_id in meeting.participants


def require_meeting(access: ParkAccess, meeting: Meeting | None, meeting_id: str) -> Meeting:
    if meeting is None or not sees_meeting(access, meeting):
        raise NotFound(f"meeting {meeting_id} not found")
    return meeting


def meeting_view(access: ParkAccess, meeting: Meeting, proposals: Mapping[str, Proposal]) -> Meeting:
    """The meeting as the caller may see it: whole for staff and auditors; for a tenant user only
    its own proposals of the meeting, itself and their counterparts, and their attendance."""
    tenant = access.tenant_id
    if tenant is None:
        return meeting
    own = [pid for pid in meeting.proposal_ids if pid in proposals and proposals[pid].involves(tenant)]
    shown = {tenant} | {proposals[pid].counterpart(tenant) for pid in own}
    return replace(
        meeting,
        participants={t: p for t, p in meeting.participants.items() if t in shown},
        proposal_ids=own,
        attended=[t for t in meeting.attended if t in shown],
        events=[],
    )
