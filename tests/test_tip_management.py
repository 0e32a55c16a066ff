"""`/tip edit` and `/tip delete`: authors manage their tips, organizers moderate their library."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import Core
from bot.domain.tips import MAX_TIP_LENGTH
from storage.models import Community, Tip, TipTopic
from storage.tips_repo import TipLibrary
from tests.harness import ChatDriver


async def setup_library(chat: ChatDriver) -> None:
    """Olga organizes g; Mia and Max are mentors; Mia posts tip #1; Hana organizes h."""
    chat.make_admin("olga", "g")
    for person in ("olga", "mia", "max", "bob"):
        await chat.say(person, "g", "/join")
    await chat.say("olga", "g", "/promote @mia mentor")
    await chat.say("olga", "g", "/promote @max mentor")
    assert "Tip #1 from Mia" in await chat.say(
        "mia", "g", "/tip Raise prices every January #pricing"
    )
    chat.make_admin("hana", "h")
    await chat.say("hana", "h", "/tip Batch your email twice a day #focus")


async def tip_text(core: Core, tip_id: int) -> str | None:
    async with core.database.sessions() as session:
        return await session.scalar(select(Tip.text).where(Tip.id == tip_id))


async def search(core: Core, community_chat: str, words: list[str]) -> list[int]:
    """The full-text index's answer, straight from the library."""
    async with core.database.sessions() as session:
        community = await session.scalar(
            select(Community.id).where(Community.chat_id == community_chat)
        )
        assert community is not None
        found = await TipLibrary(session).search([community], words, [], 10)
    return [hit.tip.id for hit in found.hits]


async def test_the_author_edits_a_tip_and_search_follows(chat: ChatDriver, core: Core) -> None:
    await setup_library(chat)
    assert await search(core, "g", ["january"]) == [1]
    out = await chat.say("mia", "g", "/tip edit 1 Raise prices every September #pricing #sales")
    assert "Tip #1 now reads: “Raise prices every September #pricing #sales”" in out
    assert await tip_text(core, 1) == "Raise prices every September #pricing #sales"
    assert await search(core, "g", ["january"]) == []
    assert await search(core, "g", ["september"]) == [1]
    async with core.database.sessions() as session:
        keys = list(
            await session.scalars(
                select(TipTopic.key).where(TipTopic.tip_id == 1).order_by(TipTopic.id)
            )
        )
    assert keys == ["pricing", "sales"]
    out = await chat.say("bob", "g", "/tips #sales")
    assert "#1 Raise prices every September" in out
    # in a DM the author can still name their own tip
    assert "Tip #1 now reads" in await chat.say("mia", None, "/tip edit #1\nRaise prices in May")
    assert await tip_text(core, 1) == "Raise prices in May"


async def test_the_author_deletes_a_tip_and_it_is_gone_everywhere(
    chat: ChatDriver, core: Core
) -> None:
    await setup_library(chat)
    await chat.press("bob", "Helpful")  # a vote that must go with it
    out = await chat.say("mia", "g", "/tip delete #1")
    assert "Tip #1 is deleted from the library" in out
    assert await tip_text(core, 1) is None
    assert await search(core, "g", ["january"]) == []
    assert "library is empty" in await chat.say("bob", "g", "/tips")
    assert "There is no tip #1" in await chat.say("mia", "g", "/tip delete 1")


async def test_an_organizer_deletes_any_tip_of_their_community_but_edits_none(
    chat: ChatDriver, core: Core
) -> None:
    await setup_library(chat)
    out = await chat.say("olga", "g", "/tip edit 1 Olga's better words")
    assert "Tip #1 is by Mia; only its author can edit it" in out
    assert await tip_text(core, 1) == "Raise prices every January #pricing"
    assert "Tip #1 is deleted" in await chat.say("olga", "g", "/tip delete 1")
    assert await tip_text(core, 1) is None


@pytest.mark.parametrize(
    ("who", "chat_id", "text", "reply"),
    [
        ("max", "g", "/tip edit 1 Max's words", "only its author can edit it"),
        ("max", "g", "/tip delete 1", "only its author or an organizer of its community"),
        ("bob", "g", "/tip delete 1", "only its author or an organizer of its community"),
        ("hana", "h", "/tip delete 1", "There is no tip #"),
        ("hana", "h", "/tip edit 1 Hana's words", "There is no tip #"),
        ("olga", "g", "/tip delete 2", "There is no tip #"),
        ("olga", None, "/tip delete 1", "There is no tip #1 in this library"),
        ("mia", "g", "/tip delete 99", "There is no tip #99 in this library"),
        ("mia", "g", "/tip edit 99 New words", "There is no tip #99 in this library"),
        ("mia", "g", "/tip edit 1 " + "x" * (MAX_TIP_LENGTH + 1), "the limit is 1900"),
        ("mia", "g", "/tip edit 1 #pricing", "not only topics"),
        ("mia", "g", "/tip edit 1", "Write the new text of tip #1"),
        ("mia", "g", "/tip edit", "Which tip?"),
        ("mia", "g", "/tip edit x Better words", "is not a number"),
        ("mia", "g", "/tip delete 1 now please", "takes only the tip's number"),
    ],
)
async def test_refusals_change_nothing(
    chat: ChatDriver, core: Core, who: str, chat_id: str | None, text: str, reply: str
) -> None:
    await setup_library(chat)
    assert reply in await chat.say(who, chat_id, text)
    assert await tip_text(core, 1) == "Raise prices every January #pricing"
    assert await tip_text(core, 2) == "Batch your email twice a day #focus"
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(TipTopic)) == 2


async def test_tip_numbers_are_shown_where_tips_are_listed(chat: ChatDriver) -> None:
    await setup_library(chat)
    assert "#1 Raise prices every January" in await chat.say("bob", "g", "/tips")
    assert "Tip #3 from Hana" in await chat.say("hana", "h", "/tip Drink water #health")


async def test_a_long_tip_is_shortened_in_lists_and_whole_by_number(
    chat: ChatDriver, core: Core
) -> None:
    await setup_library(chat)
    long_tip = "Write down every price you quote. " * 30 + "#pricing"
    await chat.say("mia", "g", f"/tip {long_tip}")
    out = await chat.say("bob", "g", "/tips quote")
    assert "…" in out
    assert long_tip not in out
    assert "/tips #N shows one whole" in out
    out = await chat.say("bob", "g", "/tips #3")
    assert "Tip #3 from Mia" in out
    assert long_tip.strip() in out
    assert "/tips #N" not in await chat.say("bob", "g", "/tips january")
    out = await chat.say("bob", "g", "/tips #2")  # Hana's tip lives in h
    assert "There is no tip #2 in this library" in out
    assert "Batch your email" not in out
