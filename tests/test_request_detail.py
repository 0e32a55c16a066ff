"""`/request N` in full with its history, `/request edit`, and whole questions to helpers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from adapters.discord.render import pieces
from bot.app import Core
from bot.delivery.serialize import load_message
from storage.models import HelpRequest, OutboxMessage, Person, RequestEvent
from tests.harness import ChatDriver, DiscordSpeaker, FakeClock, deliver
from tests.test_bridges import bridged


async def setup_group(chat: ChatDriver) -> None:
    """Olga organizes g; Mia (mentor) knows pricing; Ned knows pricing too; Bob asks."""
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("mia", "g", "/skills Pricing, Etsy")
    await chat.say("ned", "g", "/skills pricing")
    await chat.say("olga", "g", "/promote @mia mentor")
    await chat.say("bob", "g", "/join")


async def set_zone(core: Core, user: str, zone: str) -> None:
    async with core.database.sessions() as session, session.begin():
        await session.execute(
            update(Person).where(Person.display_name == user.title()).values(timezone=zone)
        )


async def test_request_in_full_with_its_history_in_the_readers_zone(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await setup_group(chat)
    await set_zone(core, "bob", "Asia/Taipei")
    await chat.say("bob", "g", "/ask How do I price candles for a weekend market? #pricing")
    clock.advance(hours=1)
    await chat.say("mia", "g", "/claim 1")
    clock.advance(minutes=30)
    await chat.say("mia", "g", "/unclaim 1")
    clock.advance(minutes=30)
    await chat.say("ned", "g", "/claim 1")
    clock.advance(hours=2)
    await chat.say("bob", "g", "/resolve 1 Cost times three worked")
    clock.advance(hours=1)
    await chat.say("olga", "g", "/reopen 1")
    await chat.say("olga", "g", "/close 1")
    out = await chat.say("bob", "g", "/request 1")
    assert "Request #1 in the console · g — closed" in out
    assert "“How do I price candles for a weekend market?”" in out
    assert "Topics: #pricing" in out
    assert "Asked by Bob" in out
    history = out[out.index("History") :].splitlines()[1:]
    assert [entry.strip() for entry in history] == [
        "Mon 2026-11-23 20:00 (Asia/Taipei) — opened by Bob",
        "Mon 2026-11-23 21:00 (Asia/Taipei) — claimed by Mia",
        "Mon 2026-11-23 21:30 (Asia/Taipei) — given back by Mia",
        "Mon 2026-11-23 22:00 (Asia/Taipei) — claimed by Ned",
        "Tue 2026-11-24 00:00 (Asia/Taipei) — resolved by Bob",
        "Tue 2026-11-24 01:00 (Asia/Taipei) — reopened by Olga",
        "Tue 2026-11-24 01:00 (Asia/Taipei) — closed by Olga",
    ]
    # Mia has no zone of her own: the community's (UTC) is used
    assert "Mon 2026-11-23 12:00 (UTC) — opened by Bob" in await chat.say("mia", "g", "/request 1")


async def test_request_shows_helper_thanks_and_escalation(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask Contract law question #law")
    clock.advance(hours=24)
    core.attach(chat.console.messenger)
    assert await core.escalation.sweep() == 1
    await chat.say("mia", "g", "/claim 1")
    out = await chat.say("bob", "g", "/request 1")
    assert "claimed" in out.splitlines()[0]
    assert "Helper: Mia" in out
    assert (
        "Tue 2026-11-24 12:00 (UTC) — nobody had claimed it, so all mentors were asked again" in out
    )
    await chat.say("bob", "g", "/resolve 1 Thank you so much")
    assert "Thanks: “Thank you so much”" in await chat.say("bob", "g", "/request 1")


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/request 0", "numbers here start at 1"),
        ("/request 99", "There is no request #99 here"),
        ("/request", "needs <number>"),
        ("/request abc", "is not a number"),
        ("/request 1 extra words", "takes only a number"),
        ("/request 2", "There is no request #2 here"),  # #2 lives in another community
    ],
)
async def test_request_bad_numbers_are_refused(
    chat: ChatDriver, core: Core, text: str, reply: str
) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask Pricing? #pricing")
    await chat.say("eve", "h", "/ask First in h")
    await chat.say("eve", "h", "/ask Second in h, private to h")
    out = await chat.say("bob", "g", text)
    assert reply in out
    assert "private to h" not in out


async def test_request_finds_a_bridged_request_and_works_in_a_dm(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await discord.group("dana", "dc", "/ask How do I ship to Canada? #shipping")
    out = await chat.say("bob", "g", "/request 1")
    assert "Request #1 in Discord · dc — open" in out
    assert "“How do I ship to Canada?”" in out
    dm = await chat.say("bob", None, "/request 1")
    assert "How do I ship to Canada?" in dm
    assert "There is no request #7 here" in await chat.say("bob", None, "/request 7")


async def test_lists_preview_and_point_to_request_n(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    question = "Where do I start with pricing? " + "Details about my shop. " * 20
    await chat.say("bob", "g", f"/ask {question} #pricing")
    out = await chat.say("ned", "g", "/requests")
    assert "/request N shows one in full" in out
    assert "…" in out
    assert question.strip() not in out
    assert question.strip() in await chat.say("ned", "g", "/request 1")
    assert "/request N shows one in full" in await chat.say("ned", "g", "how can I help?")


async def test_a_3000_character_question_reaches_helpers_whole(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await setup_group(chat)
    question = " ".join(f"word{index}" for index in range(500))[:3000].strip()
    assert len(question) >= 2990
    await chat.say("bob", "g", f"/ask {question} #pricing")
    delivered = await deliver(core, chat)
    for helper in ("mia", "ned"):
        start = delivered.index(f"[dm {helper}] mentorbot:")
        assert question in delivered[start : start + len(question) + 200]
    async with core.database.sessions() as session:
        payloads = (
            await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.key.startswith("ask:1:dm:"))
            )
        ).all()
    assert payloads
    for payload in payloads:  # on Discord (2000) it arrives as several messages, nothing cut
        message = load_message(payload)
        parts = pieces(message.text, 2000)
        assert len(parts) >= 2
        assert question.replace(" ", "") in "".join(
            part.content.replace("\n", "").replace(" ", "") for part in parts
        )
    intro = await chat.say("mia", "g", "/claim 1")
    assert "🤝 @Mia will help @Bob with #1: “word0 word1" in intro
    assert question not in intro  # the group read it already: a preview there
    claimed = await deliver(core, chat)
    assert f"You're helping Bob with #1: “{question}”" in claimed
    await chat.say("mia", "g", "/unclaim 1")
    clock.advance(hours=24)
    assert await core.escalation.sweep() == 1
    assert question in await deliver(core, chat)


async def test_the_asker_edits_an_open_request_and_those_told_get_it(
    chat: ChatDriver, core: Core
) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price candels? #pricing")
    await deliver(core, chat)
    out = await chat.say("bob", "g", "/request edit 1\nHow should I price scented candles?")
    assert "#1 is updated. 2 members who were told about it get the new text." in out
    delivered = await deliver(core, chat)
    for helper in ("mia", "ned"):
        assert (
            f"[dm {helper}] mentorbot: ✏️ Bob corrected request #1 in the console · g. It now "
            "reads:\n    “How should I price scented candles?”"
        ) in delivered
    assert "[dm olga]" not in delivered
    assert "[dm bob]" not in delivered
    out = await chat.say("ned", "g", "/request 1")
    assert "“How should I price scented candles?”" in out
    assert "— edited by Bob" in out


@pytest.mark.parametrize(
    ("who", "text", "reply"),
    [
        ("mia", "/request edit 1 Mine now", "Only the person who asked #1 can edit it"),
        ("olga", "/request edit 1 Organizer fix", "Only the person who asked #1 can edit it"),
        ("bob", "/request edit 1", "Write the corrected question after the number"),
        ("bob", "/request edit", "Which request?"),
        ("bob", "/request edit x New text", "is not a number"),
        ("bob", "/request edit 9 New text", "There is no request #9 here"),
        ("bob", "/request edit 1 How to price?", "already says exactly that"),
        ("bob", "/request edit 1 " + "q" * 4001, "too long"),
    ],
)
async def test_edit_refusals_change_nothing(
    chat: ChatDriver, core: Core, who: str, text: str, reply: str
) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price? #pricing")
    assert reply in await chat.say(who, "g", text)
    async with core.database.sessions() as session:
        assert await session.scalar(select(HelpRequest.question)) == "How to price?"
        assert await session.scalar(select(func.count()).select_from(RequestEvent)) == 0


@pytest.mark.parametrize("step", ["/claim 1", "/close 1", "/resolve 1"])
async def test_a_request_that_is_no_longer_open_cannot_be_edited(
    chat: ChatDriver, core: Core, step: str
) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price? #pricing")
    await chat.say("bob" if step != "/claim 1" else "mia", "g", step)
    out = await chat.say("bob", "g", "/request edit 1 Better words")
    assert "so it can no longer be edited" in out
    async with core.database.sessions() as session:
        assert await session.scalar(select(HelpRequest.question)) == "How to price?"


async def test_forgetme_of_an_actor_keeps_the_history_without_them(
    chat: ChatDriver, core: Core
) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price? #pricing")
    await chat.say("ned", "g", "/claim 1")
    await chat.say("ned", None, "/forgetme")
    await chat.press("ned", "Delete everything")
    out = await chat.say("bob", "g", "/request 1")
    assert "claimed by a former member" in out
    assert "Ned" not in out


async def test_a_claim_released_when_the_bridge_ends_is_in_the_history(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await chat.say("bea", "g", "/ask One")
    await discord.group("max", "dc", "/claim 1")
    await discord.group("dora", "dc", "/settings bridge off", admin=True)
    out = await chat.say("bea", "g", "/request 1")
    assert "open" in out.splitlines()[0]
    assert "— claimed by Max" in out
    assert "— open again: the bridge to its helper's community ended" in out
