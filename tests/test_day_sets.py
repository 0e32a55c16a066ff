"""Schedule days as people type them, in each shipped language; refusals never guess."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.core.i18n import Translator
from bot.delivery.timing import describe_days
from bot.domain.day_sets import read_days
from storage.models import Schedule
from tests.harness import ChatDriver

READ = [
    ("en", "daily", "0123456"),
    ("en", "every day", "0123456"),
    ("en", "weekdays", "01234"),
    ("en", "Weekends", "56"),
    ("en", "mon-fri", "01234"),
    ("en", "mon - fri", "01234"),
    ("en", "mon to fri", "01234"),
    ("en", "mon,wed,fri", "024"),
    ("en", "mon, wed and fri", "024"),
    ("en", "mon wed fri", "024"),
    ("en", "mondays and fridays", "04"),
    ("en", "Friday-Monday", "0456"),
    ("en", "sat/sun", "56"),
    ("en", "thurs", "3"),
    ("en", "", "0123456"),
    ("es", "lunes a viernes", "01234"),
    ("es", "de lunes a viernes", "01234"),
    ("es", "lun-vie", "01234"),
    ("es", "Lunes, miércoles y viernes", "024"),
    ("es", "lunes, miercoles y viernes", "024"),
    ("es", "los sábados", "5"),
    ("es", "sábado y domingo", "56"),
    ("es", "todos los días", "0123456"),
    ("es", "a diario", "0123456"),
    ("es", "entre semana", "01234"),
    ("es", "fin de semana", "56"),
    ("es", "fin de semana, lunes", "056"),
    ("es", "weekdays", "01234"),  # English works in every language
    ("es", "los fines de semana", "56"),
    ("es", "el fin de semana", "56"),
    ("es", "del lunes al viernes", "01234"),
    ("es", "días de semana", "01234"),
    ("es_MX", "entre semana", "01234"),  # a regional code reads its language's words
    ("zh_Hant", "週一至五", "01234"),
    ("zh_Hant", "每週一、三、五", "024"),
    ("zh_Hant", "週六日", "56"),
    ("zh_Hant", "週一至週五", "01234"),
    ("zh_Hant", "週一到週五", "01234"),
    ("zh_Hant", "星期一~星期五", "01234"),
    ("zh_Hant", "週一、週三、週五", "024"),
    ("zh_Hant", "每週一", "0"),
    ("zh_Hant", "每天", "0123456"),
    ("zh_Hant", "平日", "01234"),
    ("zh_Hant", "週末", "56"),
    ("zh_Hant", "禮拜六", "5"),
    ("hi", "सोमवार से शुक्रवार तक", "01234"),
    ("hi", "सोम-शुक्र", "01234"),
    ("hi", "सोमवार, बुधवार और शुक्रवार", "024"),
    ("hi", "हर सोमवार", "0"),
    ("hi", "रोज़", "0123456"),
    ("hi", "सप्ताहांत", "56"),
]

REFUSED = [
    ("en", "funday"),
    ("en", "mo"),  # two letters are too easily other words
    ("en", "mon-xyz"),
    ("en", "1,2"),
    ("en", "mon-wed-fri"),
    ("en", "lunes"),  # Spanish days only for a Spanish reader
    ("es", "cuando sea"),
    ("es", "mañana"),
    ("es", "de"),
    ("zh_Hant", "明天"),
    ("hi", "कल"),
]


@pytest.mark.parametrize(("language", "typed", "digits"), READ)
def test_days_as_people_type_them(language: str, typed: str, digits: str) -> None:
    assert read_days(typed, [language]) == digits


@pytest.mark.parametrize(("language", "typed"), REFUSED)
def test_unreadable_days_are_refused(language: str, typed: str) -> None:
    assert read_days(typed, [language]) is None


@given(st.text(max_size=40), st.sampled_from(["en", "es", "zh_Hant", "hi"]))
def test_any_text_gives_sorted_distinct_weekdays_or_nothing(text: str, language: str) -> None:
    days = read_days(text, [language])
    if days is not None:
        assert days
        assert days == "".join(sorted(set(days)))
        assert set(days) <= set("0123456")


@pytest.mark.parametrize(
    ("language", "digits", "shown"),
    [
        ("en", "01234", "weekdays"),
        ("en", "024", "mon, wed, fri"),
        ("es", "01234", "entre semana"),
        ("es", "0123456", "todos los días"),
        ("es", "024", "lun, mié, vie"),
        ("zh_Hant", "56", "週末"),
        ("zh_Hant", "024", "週一、週三、週五"),
        ("hi", "01234", "सप्ताह के दिन"),
        ("es_MX", "01234", "entre semana"),
        ("pt", "024", "mon, wed, fri"),  # no catalog: shown as the bot can read it back
        ("fr", "56", "weekends"),
    ],
)
def test_days_are_shown_in_the_readers_language(language: str, digits: str, shown: str) -> None:
    assert describe_days(digits, language, Translator().gettext) == shown


async def _days_of(chat: ChatDriver, kind: str) -> set[str]:
    async with chat.core.database.sessions() as session:
        rows = await session.scalars(select(Schedule).where(Schedule.kind == kind))
        return {row.days for row in rows if row.enabled}


async def test_a_spanish_organizer_schedules_in_her_words(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("olga", "g", "/settings language es")
    out = await chat.say("olga", "g", "/schedule checkin 09:00 lunes a viernes")
    assert "entre semana" in out
    assert await _days_of(chat, "checkin") == {"01234"}
    refused = await chat.say("olga", "g", "/schedule checkin 09:00 cuando sea")
    assert "cuando sea" in refused
    assert await _days_of(chat, "checkin") == {"01234"}  # nothing changed


async def test_a_taipei_organizer_schedules_in_hers(chat: ChatDriver) -> None:
    chat.make_admin("mei", "g")
    await chat.say("mei", "g", "/join")
    await chat.say("mei", "g", "/settings language zh_Hant")
    out = await chat.say("mei", "g", "/schedule checkin 08:30 週一至週五")
    assert "平日" in out
    assert await _days_of(chat, "checkin") == {"01234"}


@pytest.mark.parametrize("language", ["es", "zh_Hant", "hi"])
async def test_each_translated_schedule_example_is_accepted_as_shown(
    chat: ChatDriver, language: str
) -> None:
    """An organizer who copies the example from a refusal gets it accepted."""
    from bot.core.i18n import Translator
    from bot.features.checkin_ping import SCHEDULE_EXAMPLE
    from bot.features.tip_schedules import EXAMPLE_DAILY

    translator = Translator()
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("olga", "g", f"/settings language {language}")
    for example, kind in ((SCHEDULE_EXAMPLE, "checkin"), (EXAMPLE_DAILY, "tips")):
        shown = translator.gettext(language, example)
        assert shown != example
        await chat.say("olga", "g", shown)
        assert "01234" in await _days_of(chat, kind), (language, shown)


@pytest.mark.parametrize("language", ["es", "zh_Hant", "hi"])
def test_the_translated_away_example_reads_as_a_day(language: str) -> None:
    from datetime import UTC, datetime

    from bot.core.i18n import Translator
    from bot.domain.when import Day, parse_day
    from bot.features.profile import AWAY_EXAMPLE

    shown = Translator().gettext(language, AWAY_EXAMPLE).removeprefix("/away ")
    found = parse_day(shown, "UTC", language, datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert isinstance(found, Day)
    assert (found.day.month, found.day.day) == (12, 24)
