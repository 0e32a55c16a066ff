"""The words of times and dates in one language, taken from dateparser's CLDR-based locale data."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.core.languages import language_base

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
_LOCALES = {"en": "en", "es": "es", "zh_Hant": "zh-Hant", "hi": "hi"}
"""The dateparser locale of each shipped language."""

# Spellings people type that the locale data leaves out, per shipped language. Keys beyond
# the locale data's: the small connecting words (`at`, `on`, `in` before a duration,
# `from_now` after one), `day_after` (the day after tomorrow), `oclock` (the hour mark of
# `9點`, `9 बजे`), `half` (`9點半`), `minute_mark` (`30分`), `lead` (`por` of `por la tarde`),
# `half_of` (`half an hour`, `半小時`), `and_a_half` (`an hour and a half`, `一個半小時`),
# `either_day` (Hindi `कल`: yesterday or tomorrow, read as tomorrow only before a time).
_EXTRA: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "tomorrow": ("tmrw", "tmr", "tomorow"),
        "tonight": ("tonight", "tonite"),
        "this": ("this",),
        "next": ("next",),
        "last": ("last",),
        "at": ("at", "@"),
        "on": ("on",),
        "in": ("in", "within"),
        "of": ("of",),
        "until": ("until", "till", "til", "through"),
        "from_now": ("from now",),
        "noon": ("noon", "midday"),
        "thursday": ("thur", "thurs"),
        "tuesday": ("tues",),
        "wednesday": ("weds",),
        "an": ("a", "an"),
        "and": ("and",),
        "the": ("the",),
        "lead": ("in",),  # `at 8 in the evening`
        "half_of": ("half", "half an", "half a"),
        "and_a_half": ("and a half",),
        "more_time": ("half", "quarter"),  # beyond what the grammar reads (`half 9`)
        "half_past": ("half past",),
        "to_or_past": ("to", "past"),  # `10 to 11`, `20 past 9`: minutes, then the hour
        "quarter_past": ("quarter past",),
        "quarter_to": ("quarter to",),
    },
    "es": {
        "tomorrow": ("mañana",),
        "day_after": ("pasado mañana",),
        "tonight": ("esta noche",),
        "this": ("este", "esta"),
        "next": ("próximo", "próxima", "siguiente"),
        "last": ("pasado", "pasada"),
        "at": ("a", "al"),
        "on": ("el",),
        "in": ("en", "dentro de"),
        "of": ("de", "del"),
        "until": ("hasta",),
        "from_now": ("a partir de ahora",),
        "noon": ("mediodía",),
        "an": ("un", "una"),
        "and": ("y",),
        "half_of": ("media", "medio"),
        "and_a_half": ("y media", "y medio"),
        "more_time": (
            "menos",
            "media",
            "cuarto",
            "que viene",  # `el lunes que viene`: next Monday, not yet read
            "a las",  # `a las nueve`, `a la una`: hours in words, not yet read
            "a la",
            "del mediodía",
        ),
        "plus_half": ("y media",),
        "plus_quarter": ("y cuarto",),
        "minus_quarter": ("menos cuarto",),
        "plus": ("y",),
        "minus": ("menos",),
        "on_the_hour": ("en punto",),
        "the": ("el", "la", "las", "los"),
        "lead": ("por", "de", "en"),
        "morning": ("mañana", "madrugada"),
        "afternoon": ("tarde",),
        "evening": ("noche",),
        "hour": ("hora", "horas", "hs"),
        "minute": ("minuto", "minutos", "min"),
        "day": ("día", "días"),
        "week": ("semana", "semanas"),
    },
    "zh_Hant": {
        "today": ("今天", "今日"),
        "tomorrow": ("明天", "明日"),
        "day_after": ("後天", "后天"),
        "tonight": ("今晚",),
        "this": ("這", "這個", "这", "本"),
        "next": ("下", "下個", "下个"),
        "last": ("上", "上個", "上个"),
        "at": ("在",),
        "until": ("到", "直到", "一直到"),
        "in": ("再",),
        "from_now": ("後", "后", "之後", "以後", "之后", "以后"),
        "morning": ("早上", "上午", "早", "凌晨", "清晨"),
        "afternoon": ("下午", "中午"),
        "evening": ("晚上", "傍晚", "晚"),
        "oclock": ("點", "点", "時", "点钟", "點鐘"),
        "half": ("半",),
        "half_of": ("半",),
        "and_a_half": ("半", "個 半", "个 半"),
        "more_time": ("刻", "差"),
        "plus_quarter": ("一 刻", "1 刻"),
        "plus_three_quarters": ("三 刻", "3 刻"),
        "minus_quarter": ("差 一 刻", "差 1 刻"),
        "minute_mark": ("分",),
        "hour": ("小時", "小时", "個小時", "个小时", "鐘頭", "個鐘頭"),
        "minute": ("分鐘", "分钟"),
        "day": ("天",),
        "week": ("週", "周", "星期", "個星期", "個禮拜", "禮拜"),
        "monday": ("周一", "星期一", "禮拜一"),
        "tuesday": ("周二",),
        "wednesday": ("周三",),
        "thursday": ("周四",),
        "friday": ("周五",),
        "saturday": ("周六",),
        "sunday": ("周日", "週天", "周天"),
    },
    "hi": {
        "today": ("आज",),
        "either_day": ("कल",),
        "tonight": ("आज रात",),
        "this": ("इस",),
        "next": ("अगले", "अगला", "अगली"),
        "last": ("पिछले", "पिछला"),
        "after_day": ("को",),
        "until_after": ("तक",),
        "from_now": ("में", "बाद", "के बाद"),
        "morning": ("सुबह",),
        "afternoon": ("दोपहर",),
        "evening": ("शाम", "रात"),
        "oclock": ("बजे",),
        "quarter_past": ("सवा",),
        "half_past": ("साढ़े", "साढे"),
        "an": ("एक",),
        "half_of": ("आधे", "आधा", "आधी"),
        "one_and_a_half": ("डेढ़", "डेढ"),
        "two_and_a_half": ("ढाई",),
        "more_time": ("बजकर", "बजके"),
        "quarter_to": ("पौने",),
        "hour": ("घंटे", "घंटा", "घण्टे"),
        "minute": ("मिनट",),
        "day": ("दिन",),
        "week": ("हफ्ते", "हफ़्ते", "हफ्ता", "सप्ताह"),
    },
}
_CONNECTING = ("at", "on", "of", "and", "the", "an", "this", "next", "last", "lead", "half")


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

    def phrase(self, kind: str, words: list[str], i: int) -> int:
        """How many words from `words[i]` make a phrase of that kind (`dentro de`), or 0."""
        for size in (4, 3, 2, 1):
            if i + size <= len(words) and " ".join(words[i : i + size]) in self.words.get(
                kind, frozenset()
            ):
                return size
        return 0

    @property
    def cjk_words(self) -> tuple[str, ...]:
        """Every word written without spaces (Chinese), longest first, for splitting text."""
        found = {
            word
            for table in (self.months, self.weekdays, self.units, self.parts)
            for word in table
            if is_cjk(word)
        }
        for group in (self.today, self.tomorrow, self.yesterday, self.tonight, self.now):
            found |= {word for word in group if is_cjk(word)}
        for group in self.words.values():
            found |= {word for word in group if is_cjk(word)}
        return tuple(sorted(found, key=len, reverse=True))


def is_cjk(word: str) -> bool:
    """Whether a word is all Chinese characters (written without spaces between words)."""
    return bool(word) and all("\u3000" <= char <= "\u9fff" for char in word)


def unaccented(word: str) -> str:
    """`mañana` → `manana`, `miércoles` → `miercoles`; other scripts' marks are kept."""
    decomposed = unicodedata.normalize("NFD", word)
    bare = "".join(char for char in decomposed if not "\u0300" <= char <= "\u036f")
    return unicodedata.normalize("NFC", bare)


@lru_cache(maxsize=8)
def vocabulary(language: str) -> Vocabulary:
    """The vocabulary of a language; English forms stay understood for everyone."""
    from dateparser.languages.loader import default_loader  # here: not on start-up's path

    base = language_base(language)
    own = base if base in _LOCALES else "en"
    infos = [default_loader.get_locale("en").info]
    extras = [_EXTRA["en"]]
    if own != "en":
        infos.append(default_loader.get_locale(_LOCALES[own]).info)
        extras.append(_EXTRA[own])

    def variants(words: list[str]) -> list[str]:
        lowered = [unicodedata.normalize("NFC", str(word).lower()) for word in words]
        return lowered + [unaccented(word) for word in lowered if unaccented(word) != word]

    def names(key: str) -> list[str]:
        found: list[str] = []
        for info in infos:
            found += [str(word) for word in info.get(key, [])]
        for extra in extras:
            found += list(extra.get(key, ()))
        return variants(found)

    def relative_words(key: str) -> frozenset[str]:
        found: list[str] = []
        for info in infos:
            found += [str(word) for word in info.get("relative-type", {}).get(key, [])]
        return frozenset(variants(found))

    either = frozenset(names("either_day"))
    units: dict[str, str] = {}
    for unit in ("minute", "hour", "day", "week"):
        for word in names(unit):
            if not (own == "zh_Hant" and word == "日"):  # `5日` is a date's day, not a span
                units[word] = unit
    units.update({"mn": "minute", "hs": "hour", "wks": "week", "w": "week", "ds": "day"})
    keys = {key for extra in extras for key in extra} | set(_CONNECTING)
    words = {key: frozenset(names(key)) for key in keys}
    return Vocabulary(
        months={word: index + 1 for index, key in enumerate(_MONTHS) for word in names(key)},
        # two-letter Latin forms (`mo`, `fr`) are too easily ordinary words
        weekdays={
            word: index
            for index, key in enumerate(_WEEKDAYS)
            for word in names(key)
            if len(word) >= 3 or is_cjk(word)
        },
        am=frozenset([*names("am"), "a.m.", "a.m"]) - words.get("morning", frozenset()),
        pm=frozenset([*names("pm"), "p.m.", "p.m"]) - words.get("afternoon", frozenset()),
        units=units,
        today=(relative_words("0 day ago") | frozenset(names("today"))) - {"till date"},
        tomorrow=(relative_words("in 1 day") | frozenset(names("tomorrow"))) - either,
        yesterday=relative_words("1 day ago") - either,
        tonight=frozenset(names("tonight")),
        parts={
            **{word: "morning" for word in names("morning")},
            **{word: "afternoon" for word in names("afternoon")},
            **{word: "evening" for word in names("evening")},
            **{word: "evening" for word in names("night")},
        },
        now=relative_words("0 second ago"),
        words=words,
    )
