"""Pacing whose overall rate is shared through PostgreSQL by every process sending."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.pacing import DEFAULT_LIMITS, Pacer, PlatformLimits
from storage import slots_repo

log = logging.getLogger(__name__)


class SharedPacer(Pacer):
    """Per-chat limits stay per process; the overall one is a slot reserved in the database.

    Each send takes the platform's next slot (spaced 1/rate apart on the database's clock)
    and sleeps until it, so N processes together send no faster than one would.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        limits: Mapping[str, PlatformLimits] = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(limits)
        self._sessions = sessions
        self._gaps = {
            name: rule.overall[1] / rule.overall[0] for name, rule in limits.items() if rule.overall
        }
        self.taken: list[float] = []  # slots this process got (database seconds), newest last

    def _book(self, platform: str, earliest: float, now: float) -> float:
        """Only the chat's limit (and a 429's hold) here: the overall slot is reserved in the
        database next."""
        return max(earliest, self._held.get(platform, earliest))

    async def _shared_slot(self, platform: str) -> None:
        gap = self._gaps.get(platform)
        if gap is None:
            return
        try:
            async with self._sessions() as session, session.begin():
                slot, now = await slots_repo.reserve(session, platform, gap)
        except (DBAPIError, OSError) as error:
            log.warning("shared pacing unavailable (%s); pacing this process alone", error)
            local = self._clock()
            await self._until(super()._book(platform, local, local))
            return
        self.taken.append(slot)
        del self.taken[:-1000]
        if slot > now:
            await asyncio.sleep(slot - now)
