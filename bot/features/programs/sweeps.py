"""The loop's clockwork, run by the schedule engine: reflections due at each mentee's local
time, one reminder for a missed one, health pulses, and the weekly stuck list."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.core.markup import join
from bot.dialogs import Dialogs
from bot.domain.dates import local_today
from bot.features.programs.common import end_date
from bot.features.programs.my_pair import name_of
from bot.features.programs.pulses import PULSE
from bot.features.programs.reach import Voice, organizer_ids, send_dm
from bot.features.programs.reflections import REFLECTION, due_moment, week_start
from bot.features.programs.unreachable import unreachable_lines, unreachable_sides
from storage.models import Community
from storage.program_loop_repo import LoopRepository
from storage.program_models import PairStatus, Program, ProgramPair, ReflectionStatus
from storage.programs_repo import ProgramRepository

log = logging.getLogger(__name__)

SWEEP_SECONDS = 300
FIRST_AFTER_INTRO = timedelta(days=3)
CATCH_UP = timedelta(hours=12)
"""A reflection whose moment passed longer ago (the bot was down) waits for next week."""
REMIND_AFTER = timedelta(days=2)
MISSED_AFTER = timedelta(days=7)
FIRST_PULSE = timedelta(days=30)
PULSE_EVERY = timedelta(days=60)
PULSE_CATCH_UP = timedelta(days=7)
STUCK_AFTER = timedelta(days=21)
STUCK_LIST_AT = "09:00"
"""The stuck list goes out on Mondays from this local time of the program's community."""


class LoopSweeps:
    """Each sweep walks the live pairs, one transaction per pair, and wakes the outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        dialogs: Dialogs,
        voice: Voice,
        wake: Callable[[], None],
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._dialogs = dialogs
        self._voice = voice
        self._wake = wake

    async def sweep(self) -> int:
        """Everything due now; returns how many messages or dialogs it started."""
        now = self._clock.now()
        async with self._sessions() as session:
            pairs = [
                (pair.id, program.id)
                for pair, program in await LoopRepository(session).live_active_pairs()
            ]
            programs = [program.id for program in await LoopRepository(session).live_programs()]
            reflections = [row.id for row in await LoopRepository(session).unanswered_reflections()]
        done = 0
        for pair_id, program_id in pairs:
            done += await self._each(self._reflection_due, pair_id, program_id, now)
            done += await self._each(self._pulses_due, pair_id, program_id, now)
        for reflection_id in reflections:
            done += await self._each(self._remind, reflection_id, 0, now)
        for program_id in programs:
            done += await self._each(self._stuck_list, program_id, 0, now)
        if done:
            self._wake()
        return done

    async def _each(
        self,
        job: Callable[[AsyncSession, int, int, datetime], Awaitable[int]],
        first: int,
        second: int,
        now: datetime,
    ) -> int:
        try:
            async with self._sessions() as session, session.begin():
                return await job(session, first, second, now)
        except Exception:
            log.exception(
                "program sweep %s failed for %s; the next sweep retries", job.__name__, first
            )
            return 0

    async def _pair(
        self, session: AsyncSession, pair_id: int, program_id: int
    ) -> tuple[ProgramPair, Program] | None:
        programs = ProgramRepository(session)
        pair = await programs.pair(pair_id)
        program = await programs.by_id(program_id)
        if pair is None or program is None or pair.status != PairStatus.ACTIVE.value:
            return None
        return pair, program

    async def _reflection_due(
        self, session: AsyncSession, pair_id: int, program_id: int, now: datetime
    ) -> int:
        """This week's reflection at the mentee's local weekday and time, once per week."""
        found = await self._pair(session, pair_id, program_id)
        if found is None:
            return 0
        pair, program = found
        reader = await self._voice.reader(session, pair.mentee_id, program)
        if reader is None:
            return 0
        monday = week_start(local_today(reader.zone, now))
        day = monday + timedelta(days=program.reflection_weekday)
        if not program.starts_on <= day <= end_date(program):
            return 0  # reflections belong to the program's weeks, not before or after them
        due = due_moment(day, program.reflection_time, reader.zone)
        introduced = pair.intro_sent_at or pair.paired_at or pair.proposed_at
        if due > now or now - due > CATCH_UP or due < introduced + FIRST_AFTER_INTRO:
            return 0
        row = await LoopRepository(session).add_reflection(pair.id, monday, due, now)
        if row is None:
            return 0
        mentor = await name_of(session, pair.mentor_id, reader.account.platform)
        await self._dialogs.offer(
            session,
            reader.account,
            REFLECTION,
            {"mentor": mentor, "reflection": row.id},
            now,
            community_id=program.community_id,
        )
        return 1

    async def _remind(
        self, session: AsyncSession, reflection_id: int, _: int, now: datetime
    ) -> int:
        """A reflection still unanswered two days on is reminded once; after a week, missed;
        one whose DM failed is undeliverable."""
        loop = LoopRepository(session)
        row = await loop.reflection(reflection_id)
        if row is None or row.status != ReflectionStatus.SENT.value or row.due_at is None:
            return 0
        pair = await ProgramRepository(session).pair(row.pair_id)
        found = await self._pair(session, row.pair_id, pair.program_id) if pair else None
        reader = await self._voice.reader(session, found[0].mentee_id, found[1]) if found else None
        if reader is not None and reader.account.dm_unreachable:
            # never seen, so neither reminded nor missed: the stuck list names the reason
            row.status = ReflectionStatus.UNDELIVERABLE.value
            return 0
        if now - row.due_at >= MISSED_AFTER:
            row.status = ReflectionStatus.MISSED.value
            return 0
        if row.reminded_at is not None or now - row.due_at < REMIND_AFTER or reader is None:
            return 0
        text = self._voice.say(
            reader,
            "A gentle reminder: this week's reflection for your mentor is still open. "
            "Send /reflect when you have five minutes.",
        )
        row.reminded_at = now
        await send_dm(session, reader, f"reflection:{row.id}:reminder", OutMessage(text), now)
        return 1

    async def _pulses_due(
        self, session: AsyncSession, pair_id: int, program_id: int, now: datetime
    ) -> int:
        """30 days after pairing, then every 60: one question to each side."""
        found = await self._pair(session, pair_id, program_id)
        if found is None or found[0].paired_at is None:
            return 0
        pair, program = found
        assert pair.paired_at is not None
        first = pair.paired_at + FIRST_PULSE
        if now < first:
            return 0
        due = first + PULSE_EVERY * ((now - first) // PULSE_EVERY)
        if now - due > PULSE_CATCH_UP:
            return 0
        started = 0
        loop = LoopRepository(session)
        for person_id, partner_id in (
            (pair.mentee_id, pair.mentor_id),
            (pair.mentor_id, pair.mentee_id),
        ):
            pulse = await loop.add_pulse(pair.id, person_id, due, now)
            reader = await self._voice.reader(session, person_id, program)
            if pulse is None or reader is None:
                continue
            partner = await name_of(session, partner_id, reader.account.platform)
            await self._dialogs.offer(
                session,
                reader.account,
                PULSE,
                {"partner": partner, "pulse": pulse.id},
                now,
                community_id=program.community_id,
            )
            started += 1
        return started

    async def _stuck_list(
        self, session: AsyncSession, program_id: int, _: int, now: datetime
    ) -> int:
        """On Mondays: pairs with no confirmed meeting and no reflection for 21 days, privately."""
        program = await ProgramRepository(session).by_id(program_id)
        community = await session.get(Community, program.community_id) if program else None
        if program is None or community is None:
            return 0
        monday = week_start(local_today(community.timezone, now))
        if now < due_moment(monday, STUCK_LIST_AT, community.timezone):
            return 0
        stuck = await stuck_pairs(session, program, now)
        sides = await unreachable_sides(session, self._voice, program)
        if not stuck and not sides:
            return 0
        sent = 0
        for organizer_id in await organizer_ids(session, program):
            reader = await self._voice.reader(session, organizer_id, program)
            if reader is None:
                continue
            platform = reader.account.platform
            names = [
                self._voice.say(
                    reader,
                    "• {mentee} and {mentor}",
                    {
                        "mentee": await name_of(session, pair.mentee_id, platform),
                        "mentor": await name_of(session, pair.mentor_id, platform),
                    },
                )
                for pair in stuck
            ]
            parts = []
            if stuck:
                parts.append(
                    self._voice.say(
                        reader,
                        "🧭 Pairs in **{program}** with no confirmed meeting and no reflection "
                        "for 21 days:\n{pairs}",
                        {"program": program.name, "pairs": join(names)},
                    )
                )
            if sides:
                lines = await unreachable_lines(session, self._voice, reader, sides)
                parts.append(
                    self._voice.say(
                        reader,
                        N_("📵 People in **{program}** my questions can't reach:\n{people}"),
                        {"program": program.name, "people": join(lines)},
                    )
                )
            text = join(parts)
            key = f"stuck:{program.id}:{monday.isoformat()}:{organizer_id}"
            if await send_dm(session, reader, key, OutMessage(text), now):
                sent += 1
        return sent


async def stuck_pairs(session: AsyncSession, program: Program, now: datetime) -> list[ProgramPair]:
    """Active pairs paired over 21 days ago with no confirmed meeting or reflection since."""
    loop = LoopRepository(session)
    stuck = []
    for pair in await ProgramRepository(session).pairs(program.id):
        if pair.paired_at is None or now - pair.paired_at < STUCK_AFTER:
            continue
        last = await loop.last_activity(pair.id)
        if last is None or now - last >= STUCK_AFTER:
            stuck.append(pair)
    return stuck
