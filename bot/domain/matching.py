"""Matching requests to skills: accent-, case- and plural-tolerant, with a few synonyms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer

from bot.domain.topics import TAG_CHAR, hashes_as_typed, topic_key

_TAG = re.compile(rf"#(\w{TAG_CHAR}{{0,39}})", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
SYNONYMS = {
    "js": "javascript",
    "ts": "typescript",
    "py": "python",
    "ux": "design",
    "ui": "design",
    "seo": "search engine optimization",
    "ads": "advertising",
    "advert": "advertising",
    "bookkeeping": "accounting",
    "socials": "social media",
    "insta": "instagram",
    "ig": "instagram",
    "copy": "copywriting",
}


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=4096)
def topic_stems(label: str) -> tuple[str, ...]:
    """The stemmed words of a topic, after synonyms: `Pricing` → (`price`,)."""
    key = topic_key(label)
    key = SYNONYMS.get(key, key)
    return tuple(_stemmer().stemWords(_WORD.findall(key)))


def text_stems(text: str) -> tuple[str, ...]:
    """The stemmed words of free text, each mapped through the synonyms."""
    words: list[str] = []
    for word in _WORD.findall(topic_key(text)):
        words.extend(SYNONYMS.get(word, word).split())
    return tuple(_stemmer().stemWords(words))


def same_topic(a: str, b: str) -> bool:
    """Whether two topic labels mean the same thing."""
    return bool(topic_stems(a)) and topic_stems(a) == topic_stems(b)


def split_tags(text: str) -> tuple[str, list[str]]:
    """Separates `#tags` from the question; returns the question and the tag labels."""
    text = hashes_as_typed(text)
    tags = list(dict.fromkeys(match.group(1) for match in _TAG.finditer(text)))
    question = " ".join(_TAG.sub(" ", text).split())
    return question, tags


def topics_in_text(text: str, known: Iterable[str]) -> list[str]:
    """The known topics whose words all appear, in order, in the text."""
    words = text_stems(text)
    found: list[str] = []
    for label in known:
        stems = topic_stems(label)
        if stems and _contains(words, stems) and not any(same_topic(label, f) for f in found):
            found.append(label)
    return found


def _contains(words: Sequence[str], run: Sequence[str]) -> bool:
    size = len(run)
    return any(tuple(words[i : i + size]) == tuple(run) for i in range(len(words) - size + 1))


def overlap(skills: Iterable[str], topics: Iterable[str]) -> list[str]:
    """The request topics that one of the skills covers."""
    skill_stems = {topic_stems(skill) for skill in skills}
    return [topic for topic in topics if topic_stems(topic) in skill_stems]
