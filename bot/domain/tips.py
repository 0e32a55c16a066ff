"""What makes a valid tip: text within one message on every platform, topics from #tags."""

from __future__ import annotations

import re

from bot.core.errors import UsageError
from bot.domain.topics import MAX_TOPIC_LENGTH, TAG_CHAR, hashes_as_typed, unique_topics

MAX_TIP_LENGTH = 1900
"""One core limit: a tip plus its header fits one Discord message (2000) and Telegram's 4096."""

PREVIEW_LENGTH = 280
_HASHTAG = re.compile(rf"(?<![\w#&])#([^\W\d_]{TAG_CHAR}*)")
_WORD = re.compile(r"\w+")
MAX_QUERY_WORDS = 12


def hashtags(text: str, example: str) -> list[tuple[str, str]]:
    """The unique (key, label) topics tagged in a tip, like `#pricing` or `#cold-email`."""
    found = _HASHTAG.finditer(hashes_as_typed(text))
    return unique_topics((m.group(1).strip("-_") for m in found), example)


def checked_tip(raw: str, example: str) -> tuple[str, list[tuple[str, str]]]:
    """The tip's text and topics, or a UsageError naming what is wrong (empty, too long)."""
    text = hashes_as_typed(raw.strip())
    if not _HASHTAG.sub("", text).strip():
        raise UsageError(
            "A tip needs some advice, not only topics. Write the tip, then add #topics.",
            example=example,
        )
    if len(text) > MAX_TIP_LENGTH:
        raise UsageError(
            "That tip is {length} characters; the limit is {limit}, so it fits one message on "
            "every platform (Discord allows 2000). Shorten it or split it into two tips.",
            {"length": len(text), "limit": MAX_TIP_LENGTH},
            example,
        )
    return text, hashtags(text, example)


def search_terms(query: str) -> tuple[list[str], list[str]]:
    """Splits a `/tips` query into plain words and #topic keys (both lower-case, unique)."""
    query = hashes_as_typed(query)
    keys = [key for key, _ in hashtags(query, "/tips #pricing")]
    rest = _HASHTAG.sub(" ", query)
    words: list[str] = []
    for word in _WORD.findall(rest.casefold()):
        if word not in words and len(word) <= MAX_TOPIC_LENGTH:
            words.append(word)
    return words[:MAX_QUERY_WORDS], keys


def preview(text: str, limit: int = PREVIEW_LENGTH) -> str:
    """A tip shortened for a list, cut at a word where possible."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else flat[:limit]) + "…"
