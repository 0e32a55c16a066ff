"""Splits typed text into the words of a time phrase, keeping where each word was typed.

Words are runs between spaces; a run of Chinese characters (written without spaces) is split
into the vocabulary's words, longest first, and other characters one by one, and digits are
split from the characters around them (`明天上午9點` → 明天 · 上午 · 9 · 點), so the text
after a phrase is still cut from the text exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.when_words import Vocabulary

_RUN = re.compile(r"\S+")
_CJK_RUN = re.compile(r"[\u3000-\u9fff\uff01-\uff0f\uff1b-\uff20]+")  # not `：`
_CJK_DATE = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}[日号號]")
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@dataclass(frozen=True, slots=True)
class Token:
    """One word and where it starts and ends in the typed text."""

    text: str
    start: int
    end: int


def tokens(text: str, vocab: Vocabulary, limit: int) -> list[Token]:
    """The first `limit` words of the text (fewer when it has fewer)."""
    found: list[Token] = []
    text = text.translate(_FULL_WIDTH)  # `９：００` → `9:00`, one character for one
    for run in _RUN.finditer(text):
        found.extend(_split(run.group(), run.start(), vocab))
        if len(found) >= limit:
            break
    return found[:limit]


def _split(run: str, offset: int, vocab: Vocabulary) -> list[Token]:
    """One space-free run as words: as it is, unless it holds Chinese characters."""
    if not _CJK_RUN.search(run):
        return [Token(run, offset, offset + len(run))]
    pieces: list[Token] = []
    i = 0
    plain_start: int | None = None

    def close_plain(at: int) -> None:
        nonlocal plain_start
        if plain_start is not None and plain_start < at:
            pieces.append(Token(run[plain_start:at], offset + plain_start, offset + at))
        plain_start = None

    words = vocab.cjk_words
    while i < len(run):
        date = _CJK_DATE.match(run, i)
        if date is not None:
            close_plain(i)
            pieces.append(Token(date.group(), offset + i, offset + date.end()))
            i = date.end()
            continue
        if _CJK_RUN.match(run[i]):
            close_plain(i)
            word = next((w for w in words if run.startswith(w, i)), run[i])
            pieces.append(Token(word, offset + i, offset + i + len(word)))
            i += len(word)
            continue
        if plain_start is None:
            plain_start = i
        i += 1
    close_plain(len(run))
    return pieces
