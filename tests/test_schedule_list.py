"""`/schedule list` shows what people scheduled, never the rows the system keeps for itself."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import Core
from storage.models import Schedule
from tests.harness import ChatDriver, FakeClock


async def ids_of(core: Core, kind: str) -> list[int]:
    async with core.database.sessions() as session:
        rows = await session.scalars(
            select(Schedule.id).where(Schedule.kind == kind).order_by(Schedule.id)
        )
        return list(rows.all())


async def test_list_hides_nudges_spent_one_offs_and_stopped_rows(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/schedule checkin 09:00 weekdays")
    await chat.say("olga", "g", "/schedule recap fri 17:00")
    await chat.say("olga", "g", "/schedule tip tomorrow 9am Stretch every hour #health")
    await chat.say("olga", "g", "/schedule tip 2026-11-26 10:00 Drink water #health")
    await chat.say("olga", "g", "/schedule off recap")
    [checkin] = await ids_of(core, "checkin")
    [recap] = await ids_of(core, "recap")
    spent, waiting = await ids_of(core, "tip")
    clock.current = datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert await core.schedules.fire(checkin, clock.current)  # leaves a nudge row behind
    assert await core.schedules.fire(spent, clock.current)  # a one-off, now spent
    [nudge] = await ids_of(core, "nudge")

    out = await chat.say("bob", "g", "/schedule list")
    assert f"#{checkin} check-in ping: 09:00 weekdays (UTC) — next Wed 25 Nov 09:00" in out
    assert f"#{waiting} one tip: 10:00 once, on Thu 26 Nov 10:00 (UTC)" in out
    assert "/schedule off <id>" in out
    for hidden in (nudge, spent, recap):
        assert f"#{hidden} " not in out
    assert "nudge" not in out
    assert "weekly recap" not in out

    refused = await chat.say("olga", "g", f"/schedule off {nudge}")
    assert f"There is no active schedule #{nudge} here." in refused
    assert "no active “nudge” schedule" in await chat.say("olga", "g", "/schedule off nudge")
    assert f"no active schedule #{spent}" in await chat.say("olga", "g", f"/schedule off {spent}")
    async with core.database.sessions() as session:
        row = await session.get(Schedule, nudge)
        assert row is not None
        assert row.enabled  # the system's own row is left alone
    stopped = await chat.say("olga", "g", f"/schedule off {waiting}")
    assert f"Stopped: #{waiting} tip 10:00" in stopped


async def test_only_internal_rows_means_no_schedules(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/schedule checkin 09:00")
    [checkin] = await ids_of(core, "checkin")
    clock.current = datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert await core.schedules.fire(checkin, clock.current)
    await chat.say("olga", "g", "/schedule off checkin")
    assert await ids_of(core, "nudge")
    assert "No schedules here yet" in await chat.say("bob", "g", "/schedule list")
