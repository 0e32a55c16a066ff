"""Escalation: a request nobody claimed within the community's delay is re-announced once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.events import OutMessage
from bot.core.i18n import Translator
from bot.core.markup import RichText, fmt
from bot.core.messenger import Messenger
from bot.delivery.outbox import enqueue
from bot.features.bridges import where
from bot.features.notify import Enqueue, notify
from bot.features.requests_view import help_button
from storage.bridge_repo import BridgeRepository
from storage.mentoring_repo import MENTOR_ROLES, MemberReach, MentoringRepository
from storage.models import Community, HelpRequest
from storage.outbox_repo import Delivery


class Escalation:
    """Re-announces requests nobody claimed within the community's delay, exactly once."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        translator: Translator,
        wake: Callable[[], None],
        messengers: Mapping[str, Messenger],
    ) -> None:
        self._messengers = messengers
        self._sessions = sessions
        self._clock = clock
        self._translator = translator
        self._wake = wake

    async def sweep(self) -> int:
        """Escalates every request that is due; returns how many."""
        now = self._clock.now()
        async with self._sessions() as session, session.begin():
            mentoring = MentoringRepository(session)
            due = await mentoring.due_for_escalation(now)
            for request in due:
                await self._escalate(session, mentoring, request, now)
        if due:
            self._wake()
        return len(due)

    async def _escalate(
        self,
        session: AsyncSession,
        mentoring: MentoringRepository,
        request: HelpRequest,
        now: datetime,
    ) -> None:
        community = request.community
        request.escalated_at = now
        seen = {request.asker_id}
        reach: list[MemberReach] = []

        async def queue(key: str, delivery: Delivery, message: OutMessage) -> bool:
            return await enqueue(session, key, delivery, message, due_at=now, now=now)

        for shared in await BridgeRepository(session).circle(community.id):
            shared_reach = await mentoring.reach(shared.id, shared.platform, now.date())
            if shared.id == community.id:
                reach = shared_reach
            mentors = [
                m for m in await self._mentors(shared, shared_reach) if m.person_id not in seen
            ]
            seen.update(m.person_id for m in mentors)
            home = shared.id == community.id
            await self._announce(queue, request, shared, mentors, home)
        asker = next((m.account for m in reach if m.person_id == request.asker_id), None)
        if asker is not None:
            values = {"number": request.number, "title": community.title}
            await notify(
                queue,
                community,
                [asker],
                self._text(
                    community,
                    "Nobody has claimed #{number} yet, so I asked all mentors of "
                    "**{title}** again.",
                    values,
                ),
                self._text(
                    community,
                    "nobody has claimed #{number} yet, so I asked all mentors again.",
                    values,
                ),
                f"escalate:{request.id}:asker",
            )

    async def _mentors(self, community: Community, reach: list[MemberReach]) -> list[MemberReach]:
        """Mentors and organizers (platform admins count) who are not away."""
        messenger = self._messengers.get(community.platform)
        mentors: list[MemberReach] = []
        for member in reach:
            if member.away:
                continue
            if member.role in MENTOR_ROLES or (
                messenger is not None
                and await messenger.is_admin(community.chat_id, member.account.user_id)
            ):
                mentors.append(member)
        return mentors

    def _text(self, community: Community, template: str, values: dict[str, object]) -> RichText:
        return fmt(self._translator.gettext(community.language, template), values)

    async def _announce(
        self,
        queue: Enqueue,
        request: HelpRequest,
        shared: Community,
        mentors: list[MemberReach],
        home: bool,
    ) -> None:
        """Re-announces to one community's mentors (a bridged one says where it was asked)."""
        community = request.community
        values = {
            "number": request.number,
            "question": request.question,
            "hours": community.escalation_hours,
            "title": community.title if home else where(community),
        }
        await notify(
            queue,
            shared,
            [m.account for m in mentors],
            self._text(
                shared,
                "Still waiting for a helper in **{title}** after {hours} h — "
                "#{number}: “{question}”",
                values,
            ),
            self._text(
                shared,
                "still waiting after {hours} h — #{number}: “{question}”"
                if home
                else "still waiting in {title} after {hours} h — #{number}: “{question}”",
                values,
            ),
            f"escalate:{request.id}" if home else f"escalate:{request.id}:c{shared.id}",
            ((help_button(request),),),
        )
