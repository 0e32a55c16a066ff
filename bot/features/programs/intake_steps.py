"""The intake's questions, one declared dialog per role (and one with a timezone step first).

Mentees give one goal; mentors may say what they want from mentoring and give a capacity
of 1–5. Every choice step also takes its option typed as text (the engine does that).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from bot.core.context import Ctx
from bot.core.i18n import N_
from bot.core.markup import RichText
from bot.dialogs import Answer, Answers, Kind, Option, Step
from bot.dialogs.spec import Invalid
from bot.domain.timezones import Understood, lookup_timezone
from bot.domain.weekly_windows import (
    DAY_NAMES,
    WindowsRefusal,
    describe,
    read_windows,
    windows_from_json,
)
from bot.features.programs import common
from storage.program_models import MeetingWay, ProgramParticipant, ProgramRole
from storage.programs_repo import json_list, json_object

WAYS = {
    MeetingWay.VIDEO.value: N_("Video call"),
    MeetingWay.PHONE.value: N_("Phone"),
    MeetingWay.CHAT.value: N_("Chat"),
    MeetingWay.IN_PERSON.value: N_("In person"),
}


def _zone_check(value: Answer, _answers: Answers) -> Invalid | None:
    """A zone answer must name exactly one settable zone."""
    found = lookup_timezone(str(value), datetime.now(UTC))
    if found.refusal is not None:
        return found.refusal.template, found.refusal.values
    if found.zone is None:
        values = {"text": str(value).strip(), "choices": ", ".join(found.choices)}
        if found.understood is Understood.GUESS:
            return (
                N_(
                    "I don't know the timezone “{text}”. Did you mean one of these: {choices}? "
                    "Please type the one that is yours."
                ),
                values,
            )
        return (
            N_(
                "“{text}” could be several timezones: {choices}. Please type the one that is yours."
            ),
            values,
        )
    return None


def _windows_check(value: Answer, _answers: Answers) -> Invalid | None:
    found = read_windows(str(value))
    return (found.template, found.values) if isinstance(found, WindowsRefusal) else None


ZONE = Step(
    "zone",
    "Welcome to “{program}”! First, which timezone are you in? Type your city, like `Taipei` "
    "or `New York`: I read your weekly hours in it.",
    example="Taipei",
    max_length=100,
    check=_zone_check,
)
TOPICS = {
    ProgramRole.MENTEE: Step(
        "topics",
        "Which topics do you want help with in “{program}”? List them with commas.",
        Kind.LIST,
        example=N_("pricing, instagram, bookkeeping"),
    ),
    ProgramRole.MENTOR: Step(
        "topics",
        "Which topics can you mentor in, in “{program}”? List them with commas.",
        Kind.LIST,
        example=N_("pricing, instagram, bookkeeping"),
    ),
}
GOAL = Step(
    "goal",
    "What is the one goal you want to reach in this program?",
    example=N_("Sell my candles in two local shops by March"),
    max_length=300,
)
WANTS = Step(
    "wants",
    "What would you like to get from mentoring yourself?",
    example=N_("Practice explaining pricing simply"),
    optional=True,
    max_length=300,
)
LANGUAGES = Step(
    "languages",
    "Which languages can you meet in? List them with commas.",
    Kind.LIST,
    example=N_("English, Spanish"),
)
MEETING = Step(
    "meeting",
    "How do you prefer to meet?",
    Kind.CHOICE,
    options=tuple(Option(value, label) for value, label in WAYS.items()),
)
AVAILABILITY = Step(
    "availability",
    "When are you free each week, in your own time? Give days, then hours.",
    # the same form in the reader's words: every shipped language's day names are read
    example=N_("mon-fri 18-20, sat 10-12"),
    max_length=300,
    check=_windows_check,
)
CAPACITY = Step(
    "capacity",
    "How many mentees can you take on at once, from 1 to 5?",
    Kind.NUMBER,
    example="2",
    low=1,
    high=5,
)


def dialog_name(role: ProgramRole, ask_zone: bool) -> str:
    """The intake dialog for a role, with or without the timezone step."""
    return f"prog_{role.value}{'_zone' if ask_zone else ''}"


def steps(role: ProgramRole, ask_zone: bool) -> tuple[Step, ...]:
    middle = (GOAL,) if role is ProgramRole.MENTEE else (WANTS,)
    tail = (CAPACITY,) if role is ProgramRole.MENTOR else ()
    head = (ZONE,) if ask_zone else ()
    return (*head, TOPICS[role], *middle, LANGUAGES, MEETING, AVAILABILITY, *tail)


def summary(ctx: Ctx, row: ProgramParticipant) -> list[RichText]:
    """The participant's answers, one line each, as the intake and `/program profile` show."""
    available = json_object(row.availability)
    windows = windows_from_json(available.get("windows", []))
    none = ctx.t("none")
    lines = [
        ctx.t("Role: {role}", {"role": ctx.t(common.ROLE_NAMES[row.role])}),
        ctx.t("Topics: {topics}", {"topics": ", ".join(json_list(row.topics)) or none}),
    ]
    if row.role == ProgramRole.MENTEE.value:
        lines.append(ctx.t("Goal: {goal}", {"goal": row.goal or none}))
    else:
        lines.append(ctx.t("What you want from mentoring: {wants}", {"wants": row.wants or none}))
    lines += [
        ctx.t("Languages: {languages}", {"languages": ", ".join(json_list(row.languages)) or none}),
        ctx.t("Meeting: {way}", {"way": ctx.t(WAYS[row.meeting_way]) if row.meeting_way else none}),
        ctx.t(
            "Weekly availability ({zone}): {windows}",
            {
                "zone": available.get("zone", common.zone_of(ctx)),
                "windows": describe(windows, partial(_day_name, ctx)) or none,
            },
        ),
    ]
    if row.role == ProgramRole.MENTOR.value:
        capacity = row.capacity or 0
        lines.append(
            ctx.tn(
                "Capacity: {count} mentee at once", "Capacity: {count} mentees at once", capacity
            )
        )
    return lines


def _day_name(ctx: Ctx, day: int) -> str:
    """`Mon`, `lun`, `週一`, `सोम`: a weekday as the answer's language writes it."""
    if ctx.language.split("_")[0] == "en":
        return DAY_NAMES[day]
    return ctx.days_text(str(day))
