"""Weekly reflections come only in the program's own weeks: none before its start date,
none after its last day (an organizer may end it later than that)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.app import Core
from storage.program_models import Program
from tests.harness import ChatDriver, FakeClock
from tests.test_program_loop import deliver, seed_pair


async def set_dates(core: Core, starts_on: date, weeks: int) -> None:
    async with core.database.sessions() as session, session.begin():
        program = (await session.execute(select(Program))).scalar_one()
        program.starts_on = starts_on
        program.weeks = weeks


async def test_reflections_come_only_within_the_programs_weeks(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    await seed_pair(core, chat, paired_at=clock.now(), zone="America/New_York")
    # it starts on Tue 2026-03-10 and runs 4 weeks: its last day is Mon 2026-04-06
    await set_dates(core, date(2026, 3, 10), 4)
    clock.current = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # Monday 18:00 EDT, before the start
    assert await core.program_sweeps.sweep() == 0
    assert "reflection" not in await deliver(core, chat)
    clock.current = datetime(2026, 3, 16, 22, 0, tzinfo=UTC)  # the first week in the program
    assert await core.program_sweeps.sweep() == 1
    assert "[dm mia] mentorbot: Time for this week's reflection with Max." in await deliver(
        core, chat
    )
    for answer in ("a", "b", "c", "d"):
        await chat.say("mia", None, answer)
    clock.current = datetime(2026, 4, 6, 22, 0, tzinfo=UTC)  # the last day: still one
    assert await core.program_sweeps.sweep() >= 1
    assert "Time for this week's reflection" in await deliver(core, chat)
    for answer in ("a", "b", "c", "d"):
        await chat.say("mia", None, answer)
    clock.current = datetime(2026, 4, 13, 22, 0, tzinfo=UTC)  # after its last day: none
    await core.program_sweeps.sweep()
    assert "Time for this week's reflection" not in await deliver(core, chat)
