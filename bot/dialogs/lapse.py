"""The housekeeping sweep: a step unanswered for 24 hours lapses, with a note to the person."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.events import OutMessage
from bot.dialogs.engine import Dialogs
from bot.dialogs.spec import Lapse
from storage.dialogs_repo import DialogRepository, loads
from storage.models import DialogStatus

log = logging.getLogger(__name__)

SWEEP_SECONDS = 600


class DialogLapses:
    """Ends dialogs whose step waited too long; the person's next waiting dialog then starts."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        dialogs: Dialogs,
        wake: Callable[[], None],
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._dialogs = dialogs
        self._wake = wake

    async def sweep(self) -> int:
        """Lapses every overdue dialog, each in its own transaction; returns how many."""
        now = self._clock.now()
        async with self._sessions() as session:
            due = await DialogRepository(session).lapsing(now)
        lapsed = 0
        for session_id in due:
            try:
                if await self._lapse_one(session_id, now):
                    lapsed += 1
            except Exception:
                log.exception("lapsing dialog session %s failed; next sweep retries", session_id)
        if lapsed:
            self._wake()
        return lapsed

    async def _lapse_one(self, session_id: int, now: datetime) -> bool:
        async with self._sessions() as session, session.begin():
            repo = DialogRepository(session)
            row = await repo.by_id(session_id)
            if row is None or row.status != DialogStatus.OPEN.value:
                return False
            if row.expires_at is None or row.expires_at > now:
                return False  # answered since the sweep looked
            answers = loads(row.answers)
            await repo.end(row, DialogStatus.LAPSED, now)
            spec = self._dialogs.spec(row.name)
            if spec is not None and spec.on_lapse is not None:
                await spec.on_lapse(Lapse(session, row.person_id, answers, loads(row.context), now))
            say = await self._dialogs.say_for(session, row)
            note = say(
                "I waited 24 hours for your answer, so I've closed our conversation. "
                "You can start it again whenever you like.",
                None,
            )
            await self._dialogs.queue(session, row, OutMessage(note), now)
            following = await self._dialogs.promote(repo, row.person_id, now)
            if following is not None:
                asked = self._dialogs.current_question(following, say)
                await self._dialogs.queue(session, following, asked, now)
        return True
