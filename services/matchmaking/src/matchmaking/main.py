"""Composition root of the matchmaking service: `uvicorn --factory matchmaking.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded
from parkops_contracts.events.matchmaking import (
    DealClosed,
    MatchAccepted,
    MatchDeclined,
    MatchmakingMeetingAttended,
    MatchProposed,
)
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.directory import StoredDirectory
from parkops_runtime.service import ServiceRuntime

from matchmaking.api import meetings, profiles, proposals
from matchmaking.domain.group import GroupConfig
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.profiles import Profile
from matchmaking.domain.proposal import Proposal
from matchmaking.groups_service import GroupService
from matchmaking.handlers import LeasingEventsHandler
from matchmaking.meetings_service import MeetingService
from matchmaking.profiles_service import ProfileService
from matchmaking.proposals_service import ProposalService
from matchmaking.settings import MatchmakingSettings
from matchmaking.state import State
from matchmaking.store import codec
from matchmaking.store.repository import Repository


def repositories(
    runtime: ServiceRuntime,
) -> tuple[Repository[Profile], Repository[GroupConfig], Repository[Proposal], Repository[Meeting]]:
    """One repository per aggregate, each in its collection, writing through the outbox."""
    out = runtime.outbound
    return (
        Repository(
            runtime.aggregates("profiles"),
            out,
            lambda p: p.enterprise.enterprise_id,
            codec.profile_doc,
            codec.profile_of,
        ),
        Repository(runtime.aggregates("groups"), out, lambda g: g.group_id, codec.group_doc, codec.group_of),
        Repository(
            runtime.aggregates("proposals"),
            out,
            lambda p: p.proposal_id,
            codec.proposal_doc,
            codec.proposal_of,
        ),
        Repository(
            runtime.aggregates("meetings"), out, lambda m: m.meeting_id, codec.meeting_doc, codec.meeting_of
        ),
    )


def create_app(settings: MatchmakingSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    runtime = ServiceRuntime(settings or MatchmakingSettings())
    runtime.follow_directory()  # parks and tenants from leasing: matchmaking knows no other park
    directory = runtime.directory
    assert isinstance(directory, StoredDirectory)

    async def group_known(group_id: str) -> bool:
        """A group owns a park the directory knows (each entry, park or tenant, names its group)."""
        return await directory.collection.find_one({"group_id": group_id}, {"_id": 1}) is not None

    runtime.document_publications(
        [MatchProposed, MatchAccepted, MatchDeclined, DealClosed, MatchmakingMeetingAttended]
    )
    profile_repo, group_repo, proposal_repo, meeting_repo = repositories(runtime)
    state = State()

    async def load_state() -> None:
        state.load(
            await profile_repo.all(),
            await group_repo.all(),
            await proposal_repo.all(),
            await meeting_repo.all(),
        )

    runtime.on_startup(load_state)
    profile_service = ProfileService(state, profile_repo)
    proposal_service = ProposalService(state, proposal_repo, clock)
    meeting_service = MeetingService(state, meeting_repo, proposal_service, clock)
    group_service = GroupService(state, group_repo, group_known)
    runtime.subscribe([TenantOnboarded, LeaseTerminated], LeasingEventsHandler(profile_service))
    routers = [
        profiles.build_router(profile_service, proposal_service, group_service),
        proposals.build_router(proposal_service),
        meetings.build_router(meeting_service, group_service),
    ]
    app = runtime.create_app("parkops matchmaking", routers)
    app.state.matchmaking = state
    return app
