"""The weekly availability parser: the forms people type, clear refusals, and a round trip."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.program_availability import LocalWindow
from bot.domain.weekly_windows import (
    DAY_NAMES,
    WindowsRefusal,
    describe,
    read_windows,
    weekday_of,
    windows_from_json,
    windows_to_json,
)


def shown(text: str) -> str:
    found = read_windows(text)
    assert not isinstance(found, WindowsRefusal), found
    return describe(found, lambda day: DAY_NAMES[day])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mon-fri 18-20, sat 10-12", "Mon–Fri 18:00–20:00; Sat 10:00–12:00"),
        ("Mon-Fri 18:00-20:00; Sat 10:00-12:00", "Mon–Fri 18:00–20:00; Sat 10:00–12:00"),
        ("mon - fri 18 - 20", "Mon–Fri 18:00–20:00"),
        ("monday 18–20", "Mon 18:00–20:00"),
        ("tue/thu 6-8pm", "Tue, Thu 18:00–20:00"),
        ("tue and thu 6pm-8pm", "Tue, Thu 18:00–20:00"),
        ("tue & thu 6 pm-8 pm", "Tue, Thu 18:00–20:00"),
        ("weekends 9am-12", "Sat–Sun 09:00–12:00"),
        ("weekdays 7:30-8:30", "Mon–Fri 07:30–08:30"),
        ("every day 21-22", "Mon–Sun 21:00–22:00"),
        ("daily 21-22", "Mon–Sun 21:00–22:00"),
        ("sat 22-01", "Sat 22:00–01:00"),
        ("sun 20-24", "Sun 20:00–00:00"),
        ("fri-mon 10-11", "Mon, Fri–Sun 10:00–11:00"),
        ("sat 10-12 14-16", "Sat 10:00–12:00; Sat 14:00–16:00"),
        ("mon 18 to 20", "Mon 18:00–20:00"),
        ("mon 18-20\nwed 18-20", "Mon, Wed 18:00–20:00"),
        ("lunes a viernes 18-20, sábado 10-12", "Mon–Fri 18:00–20:00; Sat 10:00–12:00"),
        ("de lunes a viernes 19-21", "Mon–Fri 19:00–21:00"),
        ("entre semana 7-9", "Mon–Fri 07:00–09:00"),
        ("martes y jueves 18-20", "Tue, Thu 18:00–20:00"),
        ("週一至週五 18-20, 週六 10-12", "Mon–Fri 18:00–20:00; Sat 10:00–12:00"),
        ("週一至週五 19-21，週六 10-12", "Mon–Fri 19:00–21:00; Sat 10:00–12:00"),
        ("週一、三、五 19-21", "Mon, Wed, Fri 19:00–21:00"),
        ("平日 19-21", "Mon–Fri 19:00–21:00"),
        ("सोमवार से शुक्रवार तक 18-20", "Mon–Fri 18:00–20:00"),
        ("सोम-शुक्र 18-20", "Mon–Fri 18:00–20:00"),
    ],
)
def test_the_forms_people_type(typed: str, expected: str) -> None:
    assert shown(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "whenever",
        "mon",
        "18-20",
        "mon 18",
        "funday 10-12",
        "mon 25-26",
        "mon 10:75-11",
        "mon 10-10",
        "mon 13pm-14",
        "mon-fri",
        "",
        ", ;",
        "lunes a viernes",
        "cuando sea 18-20",
        "明天 18-20",
    ],
)
def test_what_is_not_days_and_hours_is_refused_with_an_example(typed: str) -> None:
    found = read_windows(typed)
    assert isinstance(found, WindowsRefusal)
    assert "mon-fri 18-20, sat 10-12" in found.template


def test_a_long_paste_is_refused_before_any_work() -> None:
    found = read_windows("mon 10-11, " * 100)
    assert isinstance(found, WindowsRefusal)
    assert "too long" in found.template


def test_weekday_words() -> None:
    assert [weekday_of(word) for word in ("Monday", "tue", "THURS", "sun", "funday")] == [
        0,
        1,
        3,
        6,
        None,
    ]


windows = st.builds(
    LocalWindow,
    st.integers(0, 6),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
)


@given(st.lists(windows, max_size=10))
def test_stored_windows_round_trip(values: list[LocalWindow]) -> None:
    assert windows_from_json(windows_to_json(values)) == tuple(values)


@given(st.text(max_size=120))
def test_any_text_is_read_or_refused_never_raises(text: str) -> None:
    found = read_windows(text)
    assert isinstance(found, WindowsRefusal | tuple)


@pytest.mark.parametrize("language", ["es", "zh_Hant", "hi"])
def test_the_intake_example_in_each_language_is_itself_readable(language: str) -> None:
    from bot.core.i18n import Translator

    example = Translator().gettext(language, "mon-fri 18-20, sat 10-12")
    assert example != "mon-fri 18-20, sat 10-12"
    assert shown(example) == "Mon–Fri 18:00–20:00; Sat 10:00–12:00"


@pytest.mark.parametrize(
    ("word", "day"),
    [("Lunes", 0), ("miércoles", 2), ("週五", 4), ("星期日", 6), ("शुक्रवार", 4), ("weekdays", None)],
)
def test_weekday_words_in_every_shipped_language(word: str, day: int | None) -> None:
    assert weekday_of(word) == day


@pytest.mark.parametrize("language", ["es", "zh_Hant", "hi"])
def test_every_translated_hours_example_inside_a_message_is_readable(language: str) -> None:
    """Messages quote an example in backticks; in each language it must be one that works."""
    import re

    from babel.messages.pofile import read_po

    from bot.core.i18n import Translator, catalog_path

    with catalog_path(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    quoted = [
        example
        for message in catalog
        if isinstance(message.id, str) and "`mon-fri 18-20, sat 10-12`" in message.id
        for example in re.findall(r"`([^`]+)`", Translator().gettext(language, message.id))
    ]
    assert quoted
    for example in quoted:
        assert not isinstance(read_windows(example), WindowsRefusal), example
