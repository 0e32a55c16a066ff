"""Participants as the matcher sees them, and a proposal's line with its reasons by name."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.context import Ctx
from bot.core.markup import RichText, plain
from bot.domain.program_availability import utc_slots
from bot.domain.program_matching import Fit, Mentee, Mentor
from bot.domain.weekly_windows import windows_from_json
from bot.features.programs import common
from storage.program_models import ProgramPair, ProgramParticipant
from storage.programs_repo import json_list, json_object


def reasons_of(score: Fit, number: int = 0) -> dict[str, Any]:
    """A fit's reasons as stored with the pair; `number` is the proposal's number as listed."""
    return {
        "number": number,
        "topics": list(score.topics),
        "languages": list(score.languages),
        "overlap_hours": score.overlap_hours,
    }


def stored_fit(pair: ProgramPair) -> Fit:
    """The fit a stored pair was proposed with."""
    reasons = json_object(pair.reasons)
    return Fit(
        pair.score,
        tuple(str(topic) for topic in reasons.get("topics", [])),
        tuple(str(language) for language in reasons.get("languages", [])),
        int(reasons.get("overlap_hours", 0)),
    )


def _slots(row: ProgramParticipant, week: date) -> frozenset[int]:
    """The participant's weekly windows as UTC hours of the reference week."""
    available = json_object(row.availability)
    windows = windows_from_json(available.get("windows", []))
    return utc_slots(windows, str(available.get("zone") or "UTC"), week)


def as_mentee(row: ProgramParticipant, week: date, past: set[int]) -> Mentee:
    """A mentee's intake for the matcher; `past` are mentors they already had here."""
    return Mentee(
        id=row.person_id,
        name=str(row.person_id),
        interests=tuple(json_list(row.topics)),
        goal=row.goal or "",
        languages=frozenset(json_list(row.languages)),
        availability=_slots(row, week),
        past_mentors=frozenset(past),
    )


def as_mentor(row: ProgramParticipant, week: date, load: int) -> Mentor:
    """A mentor's intake for the matcher; `load` is how many active pairs they have."""
    capacity = row.capacity or 1
    return Mentor(
        id=row.person_id,
        name=str(row.person_id),
        skills=tuple(json_list(row.topics)),
        languages=frozenset(json_list(row.languages)),
        availability=_slots(row, week),
        capacity=capacity,
        current_mentees=min(load, capacity),
    )


async def proposal_line(ctx: Ctx, number: int, pair: ProgramPair, score: Fit) -> RichText:
    """`1. Ana with Bo: score 23. Shared topics: pricing. …` as the organizer reads it."""
    none = plain(ctx.t("none"))
    return ctx.t(
        "{number}. {mentee} with {mentor}: score {score}. Shared topics: {topics}. "
        "Shared language: {languages}. Overlap: {hours} hours a week.",
        {
            "number": number,
            "mentee": await common.name_of(ctx, pair.mentee_id),
            "mentor": await common.name_of(ctx, pair.mentor_id),
            "score": score.points,
            "topics": ", ".join(score.topics) or none,
            "languages": ", ".join(score.languages) or none,
            "hours": score.overlap_hours,
        },
    )
