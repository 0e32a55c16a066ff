"""`/forgetme` removes the person's words wherever they were copied, and says what went."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.app import Core
from storage.models import CheckIn, Community, HelpRequest, Kudos, OutboxMessage, Tip
from tests.harness import ChatDriver, DiscordSpeaker, FakeClock, deliver

CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")

NOTHING = "0 requests, 0 check-ins, 0 tips, 0 kudos, 0 program answers and 0 messages"


async def setup_group(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("mia", "g", "/skills knitting")
    await chat.say("olga", "g", "/promote @mia mentor")
    await chat.say("fay", "g", "/join")
    await chat.say("olga", "g", "/promote @fay mentor")  # mentors may add tips


async def forget(chat: ChatDriver, person: str) -> str:
    await chat.say(person, None, "/forgetme")
    return await chat.press(person, "Delete everything")


async def count(core: Core, model: type[object]) -> int:
    async with core.database.sessions() as session:
        number = await session.scalar(select(func.count()).select_from(model))
    return int(number or 0)


@pytest.mark.parametrize(
    ("lines", "counted"),
    [
        ([], NOTHING),
        (["/ask How do I price candles?"], "1 request, 0 check-ins"),
        (["/ask How do I price candles?", "/ask Where to buy wax?"], "2 requests, 0 check-ins"),
        (["/checkin write two listings"], "0 requests, 1 check-in, 0 tips"),
        (["/tip Invoice early, always #pricing"], "0 check-ins, 1 tip, 0 kudos"),
        (
            ["/tip Invoice early #pricing", "/tip Reply to buyers fast #support"],
            "0 check-ins, 2 tips, 0 kudos",
        ),
        (["/kudos @mia thanks for the pattern"], "0 tips, 1 kudos, 0 program answers"),
        (
            ["/kudos @mia thanks for the pattern", "/kudos @olga for the intro"],
            "0 tips, 2 kudos, 0 program answers",
        ),
    ],
)
async def test_the_reply_counts_each_kind(
    chat: ChatDriver, core: Core, lines: list[str], counted: str
) -> None:
    await setup_group(chat)
    for line in lines:
        await chat.say("fay", "g", line)
    out = await forget(chat, "fay")
    assert "Done. I deleted every record of you, including " in out
    assert counted in out
    assert await count(core, HelpRequest) == 0
    assert await count(core, CheckIn) == 0
    assert await count(core, Kudos) == 0


async def test_kudos_she_received_are_counted_and_gone(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("olga", "g", "/kudos @fay for the stall layout")
    assert "1 kudos" in await forget(chat, "fay")
    assert await count(core, Kudos) == 0


async def test_a_saved_tip_keeps_the_answer_and_loses_the_question(
    chat: ChatDriver, core: Core
) -> None:
    await setup_group(chat)
    await chat.say("fay", "g", "/ask How should I price hand-dyed yarn? #knitting")
    await chat.say("mia", "g", "/claim 1")
    await chat.say("fay", "g", "/resolve 1 thank you!")
    await chat.say("mia", "g", "/savetip 1 Price at three times the material cost")
    out = await forget(chat, "fay")
    assert "1 request," in out
    async with core.database.sessions() as session:
        texts = (await session.scalars(select(Tip.text))).all()
    assert texts == ["Q: (removed)\nA: Price at three times the material cost"]
    shown = await chat.say("olga", "g", "/tips #knitting")
    assert "(removed)" in shown
    assert "three times the material cost" in shown
    assert "hand-dyed" not in shown


async def test_a_tip_whose_answer_was_her_own_resolve_note_goes_whole(
    chat: ChatDriver, core: Core
) -> None:
    await setup_group(chat)
    await chat.say("fay", "g", "/ask How should I price hand-dyed yarn? #knitting")
    await chat.say("mia", "g", "/claim 1")
    await chat.say("fay", "g", "/resolve 1 thanks so much, price it at cost times three")
    await chat.press("fay", "Save as tip")
    async with core.database.sessions() as session:
        assert (await session.scalars(select(Tip.text))).all() == [
            "Q: How should I price hand-dyed yarn?\nA: thanks so much, price it at cost times three"
        ]
    await forget(chat, "fay")
    assert await count(core, Tip) == 0  # question and answer were both her words
    assert "cost times three" not in await chat.say("olga", "g", "/tips #knitting")


async def test_sent_and_pending_messages_that_quote_her_are_deleted(
    chat: ChatDriver, core: Core
) -> None:
    await setup_group(chat)
    await chat.say("fay", "g", "/ask My private knitting worry about shops #knitting")
    await deliver(core, chat)  # mia got the DM: a sent row that quotes fay
    await chat.say("olga", "g", "/claim 1")  # queues olga's DM, which quotes the question
    out = await forget(chat, "fay")
    assert "and 3 messages." in out, out
    async with core.database.sessions() as session:
        payloads = (await session.scalars(select(OutboxMessage.payload))).all()
    assert not any("knitting worry" in payload for payload in payloads)
    assert "knitting worry" not in await deliver(core, chat)


async def test_short_common_words_do_not_delete_other_peoples_messages(
    chat: ChatDriver, core: Core
) -> None:
    await setup_group(chat)
    await chat.say("olga", "g", "/ask Where can I find wool? #knitting")  # a DM to mia, queued
    await chat.say("fay", "g", "/checkin wool")  # fay's word "wool" is too short to be a quote
    await forget(chat, "fay")
    assert "Where can I find wool?" in await deliver(core, chat)


async def test_a_plural_of_one_message(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("fay", "g", "/ask A question long enough to quote #knitting")
    assert "0 program answers and 1 message." in await forget(chat, "fay")


async def test_copies_in_a_bridged_community_are_found_too(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    discord = DiscordSpeaker(core)
    chat.make_admin("olga", "g")
    code = CODE.search(await chat.say("olga", "g", "/settings bridge"))
    assert code is not None
    await discord.group("dora", "dc", f"/settings bridge {code.group(1)}", admin=True)
    await discord.group("max", "dc", "/join")
    assert "now a mentor" in await discord.group("dora", "dc", "/promote @max mentor", admin=True)
    await chat.say("fay", "g", "/ask Who repairs antique spinning wheels near Porto?")
    clock.advance(hours=25)
    await core.escalation.sweep()  # asks every mentor again, Discord's included
    async with core.database.sessions() as session:
        dc = await session.scalar(select(Community.id).where(Community.chat_id == "dc"))
        quoting = (
            await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.community_id == dc)
            )
        ).all()
    assert any("antique spinning wheels" in payload for payload in quoting)  # a copy over there
    await forget(chat, "fay")
    async with core.database.sessions() as session:
        payloads = (await session.scalars(select(OutboxMessage.payload))).all()
    assert not any("antique spinning wheels" in payload for payload in payloads)
