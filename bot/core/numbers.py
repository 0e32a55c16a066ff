"""Request and tip numbers as people type them: digits, with or without `#`.

`str.isdigit()` is True for `²`, `①` and `٣`, and `int()` then raises or reads a digit the
person never typed, so every number a person or a button gives is read here instead. The
digits of the shipped languages' keyboards count (`１` full-width, `१` Devanagari); other
scripts' digits are refused with the reason.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.errors import UsageError

MAX_DIGITS = 9  # 999,999,999: what every platform's integer option takes
_NUMBER = re.compile(r"#?[ \t]*([0-9]+)")
_NEGATIVE = re.compile(r"#?[ \t]*[-−][ \t]*[0-9]+")
_DECIMAL = re.compile(r"#?[ \t]*[0-9]*[.,][0-9]+|[0-9]+[eE][+-]?[0-9]+")
_SHOWN = 16


_KEYBOARD_DIGITS = {
    **{0xFF10 + n: str(n) for n in range(10)},  # full-width, from Chinese and Japanese keyboards
    **{0x0966 + n: str(n) for n in range(10)},  # Devanagari, from Hindi keyboards
    0xFF03: "#",
    0xFF1A: ":",  # `９：００`
}
"""Digits of the shipped languages' keyboards, read as the digits they are (`１`, `१`)."""


def typed_digits(text: str) -> str:
    """Full-width and Devanagari digits (and `＃`, `：`) as ASCII; other scripts stay as typed."""
    return text.translate(_KEYBOARD_DIGITS)


def read_number(text: str) -> int | None:
    """The number in `3`, `#3` or `# 3` (from 1 up), else None; for payloads and ids."""
    match = _NUMBER.fullmatch(typed_digits(text).strip())
    if match is None:
        return None
    digits = match.group(1).lstrip("0")
    if not digits or len(digits) > MAX_DIGITS:
        return None
    return int(digits)


def number_argument(text: str, example: str) -> int:
    """A typed number, or a refusal that says what was wrong and shows a valid example."""
    number = read_number(text)
    if number is not None:
        return number
    cleaned = text.strip()
    values: dict[str, object] = {"value": _shown(cleaned), "limit": MAX_DIGITS}
    match = _NUMBER.fullmatch(cleaned)
    if match is not None and not match.group(1).strip("0"):
        raise UsageError("There is no #0: numbers here start at 1.", values, example)
    if match is not None:
        raise UsageError(
            "“{value}” is too long for a number here: at most {limit} digits.", values, example
        )
    if _NEGATIVE.fullmatch(cleaned):
        raise UsageError(
            "Numbers here start at 1, so “{value}” can't be one.",
            values,
            example,
        )
    if _DECIMAL.fullmatch(cleaned):
        raise UsageError(
            "“{value}” is not a whole number. Give the number as shown in the list.",
            values,
            example,
        )
    if any(not ch.isascii() and unicodedata.category(ch)[0] == "N" for ch in cleaned):
        raise UsageError(
            "“{value}” is not a number I can read. Type it with the digits 0 to 9.",
            values,
            example,
        )
    raise UsageError("“{value}” is not a number. Type it with the digits 0 to 9.", values, example)


def _shown(text: str) -> str:
    """What was typed, short enough to quote back."""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
