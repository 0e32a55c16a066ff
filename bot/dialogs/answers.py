"""Reads one typed answer for a step's kind, or refuses with a reason and an example."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.errors import UsageError
from bot.core.numbers import number_argument
from bot.dialogs.spec import Answer, Answers, Kind, Step
from bot.dialogs.words import NO, YES, folded, meaning
from bot.domain.lists import read_list
from bot.domain.when import Day, Moment, parse_day, parse_moment


def read_answer(
    step: Step,
    text: str,
    labels: Sequence[str],
    *,
    zone: str,
    language: str,
    now: datetime,
    answers: Answers,
) -> Answer:
    """The answer the text gives to this step; `labels` are its options as shown."""
    typed = text.strip()
    value = _read(step, typed, labels, zone=zone, language=language, now=now)
    if step.check is not None:
        refused = step.check(value, answers)
        if refused is not None:
            template, values = refused
            raise UsageError(template, values, step.example or None)
    return value


def _read(
    step: Step, typed: str, labels: Sequence[str], *, zone: str, language: str, now: datetime
) -> Answer:
    example = step.example or None
    if not typed:
        raise UsageError("Please answer with some text.", None, example)
    if step.kind is Kind.CHOICE:
        return choice(step, typed, labels)
    if step.kind is Kind.CONFIRM:
        word = meaning(typed, language)
        if word not in (YES, NO):
            raise UsageError("Please answer yes or no.", None, "yes")
        return word == YES
    if step.kind is Kind.NUMBER:
        return _number(step, typed)
    if len(typed) > step.max_length:
        raise UsageError(
            "That answer is too long ({length} characters; the limit is {limit}).",
            {"length": len(typed), "limit": step.max_length},
            example,
        )
    if step.kind is Kind.LIST:
        return [label for _, label in read_list(typed, step.example).topics]
    if step.kind is Kind.MOMENT:
        found = parse_moment(typed, zone, language, now)
        if isinstance(found, Moment) and not found.rest.strip():
            return found.at.isoformat()
        if isinstance(found, Moment):
            raise UsageError(
                "I read a time, but not “{rest}”. Send only the time.",
                {"rest": found.rest.strip()},
                example,
            )
        raise UsageError(found.template, found.values, example)
    if step.kind is Kind.DAY:
        day = parse_day(typed, zone, language, now)
        if isinstance(day, Day):
            return day.day.isoformat()
        raise UsageError(day.template, day.values, example)
    return typed


def choice(step: Step, typed: str, labels: Sequence[str]) -> str:
    """An option by its number, its value or its label, case and accents ignored."""
    wanted = folded(typed).lstrip("#").strip()
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 3:
        index = int(wanted) - 1
        if 0 <= index < len(step.options):
            return step.options[index].value
    for option, label in zip(step.options, labels, strict=True):
        if wanted in (folded(option.value), folded(label)):
            return option.value
    # `video` for "Video call", `視訊` for 視訊通話: the start of exactly one label
    pairs = zip(step.options, labels, strict=True)
    starting = [option for option, label in pairs if folded(label).startswith(wanted)]
    if len(wanted) >= 2 and len(starting) == 1:
        return starting[0].value
    shown = ", ".join(f"{number}. {label}" for number, label in enumerate(labels, start=1))
    raise UsageError(
        "Please pick one of: {choices}. Type its number or its name, or press a button.",
        {"choices": shown},
        labels[0],
    )


def _number(step: Step, typed: str) -> int:
    example = step.example or str(step.low)
    number = 0 if typed.strip() == "0" and step.low <= 0 else number_argument(typed, example)
    if not step.low <= number <= step.high:
        raise UsageError(
            "Please give a number from {low} to {high}.",
            {"low": step.low, "high": step.high},
            example,
        )
    return number
