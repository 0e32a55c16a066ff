"""Whole member journeys on Telegram: a mentoring round, and a check-in by button and reply."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.telegram import TelegramAdapter, TelegramConfig, community_mover
from bot.app import Core
from storage.models import CheckIn, Kudos, Schedule
from tests.harness import FakeClock
from tests.telegram_fake import FakeBotApi, Sent, group, private, user

ASKER = user(2001, "Bea", "bea")
MENTOR = user(2002, "Max", "max")
OWNER = user(2003, "Olu", "olu")
SHOP = group(-5001, "Shop Owners")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def telegram(core: Core, fake: FakeBotApi) -> AsyncIterator[TelegramAdapter]:
    config = TelegramConfig(token=fake.token, api_base_url=fake.base_url, poll_timeout=5)
    adapter = TelegramAdapter(
        core.router, core.registry, config, community_mover(core.database.sessions)
    )
    await adapter.start()
    core.attach(adapter.messenger)
    core.dispatcher.start()  # the outbox delivers for real, as in production
    yield adapter
    await core.dispatcher.stop()
    await adapter.stop()


def button(sent: Sent, label_start: str) -> str:
    for item in sent.buttons:
        if item["text"].startswith(label_start):
            return str(item["callback_data"])
    raise AssertionError(f"no button {label_start!r} in {sent.buttons}")


async def test_mentoring_round_in_a_group(
    telegram: TelegramAdapter, fake: FakeBotApi, core: Core
) -> None:
    fake.say(private(MENTOR), MENTOR, "/start")  # Max opted in to DMs
    await fake.wait_sent(MENTOR["id"])
    fake.say(SHOP, MENTOR, "/skills pricing, <b>Etsy</b> & co")
    fake.say(SHOP, ASKER, "/ask How do I price <candles> & soap? #pricing")
    opened = (await fake.wait_sent(SHOP["id"], 2))[-1]
    assert "Request #1 is open: “How do I price <candles> & soap?”" in opened.text
    assert "&lt;candles&gt; &amp; soap" in opened.html

    routed = (await fake.wait_sent(MENTOR["id"], 2))[-1]  # through the outbox, by DM
    assert "Bea asked for help in Shop Owners (#1, pricing)" in routed.text

    fake.say(SHOP, MENTOR, "How can I help?")
    listing = (await fake.wait_sent(SHOP["id"], 3))[-1]
    assert "#1 “How do I price <candles> & soap?” #pricing — Bea, open" in listing.text
    fake.press(MENTOR, listing, button(listing, "I'll help #1"))
    intro = (await fake.wait_sent(SHOP["id"], 4))[-1]
    assert intro.text.startswith("🤝 Max will help Bea with #1")
    assert f"tg://user?id={ASKER['id']}" in intro.html
    assert f"tg://user?id={MENTOR['id']}" in intro.html

    fake.say(SHOP, ASKER, "/resolve 1 Thanks!")
    # The "First help" badge is announced through the outbox: it may land between replies.
    resolved = await fake.wait_text(SHOP["id"], "#1 is resolved")
    assert "#1 is resolved. Kudos to Max!" in resolved.text
    fake.press(ASKER, resolved, button(resolved, "Save as tip"))
    await fake.wait_text(SHOP["id"], "only thanks, so I asked Max for their answer")
    asked = await fake.wait_text(MENTOR["id"], "What solved it?")
    assert "“How do I price <candles> & soap?”" in asked.text
    fake.say(SHOP, MENTOR, "/savetip 1 Price at 3x material cost")
    saved = await fake.wait_text(SHOP["id"], "Saved #1 as a tip")
    assert "A: Price at 3x material cost" in saved.text
    await fake.wait_text(SHOP["id"], "Max earned a badge: 🤝 First help")
    async with core.database.sessions() as session:
        assert (await session.scalars(select(Kudos.note))).all() == ["Thanks!"]


async def test_checkin_by_button_and_by_reply_to_the_ping(
    telegram: TelegramAdapter, fake: FakeBotApi, core: Core, clock: FakeClock
) -> None:
    fake.admins[SHOP["id"]] = [OWNER]
    fake.say(SHOP, OWNER, "/schedule checkin 09:00")
    assert "Scheduled: daily check-in ping at 09:00" in (await fake.wait_sent(SHOP["id"]))[-1].text
    async with core.database.sessions() as session:
        schedule = await session.scalar(select(Schedule))
        assert schedule is not None
    clock.current = datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert await core.schedules.fire(schedule.id, clock.current)
    core.dispatcher.wake()
    ping = (await fake.wait_sent(SHOP["id"], 2))[-1]
    assert ping.text.startswith("☀️ Check-in for Tue 24 Nov")
    assert [item["text"] for item in ping.buttons] == ["Check in", "Skip today"]

    fake.press(ASKER, ping, button(ping, "Check in"))
    pressed = (await fake.wait_sent(SHOP["id"], 3))[-1]
    assert "Checked in, Bea! What's your plan?" in pressed.text
    # A check-in is acknowledged by a reaction on the member's own message, not a group post.
    fake.say(SHOP, MENTOR, "write two listings", reply_to_message=ping.payload)
    plan = fake.written[-1]["message_id"]
    await fake.wait_until(lambda: len(fake.reactions_in(SHOP["id"])) == 1)
    fake.say(SHOP, MENTOR, "/done")
    done = fake.written[-1]["message_id"]
    await fake.wait_until(lambda: len(fake.reactions_in(SHOP["id"])) == 2)
    marks = [(r.message_id, r.emoji) for r in fake.reactions_in(SHOP["id"])]
    assert marks == [(plan, "✍"), (done, "🎉")]
    fake.say(SHOP, ASKER, "/board")
    board = (await fake.wait_sent(SHOP["id"], 4))[-1]
    assert "✅ Max: write two listings" in board.text
    assert "📝 Bea: —" in board.text
    async with core.database.sessions() as session:
        assert len((await session.scalars(select(CheckIn))).all()) == 2


async def test_closed_dm_marks_the_account_unreachable(
    telegram: TelegramAdapter, fake: FakeBotApi, core: Core
) -> None:
    from storage.models import Account

    fake.say(SHOP, ASKER, "/profile")  # Bea never opened a DM: Telegram answers 403
    notice = (await fake.wait_sent(SHOP["id"]))[-1]
    assert "I have a private message for you, but I can't send it to you by DM yet" in notice.text
    assert "Skills" not in notice.text  # the profile itself never lands in the group
    assert notice.buttons == [{"text": "Open a DM", "url": "https://t.me/mentor_test_bot?start=dm"}]
    async with core.database.sessions() as session:
        account = await session.scalar(select(Account).where(Account.user_id == str(ASKER["id"])))
        assert account is not None
        assert account.dm_unreachable
    fake.say(private(ASKER), ASKER, "/start dm")
    await fake.wait_sent(ASKER["id"])
    async with core.database.sessions() as session:
        account = await session.scalar(select(Account).where(Account.user_id == str(ASKER["id"])))
        assert account is not None
        assert not account.dm_unreachable
        assert account.dm_opted_in
