"""The one time parser in Spanish, Traditional Chinese and Hindi: what people type, as tables.

Every row is read at Monday 2026-11-23 12:00 UTC (Madrid 13:00, Taipei 20:00, Kolkata 17:30);
an expected `YYYY-MM-DD HH:MM` is the local moment, a bare word is the kind of refusal.
English forms are understood in every language.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.when import Day, Moment, Refusal, format_day, format_moment, parse_day, parse_moment

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ZONE = {"es": "Europe/Madrid", "zh_Hant": "Asia/Taipei", "hi": "Asia/Kolkata"}

SPANISH = [
    ("mañana 9:00", "2026-11-24 09:00"),
    ("mañana a las 9", "2026-11-24 09:00"),
    ("el viernes a las 18:00", "2026-11-27 18:00"),
    ("en 2 horas", "2026-11-23 15:00"),
    ("5 de diciembre", "2026-12-05 09:00"),
    ("Mañana a las 9", "2026-11-24 09:00"),
    ("manana a las 9", "2026-11-24 09:00"),
    ("MAÑANA 9:00", "2026-11-24 09:00"),
    ("mañana por la mañana", "2026-11-24 09:00"),
    ("mañana a las 6 de la tarde", "2026-11-24 18:00"),
    ("mañana a las 6:30 p. m.", "2026-11-24 18:30"),  # as CLDR writes Spanish times
    ("mañana a las 6:30 P. M.", "2026-11-24 18:30"),
    ("mañana 6 p. m", "2026-11-24 18:00"),
    ("el viernes a las 10 a. m.", "2026-11-27 10:00"),
    ("mañana a las 12 a. m.", "2026-11-24 00:00"),
    ("mañana a las 6:30 p.m.", "2026-11-24 18:30"),
    ("mañana a las 6:30 p m", "2026-11-24 18:30"),
    ("mañana a las 13:30 p. m.", "bad_time"),
    ("hoy a las 20:00", "2026-11-23 20:00"),
    ("esta noche a las 9", "2026-11-23 21:00"),
    ("pasado mañana 10:00", "2026-11-25 10:00"),
    ("el próximo viernes a las 9", "2026-11-27 09:00"),
    ("proximo viernes 9:00", "2026-11-27 09:00"),
    ("dentro de 30 minutos", "2026-11-23 13:30"),
    ("en 1 hora", "2026-11-23 14:00"),
    ("en media hora", "2026-11-23 13:30"),
    ("mañana a las 9 y media", "2026-11-24 09:30"),  # was 9:00 and a text "y media"
    ("mañana a las 9 y cuarto", "2026-11-24 09:15"),
    ("mañana a las 10 menos cuarto", "2026-11-24 09:45"),
    ("mañana a las 9 y 20", "2026-11-24 09:20"),
    ("mañana a las 10 menos 10", "2026-11-24 09:50"),
    ("mañana a las 9 y 45 minutos", "2026-11-24 09:45"),
    ("mañana a las 6 y media de la tarde", "2026-11-24 18:30"),
    ("mañana a las 13 y media", "bad_time"),
    ("mañana a las 3", "which_half"),  # de la madrugada o de la tarde
    ("mañana al mediodía", "2026-11-24 12:00"),
    ("mañana a las 16h", "2026-11-24 16:00"),
    ("mañana a las 16h30", "2026-11-24 16:30"),
    ("mañana a las 9 en punto", "2026-11-24 09:00"),
    ("mañana a las 12 del mediodía", "unread_part"),  # not 12:00 and a text "del mediodía"
    ("el lunes que viene a las 10", "unread_part"),
    ("mañana a la una y media", "unread_part"),  # hours in words
    ("el viernes a las nueve", "unread_part"),
    ("el viernes a las 4", "which_half"),
    ("mañana a las 03:00", "2026-11-24 03:00"),
    ("dentro de media hora", "2026-11-23 13:30"),
    ("en una hora y media", "2026-11-23 14:30"),
    ("en 2 horas y media", "2026-11-23 15:30"),
    ("en una hora", "2026-11-23 14:00"),
    ("en 3 días", "2026-11-26 13:00"),
    ("en 3 dias", "2026-11-26 13:00"),
    ("en 2 semanas", "2026-12-07 13:00"),
    ("sábado 10:00", "2026-11-28 10:00"),
    ("sabado 10:00", "2026-11-28 10:00"),
    ("miércoles a las 7 de la mañana", "2026-11-25 07:00"),
    ("el 5 de diciembre a las 10", "2026-12-05 10:00"),
    ("5 de diciembre de 2026 18:00", "2026-12-05 18:00"),
    ("dic 5", "2026-12-05 09:00"),
    ("tomorrow 9am", "2026-11-24 09:00"),
    ("in 2h", "2026-11-23 15:00"),
    ("ahora", "now"),
    ("ayer a las 9", "past"),
    ("hoy a las 9", "past"),
    ("esta tarde", "needs_time"),
    ("mañana a las 25:00", "bad_time"),
    ("el lunes 2026-12-01", "weekday"),
    ("cuando puedas", "unreadable"),
]

CHINESE = [
    ("明天上午9點", "2026-11-24 09:00"),
    ("半小時後", "2026-11-23 20:30"),
    ("明天早上9點一刻", "2026-11-24 09:15"),  # 一刻: a quarter past
    ("明天3點", "which_half"),  # 凌晨 or 下午?
    ("明天10點差一刻", "2026-11-24 09:45"),  # 差一刻: a quarter to
    ("明天凌晨3點", "2026-11-24 03:00"),
    ("明天早上九點三刻", "2026-11-24 09:45"),  # 三刻: three quarters past
    ("明天下午3點一刻", "2026-11-24 15:15"),
    ("再半小時", "2026-11-23 20:30"),
    ("一個半小時後", "2026-11-23 21:30"),
    ("兩個半小時後", "2026-11-23 22:30"),
    ("2小時半後", "2026-11-23 22:30"),
    ("明天 9:00", "2026-11-24 09:00"),
    ("明天下午三點", "2026-11-24 15:00"),  # numerals written in characters
    ("明天早上十點半", "2026-11-24 10:30"),
    ("明天晚上十一點", "2026-11-24 23:00"),
    ("明天下午三點十分", "2026-11-24 15:10"),
    ("兩小時後", "2026-11-23 22:00"),
    ("三天後", "2026-11-26 20:00"),
    ("禮拜天 下午兩點", "2026-11-29 14:00"),
    ("明天二十五點", "bad_time"),
    ("下週五 18:00", "2026-12-04 18:00"),  # Friday of next week, not this week's
    ("下星期五 18:00", "2026-12-04 18:00"),
    ("下個禮拜一 9:00", "2026-11-30 09:00"),
    ("這週五 18:00", "2026-11-27 18:00"),
    ("本週日 10:00", "2026-11-29 10:00"),
    ("上週五 18:00", "past"),
    ("週五 18:00", "2026-11-27 18:00"),
    ("2小時後", "2026-11-23 22:00"),
    ("12月5日", "2026-12-05 09:00"),
    ("明天下午3點", "2026-11-24 15:00"),
    ("明天下午3點半", "2026-11-24 15:30"),
    ("明天早上8點30分", "2026-11-24 08:30"),
    ("明天晚上8點", "2026-11-24 20:00"),
    ("明天中午12點", "2026-11-24 12:00"),
    ("明天 9點", "2026-11-24 09:00"),
    ("後天 10:00", "2026-11-25 10:00"),
    ("下週五 9點", "2026-12-04 09:00"),  # next week's Friday (was read as this week's)
    ("星期五 18:00", "2026-11-27 18:00"),
    ("禮拜六 10點", "2026-11-28 10:00"),
    ("周五 18:00", "2026-11-27 18:00"),
    ("30分鐘後", "2026-11-23 20:30"),
    ("3天後", "2026-11-26 20:00"),
    ("1個小時後", "2026-11-23 21:00"),
    ("今晚9點", "2026-11-23 21:00"),
    ("今天晚上10點", "2026-11-23 22:00"),
    ("12月5日下午3點", "2026-12-05 15:00"),
    ("2027年1月5日", "2027-01-05 09:00"),
    ("12月5日 18:00", "2026-12-05 18:00"),
    ("明天 ９：００", "2026-11-24 09:00"),
    ("明天上午９點", "2026-11-24 09:00"),
    ("１２月５日", "2026-12-05 09:00"),
    ("tomorrow 9am", "2026-11-24 09:00"),
    ("in 2h", "2026-11-23 22:00"),
    ("現在", "now"),
    ("今天上午9點", "past"),
    ("昨天 9點", "past"),
    ("明天晚上", "needs_time"),
    ("明天 25:00", "bad_time"),
    ("2月30日", "bad_date"),
    ("什麼時候都可以", "unreadable"),
]

HINDI = [
    ("कल शाम साढ़े 6 बजे", "2026-11-24 18:30"),  # साढ़े: half past
    ("कल सुबह सवा 9 बजे", "2026-11-24 09:15"),  # सवा: quarter past
    ("कल शाम पौने 7 बजे", "2026-11-24 18:45"),  # पौने: quarter to
    ("कल सुबह 9 बजे", "2026-11-24 09:00"),
    ("2 घंटे में", "2026-11-23 19:30"),
    ("आधे घंटे में", "2026-11-23 18:00"),  # आधे: half
    ("आधा घंटा बाद", "2026-11-23 18:00"),
    ("डेढ़ घंटे में", "2026-11-23 19:00"),  # डेढ़: one and a half
    ("ढाई घंटे में", "2026-11-23 20:00"),  # ढाई: two and a half
    ("साढ़े 3 घंटे में", "2026-11-23 21:00"),  # साढ़े before a count: and a half
    ("एक घंटे में", "2026-11-23 18:30"),
    ("शुक्रवार को 4 बजे", "which_half"),
    ("दो घंटे में", "2026-11-23 19:30"),  # number words before a unit
    ("तीस मिनट में", "2026-11-23 18:00"),
    ("कल सुबह नौ बजे", "2026-11-24 09:00"),
    ("कल शाम सात बजे", "2026-11-24 19:00"),
    ("शुक्रवार 18:00", "2026-11-27 18:00"),
    ("कल 9:00", "2026-11-24 09:00"),
    ("कल शाम 6 बजे", "2026-11-24 18:00"),
    ("कल दोपहर 2 बजे", "2026-11-24 14:00"),
    ("कल रात 10 बजे", "2026-11-24 22:00"),
    ("कल सुबह 9:30 बजे", "2026-11-24 09:30"),
    ("आज रात 9 बजे", "2026-11-23 21:00"),
    ("आज शाम 7 बजे", "2026-11-23 19:00"),
    ("शुक्रवार को शाम 6 बजे", "2026-11-27 18:00"),
    ("शुक्रवार को 18:00", "2026-11-27 18:00"),
    ("सोमवार 10 बजे", "2026-11-30 10:00"),
    ("अगले शुक्रवार 9 बजे", "2026-11-27 09:00"),
    ("30 मिनट में", "2026-11-23 18:00"),
    ("30 मिनट बाद", "2026-11-23 18:00"),
    ("3 दिन में", "2026-11-26 17:30"),
    ("1 सप्ताह में", "2026-11-30 17:30"),
    ("2 हफ्ते में", "2026-12-07 17:30"),
    ("5 दिसंबर", "2026-12-05 09:00"),
    ("5 दिसंबर 18:00", "2026-12-05 18:00"),
    ("शनिवार 10:00", "2026-11-28 10:00"),
    ("2026-12-01 18:00", "2026-12-01 18:00"),
    ("tomorrow 9am", "2026-11-24 09:00"),
    ("in 2h", "2026-11-23 19:30"),
    ("कल", "either_day"),
    ("कल सुबह", "either_day"),
    ("9 बजे कल", "either_day"),
    ("अब", "now"),
    ("आज सुबह 9 बजे", "past"),
    ("कल 25 बजे", "bad_time"),
    ("कुछ भी", "unreadable"),
]

TABLES = [("es", text, want) for text, want in SPANISH]
TABLES += [("zh_Hant", text, want) for text, want in CHINESE]
TABLES += [("hi", text, want) for text, want in HINDI]


def shown(moment: datetime, zone: str) -> str:
    """The moment as local `YYYY-MM-DD HH:MM`."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def test_each_language_has_a_full_table() -> None:
    for table in (SPANISH, CHINESE, HINDI):
        assert len(table) >= 25
        assert any(not want[0].isdigit() for _, want in table)  # refusals included


@pytest.mark.parametrize(("language", "text", "expected"), TABLES)
def test_times_people_type_in_each_language(language: str, text: str, expected: str) -> None:
    zone = ZONE[language]
    found = parse_moment(text, zone, language, NOW)
    if expected[0].isdigit():
        assert isinstance(found, Moment), (text, found)
        assert (shown(found.at, zone), found.rest) == (expected, "")
    else:
        assert isinstance(found, Refusal), (text, found)
        assert found.kind == expected


@pytest.mark.parametrize(
    ("language", "text", "expected", "rest"),
    [
        ("es", "mañana 9:00 llamar a Ana", "2026-11-24 09:00", "llamar a Ana"),
        ("es", "mañana a las 6 de la tarde pagar el alquiler", "2026-11-24 18:00",
         "pagar el alquiler"),
        ("es", "en 2 horas tomar agua", "2026-11-23 15:00", "tomar agua"),
        ("zh_Hant", "明天下午3點半開會", "2026-11-24 15:30", "開會"),
        ("zh_Hant", "30分鐘後 喝水", "2026-11-23 20:30", "喝水"),
        ("zh_Hant", "12月5日繳房租", "2026-12-05 09:00", "繳房租"),
        ("hi", "कल सुबह 9 बजे दवा लेना", "2026-11-24 09:00", "दवा लेना"),
        ("hi", "2 घंटे में पानी पीना", "2026-11-23 19:30", "पानी पीना"),
        ("es", "en una hora y media llamar a Ana", "2026-11-23 14:30", "llamar a Ana"),
        ("es", "mañana a las 9 y media llamar a Ana", "2026-11-24 09:30", "llamar a Ana"),
        ("es", "mañana a las 9 y 45 minutos llamar", "2026-11-24 09:45", "llamar"),
        ("zh_Hant", "明天早上9點一刻 開會", "2026-11-24 09:15", "開會"),
        ("zh_Hant", "半小時後 喝水", "2026-11-23 20:30", "喝水"),
        ("hi", "डेढ़ घंटे में दवा लेना", "2026-11-23 19:00", "दवा लेना"),
        ("hi", "2 घंटे में दो रोटी खाना", "2026-11-23 19:30", "दो रोटी खाना"),  # दो: "give"
    ],
)  # fmt: skip
def test_the_text_after_the_time_is_kept_as_typed(
    language: str, text: str, expected: str, rest: str
) -> None:
    zone = ZONE[language]
    found = parse_moment(text, zone, language, NOW)
    assert isinstance(found, Moment), (text, found)
    assert (shown(found.at, zone), found.rest) == (expected, rest)


@pytest.mark.parametrize(
    ("language", "text", "actual", "typed"),
    [
        ("es", "el lunes 2026-12-01", "martes", "lunes"),
        ("zh_Hant", "週一 2026-12-01", "星期二", "星期一"),
        ("hi", "सोमवार 2026-12-01", "मंगलवार", "सोमवार"),
    ],
)
def test_a_wrong_weekday_is_named_in_the_language(
    language: str, text: str, actual: str, typed: str
) -> None:
    for parse in (parse_moment, parse_day):
        found = parse(text, ZONE[language], language, NOW)
        assert isinstance(found, Refusal), (text, found)
        assert (found.kind, found.values["actual"], found.values["typed"]) == (
            "weekday",
            actual,
            typed,
        )


def test_other_languages_words_are_not_read_in_english() -> None:
    assert isinstance(parse_moment("mañana 9:00", "UTC", "en", NOW), Refusal)
    assert isinstance(parse_moment("明天上午9點", "UTC", "en", NOW), Refusal)
    assert isinstance(parse_moment("कल सुबह 9 बजे", "UTC", "es", NOW), Refusal)


def test_hindi_kal_alone_names_both_days_it_could_be() -> None:
    found = parse_moment("कल", ZONE["hi"], "hi", NOW)
    assert isinstance(found, Refusal)
    assert found.values == {"text": "कल", "one": "2026-11-22", "other": "2026-11-24"}


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("es", "5 de diciembre", "2026-12-05"),
        ("es", "hasta el viernes", "2026-11-27"),
        ("es", "mañana", "2026-11-24"),
        ("es", "ayer", "past"),
        ("zh_Hant", "12月5日", "2026-12-05"),
        ("zh_Hant", "週五", "2026-11-27"),
        ("zh_Hant", "後天", "2026-11-25"),
        ("zh_Hant", "明天上午9點", "has_time"),
        ("hi", "5 दिसंबर", "2026-12-05"),
        ("hi", "शुक्रवार", "2026-11-27"),
        ("hi", "कल", "either_day"),
        ("hi", "friday", "2026-11-27"),
        ("zh_Hant", "到週五", "2026-11-27"),  # "until", as /away takes it
        ("zh_Hant", "直到12月24日", "2026-12-24"),
        ("hi", "24 दिसंबर तक", "2026-12-24"),
        ("hi", "शुक्रवार तक", "2026-11-27"),
    ],
)
def test_days_in_each_language(language: str, text: str, expected: str) -> None:
    found = parse_day(text, ZONE[language], language, NOW)
    if expected[0].isdigit():
        assert isinstance(found, Day), (text, found)
        assert found.day.isoformat() == expected
    else:
        assert isinstance(found, Refusal), (text, found)
        assert found.kind == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "vie 2026-11-27 18:00 (Asia/Taipei)"),
        ("zh_Hant", "週五 2026-11-27 18:00 (Asia/Taipei)"),
        ("hi", "शुक्र 2026-11-27 18:00 (Asia/Taipei)"),
    ],
)
def test_confirmation_names_the_weekday_in_the_language(language: str, expected: str) -> None:
    at = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert format_moment(at, "Asia/Taipei", language) == expected


WORDS = {
    "es": "mañana manana hoy a las la de por tarde noche viernes vie sáb el próximo en "
    "dentro horas hora minutos días semanas una diciembre dic 9 18:00 6 5 2 30 2027 ahora ayer",
    "zh_Hant": "明天 今天 後天 上午 下午 晚上 今晚 9點 3點半 點 半 30分 週五 下週一 星期六 "
    "2小時後 30分鐘後 3天後 12月5日 2月30日 18:00 9 現在 昨天",
    "hi": "कल आज सुबह शाम दोपहर रात 9 बजे 6 18:00 9:30 शुक्रवार शुक्र को अगले घंटे मिनट "
    "दिन हफ्ते में बाद दिसंबर 5 2 30 अब",
}
ENGLISH = "tomorrow 9am in 2h friday dec 5 18:00 next at"
instants = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)


def phrases(language: str) -> st.SearchStrategy[str]:
    pool = (WORDS[language] + " " + ENGLISH).split()
    joiner = st.sampled_from(["", " "]) if language == "zh_Hant" else st.just(" ")
    words = st.lists(st.sampled_from(pool), min_size=1, max_size=7)
    return st.tuples(words, joiner).map(lambda pair: pair[1].join(pair[0]))


@pytest.mark.parametrize("language", ["es", "zh_Hant", "hi"])
def test_every_accepted_moment_round_trips_in_each_language(language: str) -> None:
    @settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(
        text=st.one_of(phrases(language), st.text(max_size=40)),
        zone=st.sampled_from(["UTC", "Asia/Taipei", "Europe/Madrid", "Asia/Kolkata"]),
        now=instants,
    )
    def check(text: str, zone: str, now: datetime) -> None:
        found = parse_moment(text, zone, language, now)
        if isinstance(found, Refusal):
            assert found.template
            return
        assert now < found.at <= now + timedelta(days=366)
        confirmation = format_moment(found.at, zone, language)
        again = parse_moment(confirmation, zone, language, now)
        assert isinstance(again, Moment), (text, confirmation, again)
        assert (again.at, again.rest) == (found.at, "")
        day = parse_day(text, zone, language, now)
        if isinstance(day, Day):
            assert parse_day(format_day(day.day, zone, language), zone, language, now) == day

    check()


@pytest.mark.parametrize(
    ("typed", "value"),
    [("三", 3), ("兩", 2), ("十", 10), ("十二", 12), ("二十", 20), ("二十五", 25), ("三三", None)],
)
def test_numbers_written_in_characters(typed: str, value: int | None) -> None:
    from bot.domain.when_tokens import han_number

    assert han_number(typed) == value
