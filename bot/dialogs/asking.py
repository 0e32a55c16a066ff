"""Renders a step as a message: the question, a hint for optional steps, fresh buttons."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.core.events import Button, OutMessage
from bot.core.markup import RichText, join, plain
from bot.dialogs.spec import Kind, Step
from bot.dialogs.words import NO, SKIP, YES

ACTION = "dlg"
SEPARATOR = "|"

Say = Callable[[str, Mapping[str, object] | None], RichText]
"""Translates a template for the reader and fills it (`ctx.t`, or the sweep's equivalent)."""


def labels(step: Step, say: Say) -> list[str]:
    """A choice step's option labels as the reader sees them."""
    return [plain(say(option.label, None)) for option in step.options]


def payload(session_id: int, step: str, answer: str) -> str:
    """`id|step|answer`: which session and step a button belongs to, and what it answers."""
    return SEPARATOR.join((str(session_id), step, answer))


def question(session_id: int, step: Step, context: Mapping[str, Any], say: Say) -> OutMessage:
    """The step's question with its buttons; an optional step says it may be skipped."""
    parts = [say(step.question, context)]
    rows: list[tuple[Button, ...]] = []
    if step.kind is Kind.CHOICE:
        shown = labels(step, say)
        rows = [
            (Button(label, ACTION, payload(session_id, step.name, str(number))),)
            for number, label in enumerate(shown, start=1)
        ]
    elif step.kind is Kind.CONFIRM:
        rows = [
            (
                Button(plain(say("Yes", None)), ACTION, payload(session_id, step.name, YES)),
                Button(plain(say("No", None)), ACTION, payload(session_id, step.name, NO)),
            )
        ]
    if step.optional:
        parts.append(say("This question is optional: answer `skip` to leave it out.", None))
        skip = Button(plain(say("Skip", None)), ACTION, payload(session_id, step.name, SKIP))
        rows.append((skip,))
    return OutMessage(join(parts), tuple(rows))
