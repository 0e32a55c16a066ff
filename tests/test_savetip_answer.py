"""**Save as tip** keeps the helper's answer: a resolve note that is only thanks asks them."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import Core
from bot.domain.thanks import THANKS_WORDS, is_only_thanks
from storage.models import Account, OutboxMessage, Tip
from tests.harness import ChatDriver, deliver

ONLY_THANKS = [
    "",
    "Thanks!",
    "Thanks, that worked!",
    "thank you so much 🙏",
    "Thanks Mia!",
    "ty",
    "THANK YOU!!! you're a lifesaver",
    "Cheers, perfect",
    "Thanks a lot, it works now :)",
    "谢谢",
    "धन्यवाद!",
    "Muchas gracias",
    "Thanks Mia, the spreadsheet trick worked",
]
ANSWERS = [
    "Price at 3x material cost",
    "Use the free tier of Wave",
    "Thanks! Batch the photos on Sunday evenings",
    "Set prices per gram, not per candle",
    "Mia said: raise prices 20% before the holidays",
]


@pytest.mark.parametrize("note", ONLY_THANKS)
def test_notes_that_are_only_thanks(note: str) -> None:
    assert is_only_thanks(note, "Mia")


@pytest.mark.parametrize("note", ANSWERS)
def test_notes_that_carry_an_answer(note: str) -> None:
    assert not is_only_thanks(note, "Mia")


_THANKS = st.lists(st.sampled_from(sorted(THANKS_WORDS)), max_size=12)
_OTHER = st.from_regex(r"[a-z]{2,9}[0-9]?", fullmatch=True).filter(lambda w: w not in THANKS_WORDS)


@given(st.text(max_size=400), st.text(max_size=40))
def test_any_note_gets_an_answer_without_raising(note: str, helper: str) -> None:
    assert is_only_thanks(note, helper) in (True, False)


@given(_THANKS, st.sampled_from([" ", ", ", "! ", " 🙏 "]))
def test_thanks_words_alone_are_only_thanks(words: list[str], separator: str) -> None:
    assert is_only_thanks(separator.join(words) + "!")


@given(_THANKS, st.lists(_OTHER, min_size=3, max_size=8), st.randoms())
def test_three_words_besides_thanks_are_an_answer(
    thanks: list[str], other: list[str], shuffler: random.Random
) -> None:
    words = [*thanks, *other]
    shuffler.shuffle(words)
    assert not is_only_thanks(" ".join(words))


async def tips(core: Core) -> list[tuple[str, str]]:
    async with core.database.sessions() as session:
        rows = await session.execute(
            select(Tip.text, Account.user_id)
            .join(Account, Account.person_id == Tip.author_id)
            .order_by(Tip.id)
        )
        return [(text, user) for text, user in rows.all()]


async def resolved(chat: ChatDriver, note: str) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("mia", "g", "/skills pricing")
    await chat.say("bob", "g", "/ask How should I price handmade candles? #pricing")
    await chat.say("mia", "g", "/claim 1")
    await chat.say("bob", "g", f"/resolve 1 {note}".strip())


@pytest.mark.parametrize("presser", ["bob", "olga"])
async def test_thanks_only_asks_the_helper_and_saves_her_words(
    chat: ChatDriver, core: Core, presser: str
) -> None:
    await resolved(chat, "Thanks, that worked!")
    await deliver(core, chat)
    out = await chat.press(presser, "Save as tip")
    assert "The note on #1 is only thanks, so I asked Mia for their answer." in out
    assert await tips(core) == []
    dm = await deliver(core, chat)
    assert "[dm mia]" in dm
    assert "“How should I price handmade candles?”" in dm
    assert "Send /savetip 1 <your answer> in the group" in dm
    assert "already asked Mia" in await chat.press(presser, "Save as tip")
    assert await deliver(core, chat) == ""  # asked once
    out = await chat.say("mia", "g", "/savetip 1 Price at 3x material cost, then test")
    assert "Saved #1 as a tip" in out
    assert await tips(core) == [
        ("Q: How should I price handmade candles?\nA: Price at 3x material cost, then test", "mia")
    ]


async def test_a_note_that_is_an_answer_is_saved_at_once(chat: ChatDriver, core: Core) -> None:
    await resolved(chat, "Price at 3x material cost")
    assert "Saved #1 as a tip" in await chat.press("bob", "Save as tip")
    assert await tips(core) == [
        ("Q: How should I price handmade candles?\nA: Price at 3x material cost", "mia")
    ]


async def test_the_helper_pressing_is_asked_for_the_answer_directly(
    chat: ChatDriver, core: Core
) -> None:
    await resolved(chat, "Thanks!")
    out = await chat.press("mia", "Save as tip")
    assert "Add what solved it" in out
    assert "/savetip 1 Price at 3× material cost, then test" in out
    assert await tips(core) == []


async def test_a_helper_without_dms_is_asked_in_the_group(chat: ChatDriver, core: Core) -> None:
    chat.console.messenger.unreachable.add("mia")
    await resolved(chat, "")
    async with core.database.sessions() as session, session.begin():
        account = await session.scalar(select(Account).where(Account.user_id == "mia"))
        assert account is not None
        account.dm_unreachable = True
    out = await chat.press("bob", "Save as tip")
    assert "@Mia, what solved #1? Send /savetip 1 <your answer> here" in out
    async with core.database.sessions() as session:
        asked = select(func.count()).select_from(OutboxMessage)
        assert await session.scalar(asked.where(OutboxMessage.key.startswith("savetip"))) == 0
    assert await tips(core) == []


async def test_the_askers_own_words_for_savetip_still_work(chat: ChatDriver, core: Core) -> None:
    await resolved(chat, "thanks")
    out = await chat.say("bob", "g", "/savetip 1 Mia told me to price at 3x material cost")
    assert "Saved #1 as a tip" in out
    assert await tips(core) == [
        (
            "Q: How should I price handmade candles?\nA: Mia told me to price at 3x material cost",
            "mia",
        )
    ]
