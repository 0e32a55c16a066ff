"""Someone left a community: features let go of them, then the membership goes, atomically."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.events import MemberLeft
from bot.core.registry import Registry
from storage.bridge_repo import BridgeRepository
from storage.leave_repo import LeaveRepository
from storage.models import Account, Community

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Departure:
    """One person leaving one community, handled inside one transaction."""

    session: AsyncSession
    account: Account
    community: Community
    circle: list[int]
    """The community and those bridged with it."""
    still_in_circle: bool
    """They are still a member on another side of a bridge: the circle keeps them."""
    now: datetime
    enqueued: bool = field(default=False)

    @property
    def person_id(self) -> int:
        """Who left."""
        return self.account.person_id


class Departures:
    """Turns a platform's "member left" into the features' leave handlers and no membership."""

    def __init__(
        self,
        registry: Registry,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        wake: Callable[[], None],
    ) -> None:
        self._registry = registry
        self._sessions = sessions
        self._clock = clock
        self._wake = wake

    async def handle(self, event: MemberLeft) -> bool:
        """True when a known member left; never raises (a failure is logged, nothing written)."""
        address = event.address
        try:
            enqueued = await self._leave(event)
        except Exception:
            log.exception("member-left on %s chat %s failed", address.platform, address.chat_id)
            return False
        if enqueued is None:
            return False
        log.info("%s: a member left chat %s", address.platform, address.chat_id)
        if enqueued:
            self._wake()
        return True

    async def _leave(self, event: MemberLeft) -> bool | None:
        address = event.address
        async with self._sessions() as session, session.begin():
            repo = LeaveRepository(session)
            found = await repo.member(address.platform, address.chat_id, address.user_id)
            if found is None:
                return None  # never a member here, or already gone
            account, community, membership = found
            await repo.remove(membership)
            circle = await BridgeRepository(session).circle_ids(community.id)
            others = [community_id for community_id in circle if community_id != community.id]
            departure = Departure(
                session,
                account,
                community,
                circle,
                await repo.member_of_any(account.person_id, others),
                self._clock.now(),
            )
            for handler in self._registry.leave_handlers:
                await handler(departure)
            return departure.enqueued
