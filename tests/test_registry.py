"""The command registry: declarations, and argument parsing shared by text and typed options."""

from __future__ import annotations

import pytest

from bot.core.errors import UsageError
from bot.core.markup import fmt, plain
from bot.core.registry import (
    Access,
    CommandSpec,
    Param,
    ParamKind,
    Registry,
    coerce_args,
    parse_text_args,
)
from tests.harness import standalone_registry


async def _noop(ctx: object, args: object) -> None:
    return None


SPEC = CommandSpec(
    "demo",
    "A demo",
    _noop,
    "/demo 3 mentor some text",
    (
        Param("n", ParamKind.INT, "A number"),
        Param("role", ParamKind.CHOICE, "A role", choices=("mentor", "organizer")),
        Param("rest", ParamKind.TEXT, "Text", required=False, max_length=10),
    ),
)


def test_text_args_are_parsed_and_coerced() -> None:
    assert parse_text_args(SPEC, "#3 Mentor hi there") == {
        "n": 3,
        "role": "mentor",
        "rest": "hi there",
    }
    assert parse_text_args(SPEC, "3 organizer") == {"n": 3, "role": "organizer"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "needs <n>"),
        ("x mentor", "is not a number"),
        ("3 king", "must be one of"),
        ("3 mentor " + "y" * 11, "too long"),
        ("99999999999 mentor", "too long for a number"),
    ],
)
def test_bad_args_raise_usage_errors_with_example(raw: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_text_args(SPEC, raw)
    assert message in plain(fmt(caught.value.template, caught.value.values))
    assert caught.value.example == SPEC.example


def test_typed_options_take_the_same_checks() -> None:
    assert coerce_args(SPEC, {"n": "4", "role": "mentor"}) == {"n": 4, "role": "mentor"}
    with pytest.raises(UsageError):
        coerce_args(SPEC, {"n": "4"})


def test_extra_words_refused_when_last_param_is_a_word() -> None:
    spec = CommandSpec("one", "x", _noop, "/one a", (Param("a", ParamKind.WORD, "A"),))
    with pytest.raises(UsageError) as caught:
        parse_text_args(spec, "a b")
    assert "Too many arguments" in caught.value.template


def test_registry_refuses_duplicates_and_misplaced_text_params() -> None:
    registry = Registry()
    registry.add_command(SPEC)
    with pytest.raises(ValueError, match="taken"):
        registry.add_command(SPEC)
    bad = CommandSpec(
        "bad",
        "x",
        _noop,
        "/bad",
        (Param("t", ParamKind.TEXT, "T"), Param("w", ParamKind.WORD, "W")),
    )
    with pytest.raises(ValueError, match="must come last"):
        registry.add_command(bad)
    with pytest.raises(ValueError, match="malformed"):
        registry.add_button("has:colon", _noop)  # type: ignore[arg-type]


def test_real_registry_is_consistent() -> None:
    registry = standalone_registry()
    names = set(registry.commands)
    assert {"start", "help", "join", "profile", "skills", "interests", "timezone"} <= names
    assert {"language", "away", "forgetme", "promote", "demote", "settings"} <= names
    for spec in registry.commands.values():
        assert spec.summary
        assert spec.example.startswith(f"/{spec.name}")
        assert len(spec.summary) <= 100  # Discord's description limit
        assert spec.usage.startswith(f"/{spec.name}")
    assert registry.commands["promote"].access is Access.ORGANIZER
