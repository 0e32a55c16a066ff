"""Escalation: a request nobody claimed within the community's delay is re-announced once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.events import OutMessage
from bot.core.i18n import Translator
from bot.core.markup import RichText, fmt
from bot.core.messenger import Messenger
from bot.delivery.outbox import enqueue
from bot.features.bridges import where
from bot.features.notify import Enqueue, notify
from bot.features.readers import dm_in_reader_language
from bot.features.requests_view import help_button
from storage.bridge_repo import BridgeRepository
from storage.mentoring_repo import MENTOR_ROLES, MemberReach, MentoringRepository
from storage.models import Community, HelpRequest, RequestStatus
from storage.outbox_repo import Delivery

log = logging.getLogger(__name__)


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
        """Escalates every request that is due, each in its own transaction; returns how many.

        Platform calls (who is an admin) happen before a request's transaction, and messages
        are only queued in it, delivered after the commit; one failing request is logged
        and retried on the next sweep without holding up the others.
        """
        now = self._clock.now()
        async with self._sessions() as session:
            requests = await MentoringRepository(session).due_for_escalation(now)
            due = [request.id for request in requests]
        escalated = 0
        for request_id in due:
            try:
                if await self._escalate_one(request_id, now):
                    escalated += 1
                    self._wake()
            except Exception:
                log.exception("escalating request %s failed; next sweep retries", request_id)
        return escalated

    async def _escalate_one(self, request_id: int, now: datetime) -> bool:
        """One request: ask the platforms first, then queue its messages in one transaction."""
        admins = await self._platform_admins(request_id, now)
        async with self._sessions() as session, session.begin():
            mentoring = MentoringRepository(session)
            request = await mentoring.by_id(request_id)
            if request is None or request.status != RequestStatus.OPEN.value:
                return False
            if request.escalated_at is not None:
                return False
            await self._escalate(session, mentoring, request, now, admins)
        return True

    async def _platform_admins(self, request_id: int, now: datetime) -> set[tuple[int, str]]:
        """(community id, user id) of the platform admins among the request's reach.

        Read in a session that writes nothing; the platform is asked after it is closed.
        """
        asks: list[tuple[Messenger, int, str, str]] = []
        async with self._sessions() as session:
            mentoring = MentoringRepository(session)
            request = await mentoring.by_id(request_id)
            if request is None:
                return set()
            for shared in await BridgeRepository(session).circle(request.community_id):
                messenger = self._messengers.get(shared.platform)
                if messenger is None:
                    continue
                for member in await mentoring.reach(shared.id, shared.platform, now.date()):
                    if not member.away and member.role not in MENTOR_ROLES:
                        user_id = member.account.user_id
                        asks.append((messenger, shared.id, shared.chat_id, user_id))
        admins: set[tuple[int, str]] = set()
        for messenger, community_id, chat_id, user_id in asks:
            if await messenger.is_admin(chat_id, user_id):
                admins.add((community_id, user_id))
        return admins

    async def _escalate(
        self,
        session: AsyncSession,
        mentoring: MentoringRepository,
        request: HelpRequest,
        now: datetime,
        admins: set[tuple[int, str]],
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
                m for m in self._mentors(shared, shared_reach, admins) if m.person_id not in seen
            ]
            seen.update(m.person_id for m in mentors)
            home = shared.id == community.id
            await self._announce(session, queue, request, shared, mentors, home)
        asker = next((m.account for m in reach if m.person_id == request.asker_id), None)
        if asker is not None:
            values = {"number": request.number, "title": community.title}
            await notify(
                queue,
                community,
                [asker],
                dm_in_reader_language(
                    session,
                    self._translator,
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

    def _mentors(
        self, community: Community, reach: list[MemberReach], admins: set[tuple[int, str]]
    ) -> list[MemberReach]:
        """Mentors and organizers (platform admins count) who are not away."""
        return [
            member
            for member in reach
            if not member.away
            and (member.role in MENTOR_ROLES or (community.id, member.account.user_id) in admins)
        ]

    def _text(self, community: Community, template: str, values: dict[str, object]) -> RichText:
        return fmt(self._translator.gettext(community.language, template), values)

    def _fill(
        self, community: Community, template: str, values: Mapping[str, object] | None
    ) -> RichText:
        return fmt(self._translator.gettext(community.language, template), values)

    async def _announce(
        self,
        session: AsyncSession,
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
            dm_in_reader_language(
                session,
                self._translator,
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
            ((help_button(request, partial(self._fill, shared)),),),
        )
