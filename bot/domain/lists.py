"""Lists as people type them (skills, interests, intake topics): one best reading, and the other.

Items are separated by commas, semicolons, line breaks, hashtags (`#pricing #design`) or the
full-width separators phones type (`，`, `、`, `；`). Several words with no separator at all are
never silently one topic; the rule (README, `/help skills`):
1. the whole phrase is already a topic here → one topic;
2. the words are joined by `and` → a topic on each side (`pricing and web design`);
3. each word (or known phrase, like `social media`) is already a topic here → separate topics;
4. three or more words → separate words (a known phrase stays whole);
5. two words → one topic (`web design`).
The other reading is offered with a button; when one reading is too long to be a topic, the
other one is taken.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.core.errors import UsageError
from bot.domain.topics import MAX_TOPICS, topic_key, unique_topics

CLEAR_WORDS = ("clear", "off", "none", "-")
WORDS = " "
AND = " and "
_SEPARATORS = re.compile("[,;\n\r\u2028\u2029\uff0c\u3001\uff1b\ufe50\ufe54\u060c\u061b]+")
_HASHTAG = re.compile(r"(?:^|(?<=\s))#+(?=[^\s#])")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_TRAILING = ".。"
_LONGEST_KNOWN = 3  # words in a known phrase found inside a longer run of words


@dataclass(frozen=True, slots=True)
class ListReading:
    """What was understood: (key, label) pairs to save, and the other reading if there is one.

    `joiner` rebuilds one reading from the other: joined with it into one topic, or split at it.
    """

    topics: list[tuple[str, str]]
    other: list[tuple[str, str]] | None = None
    joiner: str = WORDS


def is_clear(text: str) -> bool:
    """Whether the person asked to empty the list (`clear`, `off`, `none`)."""
    return text.strip().casefold() in CLEAR_WORDS


def split_items(text: str) -> list[str]:
    """The items as typed, each trimmed and with inner whitespace collapsed; none empty."""
    items: list[str] = []
    for part in _SEPARATORS.split(text):
        for piece in _HASHTAG.split(part):
            label = " ".join(piece.split()).strip().lstrip("#").rstrip(_TRAILING).strip()
            if label:
                items.append(label)
    return items


def candidate_keys(text: str) -> set[str]:
    """Topic keys worth looking up to read `text`: each word and each run of a few words."""
    items = split_items(text)
    if len(items) != 1:
        return set()
    words = _units(items[0])
    if len(words) > MAX_TOPICS:  # refused whichever way it is read: nothing to look up
        return set()
    keys = {topic_key(items[0])}
    for size in range(1, _LONGEST_KNOWN + 1):
        keys.update(topic_key(" ".join(words[i : i + size])) for i in range(len(words) - size + 1))
    return keys


def read_list(text: str, example: str, known: Collection[str] = ()) -> ListReading:
    """The best reading of a typed list; `known` holds the topic keys already used here."""
    items = split_items(text)
    for item in items:
        if len(items) > 1 and is_clear(item):
            raise UsageError(
                "“{word}” empties the list, so it can't be a topic. "
                "Send it alone to clear the list, or leave it out.",
                {"word": item},
                example,
            )
    if len(items) != 1 or len(_units(items[0])) < 2:
        return ListReading(unique_topics(items, example))
    phrase = items[0]
    words = _units(phrase)
    parts = [part.strip() for part in _AND.split(phrase)]
    joiner = AND if len(parts) > 1 and all(parts) else WORDS
    segments = _segment(words, known)
    together_first = topic_key(phrase) in known or (
        joiner == WORDS and len(words) == 2 and not all(topic_key(p) in known for p in segments)
    )
    together = [phrase]
    separate = parts if joiner == AND else words if together_first else segments
    first, second = (together, separate) if together_first else (separate, together)
    best, other = _valid(first, example), _valid(second, example)
    if best is None and other is not None:
        best, other = other, None
    if best is None:
        return ListReading(unique_topics(first, example))
    if other is not None and (not _rebuilds(best, other, joiner) or _same(best, other)):
        other = None
    return ListReading(best, other, joiner)


def other_reading(labels: Sequence[str], joiner: str, example: str) -> list[tuple[str, str]]:
    """The reading a button offers, rebuilt from what is saved: one topic split, or many joined."""
    if len(labels) == 1:
        pieces = _AND.split(labels[0]) if joiner == AND else _units(labels[0])
        return unique_topics([piece.strip() for piece in pieces if piece.strip()], example)
    return unique_topics([joiner.join(labels)], example)


def _units(phrase: str) -> list[str]:
    """Its words, where a symbol (`&`, `+`, `/`) binds its neighbours: `R & D` is one unit."""
    units: list[str] = []
    binding = False
    for word in phrase.split():
        symbol = not any(ch.isalnum() for ch in word)
        if units and (symbol or binding):
            units[-1] += " " + word
        else:
            units.append(word)
        binding = symbol
    return units


def _segment(words: Sequence[str], known: Collection[str]) -> list[str]:
    """Words, keeping together the longest runs that are already topics here."""
    result: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(_LONGEST_KNOWN, len(words) - index), 0, -1):
            run = " ".join(words[index : index + size])
            if size == 1 or topic_key(run) in known:
                result.append(run)
                index += size
                break
    return result


def _valid(labels: Sequence[str], example: str) -> list[tuple[str, str]] | None:
    try:
        return unique_topics(labels, example)
    except UsageError:
        return None


def _rebuilds(best: list[tuple[str, str]], other: list[tuple[str, str]], joiner: str) -> bool:
    """Whether a button can rebuild `other` from `best` alone (nothing else is stored)."""
    try:
        rebuilt = other_reading([label for _, label in best], joiner, "/skills")
    except UsageError:
        return False
    return [key for key, _ in rebuilt] == [key for key, _ in other]


def _same(first: list[tuple[str, str]], second: list[tuple[str, str]]) -> bool:
    return [key for key, _ in first] == [key for key, _ in second]
