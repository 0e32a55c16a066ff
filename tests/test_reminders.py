"""Reminders as people manage them: /remind, /reminders, Cancel, /remind off, and privacy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from bot.app import Core
from bot.features.reminders import MAX_PENDING
from storage.models import Account, OutboxMessage, Reminder
from tests.harness import ChatDriver, DiscordSpeaker, FakeClock

# What people type after /remind, and what the bot understood (read at Mon 2026-11-23 12:00 UTC).
FORMS = [
    ("tomorrow 9am 5 pushups", "Tue 2026-11-24 09:00 (UTC)", "5 pushups"),
    ("2026-12-01 18:00 pay rent", "Tue 2026-12-01 18:00 (UTC)", "pay rent"),
    ("tomorrow at 9 send invoices", "Tue 2026-11-24 09:00 (UTC)", "send invoices"),
    ("friday call mom", "Fri 2026-11-27 09:00 (UTC)", "call mom"),
    ("in 90 minutes stretch", "Mon 2026-11-23 13:30 (UTC)", "stretch"),
    ("tonight at 9 <b>call</b> *Ana*", "Mon 2026-11-23 21:00 (UTC)", "<b>call</b> *Ana*"),
    ("next friday 6pm  two  spaces kept", "Fri 2026-11-27 18:00 (UTC)", "two  spaces kept"),
]


@pytest.mark.parametrize(("typed", "when", "text"), FORMS)
async def test_remind_confirms_what_it_understood(
    chat: ChatDriver, typed: str, when: str, text: str
) -> None:
    out = await chat.say("bob", None, f"/remind {typed}")
    assert out == f"[dm bob] mentorbot: ⏰ Reminder #1 set for {when}: “{text}”"


REFUSED = [
    ("tomorrow", "What should I remind you of"),
    ("now call mom", "“now” is not a time"),
    ("yesterday 9am call", "Sun 2026-11-22 09:00 (UTC) is in the past"),
    ("12/05 report", "like 2027-05-12 or 2026-12-05"),
    ("24:00 sleep", "“24:00” is not a time of day"),
    ("25:99 sleep", "“25:99” is not a time of day"),
    ("2028-01-01 far", "more than a year away"),
    ("banana bread", "couldn't find when"),
]


@pytest.mark.parametrize(("typed", "said"), REFUSED)
async def test_remind_refuses_with_a_reason_and_an_example(
    chat: ChatDriver, core: Core, typed: str, said: str
) -> None:
    out = await chat.say("bob", None, f"/remind {typed}")
    assert said in out
    assert "/remind tomorrow 9am send the invoice" in out
    assert "Traceback" not in out
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reminder)) == 0
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_list_and_cancel_with_the_button(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", None, "/remind 2026-12-01 18:00 pay rent")
    await chat.say("bob", None, "/remind tomorrow 9am call the bank")
    out = await chat.say("bob", None, "/reminders")
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == "[dm bob] mentorbot: ⏰ Your pending reminders:"
    assert lines[1:3] == [
        "#2 · Tue 2026-11-24 09:00 (UTC) · “call the bank”",
        "#1 · Tue 2026-12-01 18:00 (UTC) · “pay rent”",
    ]
    assert lines[-2:] == ["[1] Cancel #2", "[2] Cancel #1"]
    assert await chat.press("bob", "Cancel #1") == "[dm bob] mentorbot: Reminder #1 is cancelled."
    out = await chat.say("bob", None, "/reminders")
    assert "pay rent" not in out
    assert "call the bank" in out
    async with core.database.sessions() as session:
        rows = await session.execute(select(OutboxMessage.key, OutboxMessage.status))
        statuses = dict(rows.all())
    assert statuses == {"remind:1:1": "skipped", "remind:1:2": "pending"}
    core.attach(chat.console.messenger)
    assert await core.dispatcher.drain_once() == 0


async def test_a_long_list_comes_a_page_at_a_time_and_privately(chat: ChatDriver) -> None:
    for day in range(1, 13):
        await chat.say("bob", None, f"/remind 2026-12-{day:02d} 18:00 task {day}")
    first = await chat.say("bob", "group-a", "/reminders")
    assert "[group-a]" not in first  # the list and its buttons go to the DM
    assert "task 10" in first
    assert "task 11" not in first
    assert "Page 1 of 2." in first
    second = await chat.press("bob", "Next ▶")
    assert second.startswith("[dm bob] mentorbot: ⏰ Your pending reminders:")
    assert "task 11" in second
    assert "task 12" in second
    assert "task 10" not in second
    assert "Page 2 of 2." in second
    assert "Reminder #12 is cancelled." in await chat.press("bob", "Cancel #12")
    again = await chat.press("bob", "◀ Previous")
    assert "task 1”" in again
    assert "Page 1 of 2." in again


async def test_remind_off_by_number(chat: ChatDriver) -> None:
    await chat.say("bob", None, "/remind friday call mom")
    await chat.say("ann", None, "/remind friday water the plants")
    assert "Reminder #1 is cancelled." in await chat.say("bob", None, "/remind off #1")
    out = await chat.say("bob", None, "/remind off 1")
    assert "You have no pending reminder #1" in out
    assert "/remind off 1" in out
    assert "You have no pending reminder #7" in await chat.say("bob", None, "/remind off 7")
    assert "Say which reminder" in await chat.say("bob", None, "/remind off")
    for typed in ("abc", "²", "①", "-1", "1" * 30):
        out = await chat.say("bob", None, f"/remind off {typed}")
        assert "is not a reminder number" in out, typed
    assert "water the plants" in await chat.say("ann", None, "/reminders")  # hers stayed


async def test_someone_else_cannot_cancel(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", None, "/remind friday call mom")
    await chat.say("bob", None, "/reminders")
    out = await chat.press("ann", "Cancel #1")
    assert "belongs to someone else" in out
    assert "call mom" not in out
    assert "call mom" in await chat.say("bob", None, "/reminders")
    async with core.database.sessions() as session:
        assert await session.scalar(select(OutboxMessage.status)) == "pending"


async def test_a_forged_button_payload_is_refused(core: Core) -> None:
    speaker = DiscordSpeaker(core)
    for payload in ("999", "x", "²", "1" * 30, ""):
        out = await speaker.press("ann", "g", "rem-cancel", payload)
        assert "no pending reminder" in out, payload


async def test_in_a_group_the_text_stays_private(chat: ChatDriver) -> None:
    out = await chat.say("bob", "group-a", "/remind tomorrow 9am secret plan")
    assert out == (
        "[group-a] mentorbot: ⏰ Reminder #1 set for Tue 2026-11-24 09:00 (UTC). I'll DM you then."
    )
    out = await chat.say("bob", "group-a", "/reminders")
    assert out.startswith("[dm bob] mentorbot: ⏰ Your pending reminders:")
    assert "[group-a]" not in out
    out = await chat.say("bob", "group-a", "/remind off 1")
    assert "[group-a]" not in out
    assert "secret" not in out


async def test_a_fired_reminder_is_no_longer_pending(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("bob", None, "/remind in 2h call mom")
    core.attach(chat.console.messenger)
    clock.current = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert await core.dispatcher.drain_once() == 1
    assert chat.output[-1] == "[dm bob] mentorbot: ⏰ Reminder: call mom"
    assert "no pending reminders" in await chat.say("bob", None, "/reminders")
    assert "already been sent" in await chat.say("bob", None, "/remind off 1")
    async with core.database.sessions() as session:
        assert await session.scalar(select(Reminder.status)) == "done"


async def test_a_reminder_being_sent_stays_listed_and_is_not_cancelled(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("bob", None, "/remind in 2h call mom")
    async with core.database.sessions() as session, session.begin():
        await session.execute(update(OutboxMessage).values(status="sending"))
    assert "call mom" in await chat.say("bob", None, "/reminders")
    assert "being sent right now" in await chat.say("bob", None, "/remind off 1")
    async with core.database.sessions() as session, session.begin():
        # the send failed for now and goes back to the queue: it can still be cancelled
        await session.execute(update(OutboxMessage).values(status="pending"))
    assert "Reminder #1 is cancelled." in await chat.say("bob", None, "/remind off 1")


async def test_numbers_are_per_person_and_never_reused(chat: ChatDriver) -> None:
    assert "#1 set" in await chat.say("bob", None, "/remind friday a")
    assert "#1 set" in await chat.say("ann", None, "/remind friday b")
    await chat.say("bob", None, "/remind off 1")
    assert "#2 set" in await chat.say("bob", None, "/remind friday c")


async def test_at_most_so_many_pending(chat: ChatDriver, core: Core) -> None:
    for number in range(MAX_PENDING):
        assert "set for" in await chat.say("bob", None, f"/remind in {number + 1}h item {number}")
    out = await chat.say("bob", None, "/remind in 30h one too many")
    assert f"You already have {MAX_PENDING} pending reminders" in out
    await chat.say("bob", None, "/remind off 3")
    assert "set for" in await chat.say("bob", None, "/remind in 30h now it fits")
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reminder)) == MAX_PENDING + 1


async def test_someone_the_bot_cannot_dm_is_told_at_once(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", "group-a", "/join")
    async with core.database.sessions() as session, session.begin():
        await session.execute(update(Account).values(dm_unreachable=True))
    out = await chat.say("bob", "group-a", "/remind tomorrow 9am secret plan")
    assert "I can't send you direct messages" in out
    assert "the reminder stays set" in out
    assert "secret" not in out
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reminder)) == 1


async def test_on_telegram_the_fix_is_to_send_start(core: Core) -> None:
    speaker = DiscordSpeaker(core, platform="telegram")
    out = await speaker.group("bob", "g", "/remind tomorrow 9am secret plan")
    assert "Reminder #1 set for Tue 2026-11-24 09:00 (UTC). I'll DM you then." in out
    assert "Open a private chat with me and send /start" in out
    assert "secret" not in out
    await speaker.dm("bob", "/start")
    out = await speaker.dm("bob", "/remind tomorrow 9am open plan")
    assert "“open plan”" in out
    assert "/start" not in out


async def test_forgetme_deletes_reminders(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", None, "/remind friday call mom")
    await chat.say("bob", None, "/forgetme")
    await chat.press("bob", "Delete everything")
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reminder)) == 0


async def test_schedule_tip_uses_the_same_parser(chat: ChatDriver) -> None:
    chat.make_admin("alice", "group-a")
    out = await chat.say("alice", "group-a", "/schedule tip tomorrow at 9 Follow up #sales")
    assert "on Tue 2026-11-24 09:00 (UTC) as #" in out
    out = await chat.say("alice", "group-a", "/schedule tip 12/05 Follow up #sales")
    assert "could be read two ways" in out
    out = await chat.say("alice", "group-a", "/schedule tip tomorrow 9am")
    assert "What's the tip?" in out


AWAY = [
    ("12月5日", "until the end of Sat 2026-12-05 (UTC)"),
    ("until dec 5", "until the end of Sat 2026-12-05 (UTC)"),
    ("friday", "until the end of Fri 2026-11-27 (UTC)"),
    ("7pm", "has a time of day"),
    ("tomorrow 7pm", "has a time of day"),
    ("12/05", "could be read two ways"),
    ("yesterday", "Sun 2026-11-22 (UTC) is in the past"),
]


@pytest.mark.parametrize(("typed", "said"), AWAY)
async def test_away_reads_one_day(chat: ChatDriver, typed: str, said: str) -> None:
    out = await chat.say("bob", "group-a", f"/away {typed}")
    assert said in out
