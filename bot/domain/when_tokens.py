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
_HAN_NUMBER = re.compile(r"[零一二兩两三四五六七八九十]{1,3}(?=[點点時时小個个分天週周])")
"""`三點`, `十點半`, `兩個小時`: a count or an hour written in characters, before its unit
(never a weekday's `一` in `週一`, which no unit follows)."""
_HAN_DIGITS = {"零": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_HAN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


def han_number(text: str) -> int | None:
    """`三` 3, `十` 10, `十二` 12, `二十` 20, `二十五` 25; None for anything else."""
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _HAN_DIGITS.get(text) if len(text) == 1 else None
    if (tens and tens not in _HAN_DIGITS) or (ones and ones not in _HAN_DIGITS):
        return None
    return (_HAN_DIGITS[tens] if tens else 1) * 10 + (_HAN_DIGITS[ones] if ones else 0)


@dataclass(frozen=True, slots=True)
class Token:
    """One word and where it starts and ends in the typed text."""

    text: str
    start: int
    end: int


_HINDI_NUMBERS = {
    "दो": 2, "तीन": 3, "चार": 4, "पाँच": 5, "पांच": 5, "छह": 6, "छः": 6, "सात": 7, "आठ": 8,
    "नौ": 9, "दस": 10, "ग्यारह": 11, "बारह": 12, "पंद्रह": 15, "बीस": 20, "पच्चीस": 25,
    "तीस": 30, "चालीस": 40, "पैंतालीस": 45, "पचास": 50,
}  # fmt: skip
"""`दो घंटे में`, `पाँच बजे`: a count or an hour written as a Hindi word, before its unit."""


def tokens(text: str, vocab: Vocabulary, limit: int) -> list[Token]:
    """The first `limit` words of the text (fewer when it has fewer)."""
    found: list[Token] = []
    text = text.translate(_FULL_WIDTH)  # `９：００` → `9:00`, one character for one
    for run in _RUN.finditer(text):
        found.extend(_split(run.group(), run.start(), vocab))
        if len(found) >= limit + 1:
            break
    return _hindi_numbers(found, vocab)[:limit]


def _hindi_numbers(found: list[Token], vocab: Vocabulary) -> list[Token]:
    """Hindi number words as digits where a unit or `बजे` follows (never elsewhere: `दो`
    is also "give")."""
    numbered = list(found)
    for index, token in enumerate(found[:-1]):
        value = _HINDI_NUMBERS.get(token.text)
        after = found[index + 1].text
        if value is not None and (after in vocab.units or vocab.has("oclock", after)):
            numbered[index] = Token(str(value), token.start, token.end)
    return numbered


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
        number = _HAN_NUMBER.match(run, i)
        value = han_number(number.group()) if number is not None else None
        if number is not None and value is not None:
            close_plain(i)
            pieces.append(Token(str(value), offset + i, offset + number.end()))
            i = number.end()
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
