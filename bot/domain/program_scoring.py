"""How well one mentee fits one mentor in a program, with the reasons by name.

Points (whole numbers, so equal fits compare exactly):
- 10 for each shared topic: a mentor skill that one of the mentee's interests names, or that
  the mentee's goal mentions; compared like `/ask` (case, accents, plurals, a few synonyms).
- 5 for a shared language (once, however many they share).
- 1 for each hour a week both are available, counted up to 8 hours (more overlap rarely
  helps, and it must not outweigh a topic).

A pair is eligible when it shares at least one topic, or a language and at least 2 hours a
week of overlap. Everything else scores but is never proposed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.matching import same_topic, topic_stems, topics_in_text
from bot.domain.program_availability import HOURS_PER_WEEK
from bot.domain.topics import topic_key

TOPIC_POINTS = 10
LANGUAGE_POINTS = 5
HOUR_POINTS = 1
MAX_COUNTED_HOURS = 8
MIN_OVERLAP_HOURS = 2
MIN_CAPACITY = 1
MAX_CAPACITY = 5


def _checked_slots(slots: frozenset[int], who: str) -> None:
    wrong = sorted(slot for slot in slots if not 0 <= slot < HOURS_PER_WEEK)
    if wrong:
        raise ValueError(f"{who}: availability slots must be 0 to 167, not {wrong[:3]}")


@dataclass(frozen=True, slots=True)
class Mentee:
    """A mentee as matching sees them: topics, languages, UTC availability, past mentors."""

    id: int
    name: str
    interests: tuple[str, ...] = ()
    goal: str = ""
    languages: frozenset[str] = frozenset()
    availability: frozenset[int] = frozenset()
    past_mentors: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        _checked_slots(self.availability, f"mentee {self.id}")


@dataclass(frozen=True, slots=True)
class Mentor:
    """A mentor as matching sees them: skills, languages, UTC availability and room left."""

    id: int
    name: str
    skills: tuple[str, ...] = ()
    languages: frozenset[str] = frozenset()
    availability: frozenset[int] = frozenset()
    capacity: int = 1
    current_mentees: int = 0

    def __post_init__(self) -> None:
        if not MIN_CAPACITY <= self.capacity <= MAX_CAPACITY:
            raise ValueError(
                f"mentor {self.id}: capacity must be {MIN_CAPACITY} to {MAX_CAPACITY}, "
                f"not {self.capacity}"
            )
        if self.current_mentees < 0:
            raise ValueError(f"mentor {self.id}: current mentees cannot be negative")
        _checked_slots(self.availability, f"mentor {self.id}")

    @property
    def room(self) -> int:
        """How many more mentees this mentor can take in this program."""
        return max(0, self.capacity - self.current_mentees)


@dataclass(frozen=True, slots=True)
class Fit:
    """A score and its reasons: shared topics (mentor's words), shared languages, overlap."""

    points: int
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    overlap_hours: int

    @property
    def eligible(self) -> bool:
        """At least one shared topic, or a shared language with 2 hours a week of overlap."""
        return bool(self.topics) or (
            bool(self.languages) and self.overlap_hours >= MIN_OVERLAP_HOURS
        )


def shared_topics(mentee: Mentee, mentor: Mentor) -> tuple[str, ...]:
    """The mentor's skills that the mentee's interests name or the goal mentions, once each."""
    in_goal = set(topics_in_text(mentee.goal, mentor.skills)) if mentee.goal else set()
    found: list[str] = []
    for skill in mentor.skills:
        if not topic_stems(skill) or any(same_topic(skill, seen) for seen in found):
            continue
        if skill in in_goal or any(same_topic(skill, interest) for interest in mentee.interests):
            found.append(skill)
    return tuple(found)


def shared_languages(a: Iterable[str], b: Iterable[str]) -> tuple[str, ...]:
    """The languages both speak, in the first person's words, sorted; case and accents ignored."""
    theirs = {topic_key(language) for language in b}
    mine = {topic_key(language): language for language in sorted(a)}
    return tuple(mine[key] for key in sorted(mine) if key and key in theirs)


def fit(mentee: Mentee, mentor: Mentor) -> Fit:
    """The score of this mentee with this mentor, with its reasons."""
    topics = shared_topics(mentee, mentor)
    languages = shared_languages(mentee.languages, mentor.languages)
    hours = len(mentee.availability & mentor.availability)
    points = (
        TOPIC_POINTS * len(topics)
        + (LANGUAGE_POINTS if languages else 0)
        + HOUR_POINTS * min(hours, MAX_COUNTED_HOURS)
    )
    return Fit(points, topics, languages, hours)
