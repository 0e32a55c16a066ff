"""Every example a time refusal shows is one the parser accepts in the reader's language.

The refusals are found in the source (the same table `make i18n` reads), translated through the
catalogs, and each backticked example is fed back to the shared parser in that language.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.i18n import Translator
from bot.core.i18n_extract import templates
from bot.core.languages import SHIPPED
from bot.domain.when import Day, Moment, Refusal, parse_day, parse_moment

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # early: `tonight 8pm` is still ahead
EXAMPLE = re.compile(r"`([^`]+)`")
FORMATS = {"YYYY-MM-DD"}
"""Shapes named in a refusal, not examples to type."""
YESTERDAY = "2026-11-22"
TOMORROW = {"en": "tomorrow", "es": "mañana", "zh_Hant": "明天", "hi": "कल"}
"""What the person typed before the number, in `{day} at {hour}` (the ambiguous-hour refusal)."""


def refusals() -> list[str]:
    """The English templates of the time parser's refusals that show examples."""
    found = {
        item.messages[0]
        for path in sorted((ROOT / "bot" / "domain").glob("when*.py"))
        for item in templates(path.read_text(encoding="utf-8"))
        if item.function == "Refusal" and "`" in item.messages[0]
    }
    return sorted(found)


def examples(language: str, msgid: str) -> list[str]:
    """The examples the reader sees, with the values a refusal fills in."""
    text = Translator().gettext(language, msgid)
    values = {
        "day": TOMORROW[language],
        "hour": "10",
        "one": YESTERDAY,
        "other": "2026-11-24",
    }
    spans = [span for span in EXAMPLE.findall(text) if span not in FORMATS]
    return [re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], span) for span in spans]


def test_the_refusals_are_found() -> None:
    assert len(refusals()) >= 10


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("msgid", refusals())
def test_every_example_in_a_refusal_is_accepted(language: str, msgid: str) -> None:
    wants_day = "date" in msgid  # a refusal that asks for a date shows dates
    shown = examples(language, msgid)
    assert shown, msgid
    for example in shown:
        if wants_day:
            read: object = parse_day(example, "UTC", language, NOW)
            if example == YESTERDAY:  # `कल` read as yesterday: understood, and in the past
                assert isinstance(read, Refusal), (example, read)
                assert read.kind == "past", (example, read)
                continue
            assert isinstance(read, Day), (language, example, read)
        else:
            read = parse_moment(example, "UTC", language, NOW)
            assert isinstance(read, Moment), (language, example, read)
            assert read.rest in ("", "10 …"), (language, example, read)


@pytest.mark.parametrize("language", [code for code in SHIPPED if code != "en"])
@pytest.mark.parametrize("msgid", refusals())
def test_examples_with_words_are_in_the_readers_language(language: str, msgid: str) -> None:
    """English examples are understood too, but a reader is shown their own words."""
    english = {e for e in examples("en", msgid) if re.search(r"[a-z]{2}", e.split(" ")[0])}
    left = english & set(examples(language, msgid))
    assert not left, (language, left)


COMMAND_EXAMPLES = {
    "/remind ": "/remind tomorrow 9am send the invoice",
    "/schedule tip ": "/schedule tip tomorrow 9am Follow up within a day #sales",
}
"""Usage examples that carry a time: translated, so a reader sees their own words."""


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize(("command", "msgid"), COMMAND_EXAMPLES.items())
def test_command_examples_with_a_time_are_read_in_the_language(
    language: str, command: str, msgid: str
) -> None:
    shown = Translator().gettext(language, msgid)
    assert shown.startswith(command), shown
    if language != "en":
        assert shown != msgid, "the example is not translated"
    read = parse_moment(shown.removeprefix(command), "UTC", language, NOW)
    assert isinstance(read, Moment), (language, shown, read)
    assert read.rest, "the example has text after its time"
