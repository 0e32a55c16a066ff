"""Who may see a community's pages: the organizer rule the commands use, asked per request."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import effective_role
from bot.core.messenger import Messenger
from storage.dashboard_repo import DashboardRepository
from storage.models import Community, Membership, Role
from storage.repo import Repository

log = logging.getLogger(__name__)


class Organizers:
    """Answers "does this person organize that community?" from the stored role, or (when
    that platform is connected in this process) from the chat's admins, like `/promote`."""

    def __init__(self, messengers: Mapping[str, Messenger]) -> None:
        self._messengers = messengers

    async def community(
        self, session: AsyncSession, person_id: int, community_id: int
    ) -> Community | None:
        """The community if the person organizes it now; None for any other id (the same
        404 either way, so another community's existence is not revealed)."""
        community = await session.get(Community, community_id)
        if community is None:
            return None
        membership = await Repository(session).membership(community_id, person_id)
        if membership is None:
            return None
        if await self._role(session, community, membership) is not Role.ORGANIZER:
            return None
        return community

    async def organized(self, session: AsyncSession, person_id: int) -> Sequence[Community]:
        """Every community the person organizes, by title."""
        found = []
        for community, membership in await DashboardRepository(session).communities_of(person_id):
            if await self._role(session, community, membership) is Role.ORGANIZER:
                found.append(community)
        return found

    async def _role(
        self, session: AsyncSession, community: Community, membership: Membership
    ) -> Role:
        async def platform_admin() -> bool:
            messenger = self._messengers.get(community.platform)
            if messenger is None:
                return False  # `mentorbot web` alone: only the stored role counts
            account = await Repository(session).account_of(membership.person_id, community.platform)
            if account is None:
                return False
            try:
                return await messenger.is_admin(community.chat_id, account.user_id)
            except Exception:  # a platform hiccup refuses rather than grants
                log.warning("dashboard: admin check failed on %s", community.platform)
            return False

        return await effective_role(Role(membership.role), platform_admin)
