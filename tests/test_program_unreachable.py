"""A participant who blocked the bot or closed their DMs, through the console and the real
router: an undelivered reflection is recorded as undeliverable (never reminded or counted
as missed), the organizers' weekly list says why, and the next DM shows the question again
instead of reading that message as its answer."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import Core
from storage.program_models import ProgramReflection, ReflectionStatus
from tests.harness import ChatDriver, FakeClock
from tests.test_program_loop import deliver, reflection_pair, rows

DUE = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # Monday 18:00 in New York


async def blocked_reflection(chat: ChatDriver, core: Core, clock: FakeClock) -> str:
    """Mia has blocked the bot when her reflection comes; returns what was delivered."""
    await reflection_pair(core, chat, clock)
    chat.console.messenger.unreachable.add("mia")
    clock.current = DUE
    assert await core.program_sweeps.sweep() == 1
    return await deliver(core, chat)


async def test_an_undelivered_reflection_is_recorded_and_listed_for_organizers(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    delivered = await blocked_reflection(chat, core, clock)
    assert "Time for this week's reflection" not in delivered
    assert "[g]" not in delivered  # a reflection is private: no notice in the group
    clock.advance(minutes=5)
    assert await core.program_sweeps.sweep() == 1  # the weekly list, now with a reason
    told = await deliver(core, chat)
    assert told == (
        "[dm olga] mentorbot: 📵 People in Spring my questions can't reach:\n"
        "    • Mia (paired with Max): I can't reach them by DM; they may have blocked me or "
        "closed their DMs."
    )
    [reflection] = await rows(core, ProgramReflection)
    assert reflection.status == ReflectionStatus.UNDELIVERABLE.value
    clock.advance(days=3)  # past the reminder: none is attempted
    await core.program_sweeps.sweep()
    assert "reminder" not in await deliver(core, chat)
    clock.advance(days=5)  # past a week: not counted as missed
    await core.program_sweeps.sweep()
    statuses = [row.status for row in await rows(core, ProgramReflection)]
    assert statuses[0] == ReflectionStatus.UNDELIVERABLE.value


async def test_after_unblocking_the_first_dm_shows_the_question_instead_of_answering_it(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await blocked_reflection(chat, core, clock)
    clock.advance(hours=5)  # past the outbox grace, too
    chat.console.messenger.unreachable.discard("mia")
    said = await chat.say("mia", None, "hello? did you want something?")
    assert said.startswith(
        "[dm mia] mentorbot: I couldn't reach you by DM before, so here is my question again:\n"
        "    Time for this week's reflection with Max."
    ), said
    assert await deliver(core, chat) == ""  # the old question is not sent on top of it
    for answer in ("I priced ten candles", "I can't find cheap wax", "open the shop"):
        said = await chat.say("mia", None, answer)
        assert "couldn't reach you" not in said
    said = await chat.say("mia", None, "look at my price list")
    assert "I've sent your reflection to Max" in said
    told = await deliver(core, chat)
    assert "I priced ten candles" in told
    assert "did you want something" not in told
    [reflection] = await rows(core, ProgramReflection)
    assert reflection.status == ReflectionStatus.ANSWERED.value


async def test_a_held_question_released_by_start_is_answered_normally(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await blocked_reflection(chat, core, clock)
    clock.advance(minutes=30)  # within the grace: the question still waits
    chat.console.messenger.unreachable.discard("mia")
    said = await chat.say("mia", None, "/start")
    assert "couldn't reach you" not in said
    released = await deliver(core, chat)
    assert "[dm mia] mentorbot: Time for this week's reflection with Max." in released
    said = await chat.say("mia", None, "I priced ten candles")
    assert "couldn't reach you" not in said
    assert "What is in the way?" in said, said
