"""`/done` in a DM: one plan is marked, several ask which (a button per community), none says so."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import Core
from storage.models import CheckIn, Community
from tests.harness import ChatDriver, FakeClock


async def marks(core: Core) -> dict[str, tuple[bool, str | None]]:
    """Each community's (done, note) of the one person who checked in, by chat."""
    async with core.database.sessions() as session:
        rows = await session.execute(
            select(Community.chat_id, CheckIn.done, CheckIn.done_note).join(
                Community, Community.id == CheckIn.community_id
            )
        )
        return {chat: (done, note) for chat, done, note in rows.all()}


async def test_several_plans_ask_which_and_the_button_marks_that_one(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("bob", "candles", "/checkin pour 20 candles")
    await chat.say("bob", "writers", "/checkin write 500 words")
    out = await chat.say("bob", None, "/done")
    assert "You have plans today in 2 communities. Which one is done?" in out
    assert "candles" in out
    assert "writers" in out
    assert await marks(core) == {"candles": (False, None), "writers": (False, None)}
    assert "🎉 Done in writers: “write 500 words”" in await chat.press("bob", "writers")
    assert await marks(core) == {"candles": (False, None), "writers": (True, None)}
    assert "Already marked done today" in await chat.press("bob", "writers")
    assert "🎉 Done in candles: “pour 20 candles”" in await chat.press("bob", "candles")


async def test_a_note_with_several_plans_is_not_lost_silently(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", "candles", "/checkin pour 20 candles")
    await chat.say("bob", "writers", "/checkin write 500 words")
    out = await chat.say("bob", None, "/done all poured")
    assert "Which one is done?" in out
    assert "send /done all poured in that group" in out
    assert await marks(core) == {"candles": (False, None), "writers": (False, None)}
    await chat.press("bob", "candles")
    out = await chat.say("bob", "candles", "/done all poured")
    assert "note updated" in out
    assert await marks(core) == {"candles": (True, "all poured"), "writers": (False, None)}


async def test_one_plan_is_marked_at_once(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", "writers", "/join")
    await chat.say("bob", "candles", "/checkin pour 20 candles")
    out = await chat.say("bob", None, "/done lovely scent")
    assert "🎉 Done in candles: “pour 20 candles”" in out
    assert await marks(core) == {"candles": (True, "lovely scent")}


async def test_no_plan_says_so_with_an_example(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", "candles", "/join")
    out = await chat.say("bob", None, "/done")
    assert "You have no plan for today in any of your communities yet" in out
    assert "/checkin finish the product photos" in out
    assert await marks(core) == {}


async def test_the_dm_finds_a_plan_on_the_community_day(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "candles")
    await chat.say("olga", "candles", "/settings timezone America/New_York")
    clock.current = datetime(2026, 11, 24, 3, tzinfo=UTC)  # Mon 22:00 in New York
    await chat.say("bob", "candles", "/checkin pour 20 candles")  # Bob has no zone of his own
    out = await chat.say("bob", None, "/done")
    assert "🎉 Done in candles: “pour 20 candles”" in out


async def test_a_stale_button_from_yesterday_is_refused(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("bob", "candles", "/checkin pour 20 candles")
    await chat.say("bob", "writers", "/checkin write 500 words")
    await chat.say("bob", None, "/done")
    clock.advance(days=1)
    out = await chat.press("bob", "writers")
    assert "That plan was for another day. Send /done again for today's." in out
    assert await marks(core) == {"candles": (False, None), "writers": (False, None)}


async def test_plans_already_done_are_not_offered_again(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", "candles", "/checkin pour 20 candles")
    await chat.say("bob", "writers", "/checkin write 500 words")
    await chat.say("bob", "soap", "/checkin cut soap bars")
    await chat.say("bob", "writers", "/done")
    out = await chat.say("bob", None, "/done")
    assert "You have plans today in 2 communities. Which one is done?" in out
    assert "writers" not in out
    await chat.press("bob", "soap")
    out = await chat.say("bob", None, "/done")  # the last open one is marked at once
    assert "🎉 Done in candles: “pour 20 candles”" in out
    out = await chat.say("bob", None, "/done")
    assert "Every plan you made today is already marked done." in out
    assert all(done for done, _ in (await marks(core)).values())
