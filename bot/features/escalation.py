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
from bot.features.notify import notify
from bot.features.requests_view import help_button, preview
from storage.mentoring_repo import MENTOR_ROLES, MemberReach, MentoringRepository
from storage.models import HelpRequest
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
        reach = await mentoring.reach(community.id, community.platform, now.date())
        messenger = self._messengers.get(community.platform)
        mentors: list[MemberReach] = []
        for member in reach:
            if member.person_id == request.asker_id or member.away:
                continue
            if member.role in MENTOR_ROLES or (
                messenger is not None
                and await messenger.is_admin(community.chat_id, member.account.user_id)
            ):
                mentors.append(member)

        def text(template: str, values: dict[str, object]) -> RichText:
            return fmt(self._translator.gettext(community.language, template), values)

        async def queue(key: str, delivery: Delivery, message: OutMessage) -> bool:
            return await enqueue(session, key, delivery, message, due_at=now, now=now)

        values = {
            "number": request.number,
            "question": preview(request.question),
            "hours": community.escalation_hours,
            "title": community.title,
        }
        await notify(
            queue,
            community,
            [m.account for m in mentors],
            text(
                "Still waiting for a helper in **{title}** after {hours} h — "
                "#{number}: “{question}”",
                values,
            ),
            text("still waiting after {hours} h — #{number}: “{question}”", values),
            f"escalate:{request.id}",
            ((help_button(request),),),
        )
        asker = next((m.account for m in reach if m.person_id == request.asker_id), None)
        if asker is not None:
            await notify(
                queue,
                community,
                [asker],
                text(
                    "Nobody has claimed #{number} yet, so I asked all mentors of "
                    "**{title}** again.",
                    values,
                ),
                text("nobody has claimed #{number} yet, so I asked all mentors again.", values),
                f"escalate:{request.id}:asker",
            )
