"""What a feature declares: a dialog's steps, the kind of answer each takes, and its ends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.core.context import Ctx

Answer = str | int | bool | list[str] | None
"""A stored answer (JSON): text, a choice's value, a number, yes/no, a list, an ISO moment or
day, or None for a skipped optional step."""
Answers = Mapping[str, Answer]

MAX_NAME = 24
"""Dialog and step names travel in button payloads (Telegram allows 64 bytes)."""


class Kind(StrEnum):
    """How a step's answer is read."""

    TEXT = "text"
    CHOICE = "choice"
    CONFIRM = "confirm"
    LIST = "list"
    MOMENT = "moment"
    DAY = "day"
    NUMBER = "number"


class Following(Enum):
    """The default next step: the one declared after this one."""

    STEP = "following"


FOLLOWING = Following.STEP

Invalid = tuple[str, Mapping[str, object]]
"""A refusal from a step's own check: a template saying what is wrong, and its values."""
Check = Callable[[Answer, Answers], Invalid | None]
NextStep = str | Callable[[Answers], str | None] | None | Following


@dataclass(frozen=True, slots=True)
class Option:
    """One choice: the value stored and the label shown (a template, translated)."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Step:
    """One question and how its answer is read, checked and followed.

    `question` is a whole sentence with `{placeholders}` from the dialog's context. `example`
    is shown when an answer is refused. `next` is a step name, a function of the answers so
    far, None (the dialog is done), or FOLLOWING (the next declared step).
    """

    name: str
    question: str
    kind: Kind = Kind.TEXT
    example: str = ""
    options: tuple[Option, ...] = ()
    optional: bool = False
    max_length: int = 500
    low: int = 1
    high: int = 10
    check: Check | None = None
    next: NextStep = FOLLOWING


@dataclass(frozen=True, slots=True)
class Completion:
    """A dialog that completed or was cancelled, inside the event's transaction."""

    ctx: Ctx
    answers: Answers
    context: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Lapse:
    """A dialog that lapsed, inside the housekeeping sweep's transaction (no event)."""

    session: AsyncSession
    person_id: int
    answers: Answers
    context: Mapping[str, Any]
    now: datetime


OnEnd = Callable[[Completion], Awaitable[None]]
OnLapse = Callable[[Lapse], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DialogSpec:
    """A guided conversation as a feature declares it, once, like a command."""

    name: str
    steps: tuple[Step, ...]
    on_complete: OnEnd
    on_cancel: OnEnd | None = None
    on_lapse: OnLapse | None = None

    def __post_init__(self) -> None:
        names = [step.name for step in self.steps]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"dialog {self.name!r} needs steps with unique names")
        for name in (self.name, *names):
            if not name or len(name) > MAX_NAME or "|" in name:
                raise ValueError(f"dialog or step name {name!r} is empty, too long or has '|'")
        for step in self.steps:
            if step.kind is Kind.CHOICE and not step.options:
                raise ValueError(f"choice step {step.name!r} needs options")
            if isinstance(step.next, str) and step.next not in names:
                raise ValueError(f"step {step.name!r} goes to unknown step {step.next!r}")

    def step(self, name: str | None) -> Step | None:
        """The step of this name, if the dialog has it."""
        return next((step for step in self.steps if step.name == name), None)

    def after(self, step: Step, answers: Answers) -> Step | None:
        """The step that follows `step` given the answers so far; None when done."""
        target = step.next
        if target is FOLLOWING:
            index = self.steps.index(step)
            return self.steps[index + 1] if index + 1 < len(self.steps) else None
        if callable(target):
            target = target(answers)
        if target is None:
            return None
        found = self.step(str(target))
        if found is None:
            raise ValueError(f"dialog {self.name!r}: no step {target!r}")
        return found
