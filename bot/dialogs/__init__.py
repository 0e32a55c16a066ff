"""Guided conversations: declared multi-step dialogs, stored step by step, one per person."""

from bot.dialogs.engine import LAPSE_AFTER, Dialogs
from bot.dialogs.lapse import DialogLapses
from bot.dialogs.spec import (
    FOLLOWING,
    Answer,
    Answers,
    Completion,
    DialogSpec,
    Kind,
    Lapse,
    Option,
    Step,
)

__all__ = [
    "FOLLOWING",
    "LAPSE_AFTER",
    "Answer",
    "Answers",
    "Completion",
    "DialogLapses",
    "DialogSpec",
    "Dialogs",
    "Kind",
    "Lapse",
    "Option",
    "Step",
]
