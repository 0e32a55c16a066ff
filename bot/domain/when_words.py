"""The words of times and dates in one language, taken from dateparser's CLDR-based locale data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dateparser.languages.loader import default_loader

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Spellings people type that the locale data leaves out (English only for now).
_EXTRA: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "tomorrow": ("tmrw", "tmr", "tomorow"),
        "tonight": ("tonight", "tonite"),
        "this": ("this",),
        "next": ("next",),
        "last": ("last",),
        "at": ("at", "@"),
        "on": ("on",),
        "until": ("until", "till", "til", "through"),
        "from_now": ("from now",),
        "noon": ("noon", "midday"),
        "thursday": ("thur", "thurs"),
        "tuesday": ("tues",),
        "wednesday": ("weds",),
        "an": ("a", "an"),
        "and": ("and",),
        "the": ("the",),
    }
}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Lower-case word → meaning tables for one language."""

    months: dict[str, int]
    weekdays: dict[str, int]
    am: frozenset[str]
    pm: frozenset[str]
    units: dict[str, str]
    today: frozenset[str]
    tomorrow: frozenset[str]
    yesterday: frozenset[str]
    tonight: frozenset[str]
    parts: dict[str, str]
    now: frozenset[str]
    words: dict[str, frozenset[str]]

    def has(self, kind: str, word: str) -> bool:
        """Whether `word` is one of the small connecting words of that kind (`at`, `on` …)."""
        return word in self.words.get(kind, frozenset())


@lru_cache(maxsize=8)
def vocabulary(language: str) -> Vocabulary:
    """The vocabulary of a language; English until a language's catalog ships.

    English forms stay understood for everyone, so another language will add to these words.
    """
    language = "en"
    try:
        info = default_loader.get_locale(language).info
    except (KeyError, ValueError):
        info = default_loader.get_locale("en").info
        language = "en"
    extra = _EXTRA.get(language, _EXTRA["en"])

    def names(key: str) -> list[str]:
        found = [str(word).lower() for word in info.get(key, [])]
        return found + list(extra.get(key, ()))

    relative = info.get("relative-type", {})

    def relative_words(key: str) -> frozenset[str]:
        return frozenset(str(word).lower() for word in relative.get(key, []))

    units: dict[str, str] = {}
    for unit in ("minute", "hour", "day", "week"):
        for word in names(unit):
            units[word] = unit
    units.update({"mn": "minute", "hs": "hour", "wks": "week", "w": "week", "ds": "day"})
    return Vocabulary(
        months={word: index + 1 for index, key in enumerate(_MONTHS) for word in names(key)},
        # two-letter forms (`mo`, `fr`) are too easily ordinary words
        weekdays={
            word: index
            for index, key in enumerate(_WEEKDAYS)
            for word in names(key)
            if len(word) >= 3
        },
        am=frozenset([*names("am"), "a.m.", "a.m"]),
        pm=frozenset([*names("pm"), "p.m.", "p.m"]),
        units=units,
        today=relative_words("0 day ago") - {"till date"},
        tomorrow=relative_words("in 1 day") | frozenset(extra.get("tomorrow", ())),
        yesterday=relative_words("1 day ago"),
        tonight=frozenset(extra.get("tonight", ())),
        parts={
            **{word: "morning" for word in names("morning")},
            **{word: "afternoon" for word in names("afternoon")},
            **{word: "evening" for word in names("evening")},
            **{word: "evening" for word in names("night")},
        },
        now=relative_words("0 second ago"),
        words={key: frozenset(value) for key, value in extra.items()},
    )
