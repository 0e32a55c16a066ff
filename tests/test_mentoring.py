"""The mentoring exchange through the console: ask, offer, claim, resolve, kudos, escalation."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from adapters.console import PLATFORM
from bot.app import Core
from bot.core.events import Address, ButtonPress, ChatKind, Sender
from bot.core.markup import plain
from bot.domain.matching import overlap, same_topic, split_tags, topics_in_text
from storage.models import HelpRequest, Kudos, OutboxMessage
from tests.harness import ChatDriver, FakeClock, deliver


async def setup_group(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("mia", "g", "/skills Pricing, Etsy")
    await chat.say("ned", "g", "/skills social media")
    await chat.say("olga", "g", "/promote @mia mentor")


def test_matching_is_loose_in_the_right_ways() -> None:
    assert same_topic("Café", "cafe")
    assert same_topic("designs", "Design")
    assert same_topic("JS", "javascript")
    assert overlap(["Pricing"], ["prices", "etsy"]) == ["prices"]
    assert topics_in_text(
        "How do I price candles for my Etsy shop?", ["pricing", "Etsy", "tax"]
    ) == [
        "pricing",
        "Etsy",
    ]
    assert split_tags("Help with ads #Marketing #ads") == ("Help with ads", ["Marketing", "ads"])


@pytest.mark.parametrize(
    ("typed", "question", "tags"),
    [
        ("कीमत कैसे तय करें? #मूल्य", "कीमत कैसे तय करें?", ["मूल्य"]),  # vowel signs are marks
        ("पैक कैसे करें #पैकेजिंग #शिपिंग", "पैक कैसे करें", ["पैकेजिंग", "शिपिंग"]),
        ("包裝盒去哪買便宜？ ＃包裝", "包裝盒去哪買便宜？", ["包裝"]),  # a full-width ＃
        ("¿Cómo pongo precios? #precios", "¿Cómo pongo precios?", ["precios"]),
        ("Help #cold-email, please", "Help , please", ["cold-email"]),
    ],
)
def test_tags_in_every_script(typed: str, question: str, tags: list[str]) -> None:
    assert split_tags(typed) == (question, tags)


async def test_a_hindi_tag_reaches_the_member_with_that_skill(chat: ChatDriver, core: Core) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("priya", "g", "/join")
    await chat.say("priya", "g", "/skills मूल्य")
    await chat.say("ravi", "g", "/join")
    out = await chat.say("ravi", "g", "/ask कीमत कैसे तय करें? #मूल्य")
    assert "I told 1 member with matching skills (मूल्य)" in out
    assert "[dm priya]" in await deliver(core, chat)


async def test_ask_routes_to_matching_skills_by_dm(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    out = await chat.say("bob", "g", "/ask How do I price candles? #prices")
    assert "Request #1 is open" in out
    assert "I told 1 member with matching skills (prices)" in out
    delivered = await deliver(core, chat)
    assert "[dm mia] mentorbot: Bob asked for help in g (#1, prices)" in delivered
    assert "ned" not in delivered


async def test_ask_without_tags_matches_known_skills(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    out = await chat.say("bob", "g", "/ask Any tips for Social-Media posting?")
    assert "I told 1 member with matching skills (social media)" in out
    assert "[dm ned]" in await deliver(core, chat)


async def test_group_mention_when_dm_impossible(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    chat.console.messenger.unreachable.add("mia")
    await chat.say("bob", "g", "/ask price? #pricing")
    delivered = await deliver(core, chat)
    assert "[g] mentorbot: @Mia, I have a private message for you" in delivered
    assert "Bob asked for help" not in delivered  # it waits for Mia's DM instead
    chat.console.messenger.unreachable.discard("mia")
    await chat.say("mia", None, "/start")
    assert "[dm mia] mentorbot: Bob asked for help in g (#1, pricing)" in await deliver(core, chat)


async def test_away_members_are_not_notified(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("mia", "g", "/away 2026-12-01")
    out = await chat.say("bob", "g", "/ask price? #pricing")
    assert "Nobody here lists pricing" in out


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/ask", "needs <question>"),
        ("/ask #pricing #etsy", "not only #topics"),
        ("/ask " + "x" * 4050, "too long (4050 characters; the limit is 4000)"),
        ("/ask " + "y" * 5000, "the limit is 4096"),
    ],
)
async def test_ask_bad_input(chat: ChatDriver, core: Core, text: str, reply: str) -> None:
    assert reply in await chat.say("bob", "g", text)
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(HelpRequest)) == 0


async def test_ask_only_in_groups(chat: ChatDriver) -> None:
    assert "works in a group chat" in await chat.say("bob", None, "/ask help?")


async def test_how_can_i_help_lists_matching_first_with_buttons(chat: ChatDriver) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask Instagram growth? #social media")
    await chat.say("bob", "g", "/ask How to price? #pricing")
    for phrase in ("how can I help?", "How may I help", "HOW CAN I HELP OUT?!", "who needs help"):
        out = await chat.say("mia", "g", phrase)
        assert out.index("#2") < out.index("#1"), phrase
        assert "[" in out
        assert "I'll help #2" in out
    assert await chat.say("mia", "g", "how can I help you with your taxes") == ""
    assert "Nothing is open right now" in await chat.say("bob", "g", "how can i help?")
    dm = await chat.say("mia", None, "/canhelp")
    assert "#1" in dm
    assert "· g" in dm


async def test_claim_resolve_round_with_kudos(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price? #pricing")
    out = await chat.say("mia", "g", "/claim 1")
    assert "🤝 @Mia will help @Bob with #1" in out
    delivered = await deliver(core, chat)
    assert "[dm bob] mentorbot: Mia will help you with #1" in delivered
    assert "[dm mia] mentorbot: You're helping Bob with #1" in delivered
    assert "claimed by Mia" in await chat.say("bob", "g", "/requests")
    out = await chat.say("bob", "g", "/resolve 1 Thanks, that worked!")
    assert "#1 is resolved. Kudos to @Mia!" in out
    assert "“Thanks, that worked!”" in out
    assert "1. Mia — 1 helped, 0 kudos" in await chat.say("bob", "g", "/leaderboard")
    assert "Helped: 1 · Kudos: 1" in await chat.say("bob", "g", "/profile @mia")
    assert "already resolved" in await chat.say("bob", "g", "/resolve 1")
    assert "open again" in await chat.say("bob", "g", "/reopen 1")
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Kudos)) == 0


async def test_claim_bad_input(chat: ChatDriver) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price? #pricing")
    assert "your own request" in await chat.say("bob", "g", "/claim 1")
    assert "no request #7" in await chat.say("mia", "g", "/claim 7")
    assert "is not a number" in await chat.say("mia", "g", "/claim one")
    assert "needs <number>" in await chat.say("mia", "g", "/claim")
    await chat.say("mia", "g", "/claim #1")
    assert "already helping with #1" in await chat.say("mia", "g", "/claim 1")
    assert "already claimed by Mia" in await chat.say("ned", "g", "/claim 1")
    assert "not helping with #1" in await chat.say("ned", "g", "/unclaim 1")
    assert "Only the asker or an organizer" in await chat.say("ned", "g", "/resolve 1")
    assert "Only the asker or an organizer" in await chat.say("ned", "g", "/close 1")
    assert "open again" in await chat.say("mia", "g", "/unclaim 1")
    assert "is closed" in await chat.say("olga", "g", "/close 1")  # organizers may
    assert "already closed" in await chat.say("mia", "g", "/claim 1")
    # another community's #1 is a different request
    assert "no request #1" in await chat.say("mia", "other", "/claim 1")


async def test_capacity_of_three_active_claims(chat: ChatDriver) -> None:
    await setup_group(chat)
    for index in range(4):
        await chat.say("bob", "g", f"/ask question {index} #pricing")
    for number in (1, 2, 3):
        assert "will help" in await chat.say("mia", "g", f"/claim {number}")
    assert "already helping with 3 requests" in await chat.say("mia", "g", "/claim 4")


async def test_button_pressed_twice_and_by_two_at_once(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price? #pricing")
    async with core.database.sessions() as session:
        request_id = await session.scalar(select(HelpRequest.id))

    def press(person: str) -> ButtonPress:
        return ButtonPress(
            Address(PLATFORM, "g", person),
            ChatKind.GROUP,
            Sender(person.capitalize(), person),
            "claim",
            str(request_id),
            chat_title="g",
        )

    messenger = chat.console.messenger
    first, second = await asyncio.gather(
        core.router.handle(press("mia"), messenger), core.router.handle(press("ned"), messenger)
    )
    texts = [plain(out.message.text) for out in [*first, *second]]
    winners = [t for t in texts if "will help @Bob" in t or "will help Bob" in t]
    losers = [t for t in texts if "already claimed by" in t]
    assert len(winners) == 1
    assert len(losers) == 1
    winner = "Mia" if "Mia will help" in winners[0] else "Ned"
    assert f"already claimed by {winner}" in losers[0]
    again = await core.router.handle(press(winner.lower()), messenger)
    assert "already helping" in plain(again[0].message.text)


async def test_claim_from_dm_button_tells_the_group(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price? #pricing")
    await deliver(core, chat)  # mia's DM with the I'll help button
    out = await chat.press("mia", "I'll help #1")
    assert "[dm mia] mentorbot: You're helping with #1. I told the group." in out
    delivered = await deliver(core, chat)
    assert "[g] mentorbot: 🤝 @Mia will help @Bob with #1" in delivered


async def test_stranger_button_from_other_community(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price? #pricing")
    await chat.say("eve", "elsewhere", "/join")
    await deliver(core, chat)
    # eve presses the DM button that was meant for mia: she is no member of g
    out = await chat.press("eve", "I'll help #1")
    assert "Join g first" in out


async def test_kudos_rules(chat: ChatDriver, clock: FakeClock) -> None:
    await setup_group(chat)
    assert "yourself" in await chat.say("bob", "g", "/kudos @bob great")
    assert "I don't know @nobody" in await chat.say("bob", "g", "/kudos @nobody thanks")
    assert "needs <note>" in await chat.say("bob", "g", "/kudos @mia")
    for _ in range(5):
        assert "Bob thanks @Mia" in await chat.say("bob", "g", "/kudos @mia thanks!")
    assert "daily limit" in await chat.say("bob", "g", "/kudos @mia again")
    clock.advance(hours=12)  # past midnight UTC: a new day
    assert "Bob thanks @Mia" in await chat.say("bob", "g", "/kudos @mia new day")
    assert "1. Mia — 0 helped, 6 kudos" in await chat.say("ned", "g", "/leaderboard")


async def test_leaderboard_orders_help_before_kudos(chat: ChatDriver) -> None:
    await setup_group(chat)
    assert "No help resolved" in await chat.say("bob", "g", "/leaderboard")
    await chat.say("bob", "g", "/ask q #pricing")
    await chat.say("mia", "g", "/claim 1")
    await chat.say("bob", "g", "/resolve 1")
    await chat.say("bob", "g", "/kudos @ned thanks")
    await chat.say("olga", "g", "/kudos @ned thanks")
    out = await chat.say("bob", "g", "/leaderboard")
    assert out.index("1. Mia — 1 helped") < out.index("2. Ned — 0 helped, 2 kudos")


async def test_escalation_once_to_all_mentors_and_asker_told(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask Legal question about contracts #law")
    core.attach(chat.console.messenger)  # platform admins count as organizers, as at run time
    assert await core.escalation.sweep() == 0
    clock.advance(hours=23, minutes=59)
    assert await core.escalation.sweep() == 0
    clock.advance(minutes=1)
    assert await core.escalation.sweep() == 1
    delivered = await deliver(core, chat)
    assert "[dm mia] mentorbot: Still waiting for a helper in g after 24 h — #1" in delivered
    assert "[dm olga]" in delivered  # organizers count as mentors
    assert "[dm ned]" not in delivered
    assert "[dm bob] mentorbot: Nobody has claimed #1 yet" in delivered
    clock.advance(hours=48)
    assert await core.escalation.sweep() == 0
    assert await deliver(core, chat) == ""


async def test_forgetme_removes_requests_and_kudos(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask q #pricing")
    await chat.say("mia", "g", "/claim 1")
    await chat.say("bob", "g", "/resolve 1")
    await chat.say("bob", None, "/forgetme")
    await chat.press("bob", "Delete everything")
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(HelpRequest)) == 0
        assert await session.scalar(select(func.count()).select_from(Kudos)) == 0
        bob_rows = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.user_id == "bob")
        )
        assert bob_rows == 0
    assert "1 helped" not in await chat.say("mia", "g", "/leaderboard")


async def test_forgetme_drops_queued_messages_that_quote_the_person(
    chat: ChatDriver, core: Core
) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask My private pricing worry #pricing")  # DM to mia, queued
    await chat.say("ned", "g", "/kudos @mia thanks for the pricing sheet")
    await chat.say("bob", None, "/forgetme")
    out = await chat.press("bob", "Delete everything")
    assert "1 request," in out
    assert "and 1 message." in out  # the DM to mia that quotes him
    delivered = await deliver(core, chat)
    assert "pricing worry" not in delivered  # mia never gets Bob's words after he left
    async with core.database.sessions() as session:
        left = (await session.scalars(select(OutboxMessage.key))).all()
    assert all(not key.startswith("ask:") for key in left)


async def test_savetip_from_resolution_and_bad_input(chat: ChatDriver, core: Core) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask How to price candles? #pricing")
    assert "isn't resolved yet" in await chat.say("bob", "g", "/savetip 1 three times cost")
    await chat.say("mia", "g", "/claim 1")
    out = await chat.say("bob", "g", "/resolve 1 Price at 3x material cost")
    assert "Save as tip" in out
    assert "Only the asker, the helper or an organizer" in await chat.press("ned", "Save as tip")
    out = await chat.press("bob", "Save as tip")
    assert "Saved #1 as a tip" in out
    assert "Tip #1 from Mia" in out
    assert "Q: How to price candles?" in out
    assert "A: Price at 3x material cost" in out
    assert "already tip #1" in await chat.say("mia", "g", "/savetip 1")
    assert "no request #9" in await chat.say("mia", "g", "/savetip 9")
    assert "Q: How to price candles?" in await chat.say("ned", "g", "/tips pricing")
    assert "1. Mia — 1 helped, 0 kudos, 1 tip" in await chat.say("bob", "g", "/leaderboard")


async def test_savetip_needs_an_answer_without_thanks(chat: ChatDriver) -> None:
    await setup_group(chat)
    await chat.say("bob", "g", "/ask q? #pricing")
    await chat.say("mia", "g", "/claim 1")
    await chat.say("bob", "g", "/resolve 1")
    assert "Add what solved it" in await chat.say("mia", "g", "/savetip 1")
    assert "Saved #1 as a tip" in await chat.say("mia", "g", "/savetip 1 use a spreadsheet")


async def test_requests_are_limited_per_person_per_hour(chat: ChatDriver, clock: FakeClock) -> None:
    for index in range(5):
        assert "is open" in await chat.say("bob", "g", f"/ask question {index}")
        clock.advance(minutes=5)
    out = await chat.say("bob", "g", "/ask one too many")
    assert "asked for help 5 times in the last hour" in out
    assert "after 13:00" in out
    assert "limit" in await chat.say("bob", "g", "/blocked stuck")  # /blocked pings too
    assert "is open" in await chat.say("ann", "g", "/ask someone else may")
    clock.advance(minutes=36)  # the first request is now over an hour old
    assert "is open" in await chat.say("bob", "g", "/ask again")


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("दाम बताएँ #मूल्य_निर्धारण और #पैकेजिंग", ["मूल्य_निर्धारण", "पैकेजिंग"]),
        ("先算成本再定價 ＃定價", ["定價"]),
        ("Price by value #pricing", ["pricing"]),
    ],
)
def test_tip_tags_in_every_script(text: str, labels: list[str]) -> None:
    from bot.domain.tips import hashtags

    assert [label for _, label in hashtags(text, "/tip")] == labels
