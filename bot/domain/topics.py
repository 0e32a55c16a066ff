"""Topics (skills, interests, #tags): parsed from what people type, compared loosely."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.core.errors import UsageError

MAX_TOPICS = 20
MAX_TOPIC_LENGTH = 40
_MARKS = "".join(
    re.escape(chr(code))
    for code in range(0x300, 0x10000)
    if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me")
)
TAG_CHAR = rf"[\w\-{_MARKS}]"
r"""A character inside a #tag: word characters, hyphens and combining marks, without which
`#मूल्य` ended at its first letter (Devanagari vowel signs are marks, not `\w`)."""
_SEPARATORS = re.compile(r"[,;\n]+")
_SPACES = re.compile(r"[\s_\-]+")


def hashes_as_typed(text: str) -> str:
    """Full-width `＃` (Chinese and Japanese keyboards) as `#`."""
    return text.replace("＃", "#")


def topic_key(label: str) -> str:
    """The comparable form: case-, accent- and spacing-insensitive."""
    decomposed = unicodedata.normalize("NFKD", label)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip(" #")


def unique_topics(labels: Iterable[str], example: str) -> list[tuple[str, str]]:
    """Unique (key, label) pairs from cleaned labels, refusing overlong names and lists."""
    result: list[tuple[str, str]] = []
    seen: set[str] = set()
    for label in labels:
        if len(label) > MAX_TOPIC_LENGTH:
            raise UsageError(
                "“{topic}…” is too long for a topic ({length} characters; the limit is {limit}).",
                {"topic": label[:20], "length": len(label), "limit": MAX_TOPIC_LENGTH},
                example,
            )
        key = topic_key(label)
        if key and key not in seen:
            seen.add(key)
            result.append((key, label))
    if len(result) > MAX_TOPICS:
        raise UsageError(
            "That is {count} topics; the limit is {limit}. Keep the ones that matter most.",
            {"count": len(result), "limit": MAX_TOPICS},
            example,
        )
    return result


def parse_topics(text: str, example: str) -> list[tuple[str, str]]:
    """Reads `a, b, c` into unique (key, label) pairs, refusing overlong lists and names."""
    labels = (" ".join(raw.split()).lstrip("#").strip() for raw in _SEPARATORS.split(text))
    return unique_topics((label for label in labels if label), example)
