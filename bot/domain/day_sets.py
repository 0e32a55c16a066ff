"""Which weekdays a schedule runs on, read as people type them in each shipped language.

English always works (`daily`, `weekdays`, `mon-fri`, `mon,wed,fri`, any name from three
letters); the reader's language adds its own day names (from the time parser's vocabulary)
and its words for every day, weekdays and weekends (`lunes a viernes`, `週一至週五`, `平日`,
`सोमवार से शुक्रवार तक`, `रोज़`). Anything else is refused, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.core.languages import language_base
from bot.domain.when_words import unaccented, vocabulary

ALL_DAYS = "0123456"
WEEKDAYS = "01234"
WEEKENDS = "56"
_ENGLISH_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_SETS: dict[str, dict[str, str]] = {
    "en": {
        "daily": ALL_DAYS, "everyday": ALL_DAYS, "every day": ALL_DAYS, "all week": ALL_DAYS,
        "weekdays": WEEKDAYS, "weekday": WEEKDAYS, "workdays": WEEKDAYS,
        "weekends": WEEKENDS, "weekend": WEEKENDS,
    },
    "es": {
        "diario": ALL_DAYS, "a diario": ALL_DAYS, "diariamente": ALL_DAYS,
        "todos los días": ALL_DAYS, "todos los dias": ALL_DAYS, "cada día": ALL_DAYS,
        "cada dia": ALL_DAYS, "toda la semana": ALL_DAYS,
        "entre semana": WEEKDAYS, "laborables": WEEKDAYS, "días de semana": WEEKDAYS,
        "dias de semana": WEEKDAYS, "días entre semana": WEEKDAYS, "días laborables": WEEKDAYS,
        "dias laborables": WEEKDAYS, "días hábiles": WEEKDAYS, "dias habiles": WEEKDAYS,
        "fin de semana": WEEKENDS, "fines de semana": WEEKENDS, "finde": WEEKENDS,
        "findes": WEEKENDS,
    },
    "zh_Hant": {
        "每天": ALL_DAYS, "每日": ALL_DAYS, "天天": ALL_DAYS, "全週": ALL_DAYS,
        "平日": WEEKDAYS, "工作日": WEEKDAYS, "週間": WEEKDAYS,
        "週末": WEEKENDS, "周末": WEEKENDS, "假日": WEEKENDS, "週六日": WEEKENDS,
        "周六日": WEEKENDS, "六日": WEEKENDS,
    },
    "hi": {
        "रोज़": ALL_DAYS, "रोज": ALL_DAYS, "रोज़ाना": ALL_DAYS, "रोजाना": ALL_DAYS,
        "हर दिन": ALL_DAYS, "प्रतिदिन": ALL_DAYS,
        "कार्यदिवस": WEEKDAYS, "सप्ताह के दिन": WEEKDAYS, "हफ़्ते के दिन": WEEKDAYS,
        "सप्ताहांत": WEEKENDS, "वीकेंड": WEEKENDS,
    },
}  # fmt: skip

_FILLERS = frozenset(
    {"de", "del", "el", "los", "las", "cada", "todos", "every", "on", "तक", "हर", "को"}
)
"""Words around day names that change nothing: `de lunes a viernes`, `हर सोमवार`."""
_SEPARATORS = re.compile(r"\s*(?:[,，、;；/&+]|\band\b|\by\b|\be\b|和|及|與|और)\s*")
_RANGE = re.compile(r"\s*(?:[-–—~～]|至|到|\bto\b|\ba\b|\bal\b|से)\s*")
_EVERY_CJK = re.compile(r"^每(?=週|周|星期|禮拜)")
_CJK_NUMERALS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def read_days(text: str, languages: Iterable[str] = (), *, two_letters: bool = False) -> str | None:
    """Weekday digits (Mon=0, sorted) for `text`, `ALL_DAYS` when empty, None when unreadable.

    `two_letters` also takes `mo`, `tu` … `su`: fine in weekly hours (`mo-fr 18-20`), too
    easily other words where days stand alone.
    """
    cleaned = " ".join(text.casefold().split())
    if not cleaned:
        return ALL_DAYS
    bases = tuple(dict.fromkeys(language_base(code) for code in ("en", *languages)))
    names, sets = _words(bases, two_letters)
    whole = sets.get(cleaned) or sets.get(_without_fillers(cleaned))
    if whole is not None:
        return whole
    chosen: set[int] = set()
    for item in _SEPARATORS.split(cleaned):
        days = _item(item, names, sets)
        if days is None:
            return None
        chosen.update(days)
    return "".join(str(day) for day in sorted(chosen)) or None


@lru_cache(maxsize=32)
def _words(languages: tuple[str, ...], two_letters: bool) -> tuple[dict[str, int], dict[str, str]]:
    """Day names and set words of these languages, each also without accents (built once)."""
    names = {name[:2]: day for day, name in enumerate(_ENGLISH_NAMES)} if two_letters else {}
    sets: dict[str, str] = {}
    for language in languages:
        names.update(vocabulary(language).weekdays)
        sets.update(_SETS.get(language, {}))
        if language == "zh_Hant":  # `週一至五`, `每週一、三、五`: the numeral alone
            names.update(_CJK_NUMERALS)
    names.update({unaccented(word): day for word, day in list(names.items())})
    sets.update({unaccented(word): days for word, days in list(sets.items())})
    sets.update({_without_fillers(word): days for word, days in list(sets.items())})
    return names, sets


def _without_fillers(text: str) -> str:
    return " ".join(word for word in text.split() if word not in _FILLERS)


def _item(item: str, names: dict[str, int], sets: dict[str, str]) -> list[int] | None:
    """One listed item: a set word, a day, a range of days, or days separated by spaces."""
    if item in sets:
        return [int(day) for day in sets[item]]
    item = _without_fillers(item)
    if not item:
        return []
    if item in sets:
        return [int(day) for day in sets[item]]
    ends = _RANGE.split(item)
    if len(ends) == 2:
        first, last = _day(ends[0], names), _day(ends[1], names)
        if first is None or last is None:
            return None
        return [(first + step) % 7 for step in range((last - first) % 7 + 1)]
    if len(ends) > 2:
        return None
    single = _day(item, names)
    if single is not None:
        return [single]
    words = item.split()
    if len(words) < 2:
        return None
    found = [_item(word, names, sets) for word in words]
    if any(days is None for days in found):
        return None
    return [day for days in found if days is not None for day in days]


def _day(word: str, names: dict[str, int]) -> int | None:
    """A day's name: the language's words, or English from three letters (`wed`, `wednes`)."""
    word = _EVERY_CJK.sub("", word.strip())
    for form in (word, word.removesuffix("s")):  # `mondays`, `sábados`
        for spelled in (form, unaccented(form)):
            if spelled in names:
                return names[spelled]
    if word.isascii() and len(word) >= 3:
        for index, full in enumerate(_ENGLISH_NAMES):
            if full.startswith(word):
                return index
    return None
