"""What `/goal <text>` says, in every shipped language: a subcommand, or a goal and its date.

Pure reading, beside the time parser: `open my shop by march 31`, `abrir la tienda para el
31 de marzo`, `3月31日前開網店`, `दुकान खोलना 20 दिसंबर तक`, `/goal 進度40`, `/goal पूरा हो गया`.
A date is taken only where `is_date` (the time parser) accepts it, never from a duration.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.domain.when_words import is_cjk, vocabulary

_BY = re.compile(r"(?<=\s)by(?=\s)", re.IGNORECASE)
"""A standalone `by`; the lookarounds keep `say by by dec 5` from hiding the last one."""
_DATE_AFTER = {"es": re.compile(r"(?<=\s)(?:para el|antes del|antes de|hasta el|para)(?=\s)", re.I)}
"""Spanish puts the date after the goal (`abrir la tienda para el 31 de marzo`); `para` is
also an everyday word, so these count only when what follows reads as a date."""
_DATE_BEFORE = {
    "zh": re.compile(r"^\s*在?\s*(?P<date>.+?)\s*(?:之前|以前|前)\s*(?P<goal>.+)$"),
    "hi": re.compile(r"^\s*(?P<date>.+?)\s+तक\s+(?P<goal>.+)$"),
}
"""Chinese and Hindi put the date first: `3月31日前開網店`, `31 मार्च तक दुकान खोलना`."""
_DATE_LAST = {
    "zh": re.compile(r"^(?P<body>.+?)\s*(?:之前|以前|前)\s*$"),
    "hi": re.compile(r"^(?P<body>.+?)\s+तक\s*$"),
}
"""…or last: `在三家店上架 3月31日前`, `दुकान खोलना 20 दिसंबर तक`."""
_PROGRESS = re.compile(
    r"^(?:progress|progreso|進度|进度|प्रगति)(?:\s*[:：]\s*|\s+|(?=\d)|$)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
"""`/goal progress 40` in every shipped language, also `進度40` and `進度：40`."""
_DONE = frozenset(
    {
        "done", "hecho", "listo", "cumplido", "terminado", "lo logré", "lo logre",
        "完成", "完成了", "達成", "達成了", "做完了", "已完成",
        "पूरा", "पूरा हुआ", "पूरा हो गया", "हो गया",
    }
)  # fmt: skip
"""`/goal done` as people say it in each shipped language (the whole text, nothing more)."""


def goal_command(text: str) -> tuple[str, str]:
    """What `/goal <text>` asks: ("progress", the rest), ("done", ""), or ("set", text)."""
    cleaned = text.strip()
    progress = _PROGRESS.match(cleaned)
    if progress is not None:
        return "progress", progress.group("rest").strip()
    if cleaned.casefold().rstrip(" .!！。।") in _DONE:
        return "done", ""
    return "set", cleaned


def names_a_duration(words: str, language: str) -> bool:
    """`3天`, `10 दिन`, `3 días`: a length of time, not a deadline (`3天前開始` is the past)."""
    vocab = vocabulary(language)
    text = words.casefold()
    for day_name in sorted(vocab.weekdays, key=len, reverse=True):  # `週五` holds `週`
        if not day_name.isascii():
            text = text.replace(day_name, " ")
    spaced = set(text.split())  # Chinese writes `3天` without a space: look inside it
    return any(unit in spaced or (is_cjk(unit) and unit in text) for unit in vocab.units)


def _trailing_date(body: str, is_date: Callable[[str], bool]) -> tuple[str, str] | None:
    """The longest end of `body` that is a date (its last words, or the end of its last
    word for Chinese written without spaces), with a goal left before it."""
    words = body.split()
    candidates = [" ".join(words[-n:]) for n in (3, 2, 1) if len(words) > n]
    if is_cjk(words[-1][-1]):  # `…上架3月31日`: no space before the date
        candidates += [words[-1][start:] for start in range(1, len(words[-1]))]
    for date_words in candidates:
        goal = body[: len(body) - len(date_words)].strip()
        if goal and is_date(date_words):
            return goal, date_words
    return None


def split_target(
    text: str, language: str = "en", is_date: Callable[[str], bool] = lambda _: True
) -> tuple[str, str | None]:
    """`open my shop by march 31` → the goal and the date words after the last ` by `; the
    reader's language adds its own way of saying it when `is_date` accepts the date part."""
    base = language.split("_")[0]
    before = _DATE_BEFORE.get(base)
    found = before.match(text) if before is not None else None
    if found is not None and is_date(found.group("date")):
        return found.group("goal").strip(), found.group("date").strip()
    last = _DATE_LAST.get(base)
    ending = last.match(text) if last is not None else None
    if ending is not None:
        split = _trailing_date(ending.group("body"), is_date)
        if split is not None:
            return split
    after = _DATE_AFTER.get(base)
    for marker in reversed(list(after.finditer(text)) if after is not None else []):
        when = text[marker.end() :].strip()
        if when and is_date(when):
            return text[: marker.start()].strip(), when
    by = list(_BY.finditer(text))
    if not by:
        return text.strip(), None
    final = by[-1]
    return text[: final.start()].strip(), text[final.end() :].strip() or None
