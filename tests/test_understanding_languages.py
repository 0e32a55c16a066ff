"""What people type in their own language is understood: dialog answers, offers, times."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import Core
from bot.core.i18n import Translator
from bot.dialogs.words import CANCEL, NO, SKIP, YES, meaning
from bot.domain.offers import is_offer
from storage.models import Reminder
from tests.harness import ChatDriver

ANSWERS = [
    ("es", "sí", YES),
    ("es", "Sí", YES),
    ("es", "si", YES),
    ("es", "¡Sí!", YES),
    ("es", "no", NO),
    ("es", "No.", NO),
    ("es", "cancelar", CANCEL),
    ("es", "CANCELAR", CANCEL),
    ("es", "saltar", SKIP),
    ("es", "omitir", SKIP),
    ("zh_Hant", "是", YES),
    ("zh_Hant", "好", YES),
    ("zh_Hant", "對", YES),
    ("zh_Hant", "好！", YES),
    ("zh_Hant", "不", NO),
    ("zh_Hant", "否", NO),
    ("zh_Hant", "取消", CANCEL),
    ("zh_Hant", "取消。", CANCEL),
    ("zh_Hant", "跳過", SKIP),
    ("hi", "हाँ", YES),
    ("hi", "हां", YES),
    ("hi", "नहीं", NO),
    ("hi", "नहीं।", NO),
    ("hi", "रद्द करें", CANCEL),
    ("hi", "रद्द", CANCEL),
    ("hi", "छोड़ें", SKIP),
    ("hi", "छोड़ें", SKIP),  # the same word with ड़ typed as ड + nukta
    # English for everyone
    ("es", "yes", YES),
    ("zh_Hant", "Cancel", CANCEL),
    ("hi", "skip", SKIP),
    ("hi", "no", NO),
    # not a dialog word
    ("es", "quizás", None),
    ("zh_Hant", "也許", None),
    ("hi", "शायद", None),
]


@pytest.mark.parametrize(("language", "typed", "word"), ANSWERS)
def test_dialog_answers_in_each_language(language: str, typed: str, word: str | None) -> None:
    assert meaning(typed, language) == word


@pytest.mark.parametrize("typed", ["sí", "取消", "हाँ", "跳過"])
def test_another_languages_answers_are_not_read_in_english(typed: str) -> None:
    assert meaning(typed, "en") is None


@pytest.mark.parametrize(
    ("typed", "offer"),
    [
        ("¿cómo puedo ayudar?", True),
        ("como puedo ayudar", True),
        ("Como Puedo Ayudar?", True),
        ("¿en que puedo ayudar?", True),
        ("我可以怎麼幫忙？", True),
        ("我可以怎麼幫忙?", True),
        ("我能幫什麼忙", True),
        ("मैं कैसे मदद कर सकता हूँ?", True),
        ("मैं कैसे मदद कर सकता हूं", True),
        ("मैं कैसे मदद कर सकती हूँ।", True),
        ("¿cómo puedo ayudar con mis impuestos?", False),
        ("我需要幫忙", False),
        ("मुझे मदद चाहिए", False),
    ],
)
def test_how_can_i_help_in_each_language(typed: str, offer: bool) -> None:
    assert is_offer(typed) is offer


@pytest.mark.parametrize(
    ("language", "typed", "when", "text"),
    [
        ("es", "mañana a las 9 llamar a Ana", "2026-11-24 09:00", "llamar a Ana"),
        ("es", "mañana 6:30 p. m. llamar a Ana", "2026-11-24 18:30", "llamar a Ana"),
        ("es", "mañana 6:30 p m llamar a Ana", "2026-11-24 18:30", "llamar a Ana"),
        ("zh_Hant", "明天上午9點 繳房租", "2026-11-24 09:00", "繳房租"),
        ("hi", "कल सुबह 9 बजे दवा लेना", "2026-11-24 09:00", "दवा लेना"),
        ("hi", "tomorrow 9am call", "2026-11-24 09:00", "call"),
    ],
)
async def test_remind_reads_the_time_in_the_readers_language(
    chat: ChatDriver, core: Core, language: str, typed: str, when: str, text: str
) -> None:
    await chat.say("ana", None, f"/language {language}")
    out = await chat.say("ana", None, f"/remind {typed}")
    assert f"{when} (UTC)" in out
    assert text in out
    async with core.database.sessions() as session:
        reminder = (await session.scalars(select(Reminder))).one()
    assert reminder.due_at.strftime("%Y-%m-%d %H:%M") == when


async def test_a_group_in_spanish_reads_a_members_hindi_time(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("olga", "g", "/settings language es")
    await chat.say("ravi", None, "/language hi")
    out = await chat.say("ravi", "g", "/away 5 दिसंबर")
    assert "2026-12-05" in out


async def test_kal_alone_is_refused_with_an_example(chat: ChatDriver, core: Core) -> None:
    await chat.say("ravi", None, "/language hi")
    out = await chat.say("ravi", None, "/remind कल दवा लेना")
    assert "कल" in out
    assert "2026-11-24" in out
    assert "Traceback" not in out
    async with core.database.sessions() as session:
        assert (await session.scalars(select(Reminder))).first() is None


async def test_answers_before_any_context_speak_the_persons_language(chat: ChatDriver) -> None:
    """Chat in a DM and an unknown command are answered without a transaction, yet in the
    language the person chose (they were always English)."""
    translator = Translator()
    await chat.say("mei", None, "/language zh_Hant")
    chatting = await chat.say("mei", None, "你好")
    assert (
        translator.gettext("zh_Hant", "I answer commands. Send /help to see what I can do.")[:6]
        in chatting
    )
    assert "I answer commands" not in chatting
    unknown = await chat.say("mei", None, "/remnd")
    assert "I don't know" not in unknown
    assert "/remind" in unknown


async def test_a_dm_without_a_choice_speaks_the_persons_community_language(
    chat: ChatDriver,
) -> None:
    chat.make_admin("olga", "tienda")
    await chat.say("olga", "tienda", "/join")
    await chat.say("olga", "tienda", "/settings language es")
    await chat.say("ana", "tienda", "/join")
    said = await chat.say("ana", None, "hola")
    assert said.endswith(
        Translator().gettext("es", "I answer commands. Send /help to see what I can do.")
    )
