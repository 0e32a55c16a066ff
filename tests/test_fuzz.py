"""Fuzzing with hypothesis: argument parsers and the whole router take any unicode calmly.

Every input is answered or deliberately ignored, no exception escapes, nothing ever hits the
router's "something went wrong" path, a refused command writes nothing, and every reply renders
on every platform (Telegram's server-side HTML parse included).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from adapters.console import ConsoleMessenger
from adapters.discord import render as discord_render
from adapters.telegram import render as telegram_render
from bot.app import Core
from bot.core.errors import UsageError
from bot.core.events import Address, ChatKind, Message, Outbound, Sender
from bot.core.markup import plain
from bot.core.registry import CommandSpec, ParamKind, coerce_args, parse_text_args
from bot.core.router import Router, parse_command
from storage.models import Base
from tests.harness import standalone_registry
from tests.telegram_fake import parse_html

REGISTRY = standalone_registry()
SPECS = sorted(REGISTRY.commands.values(), key=lambda spec: spec.name)

NASTY = [
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte-order mark
    "\u0301",  # combining accent
    "👩🏽‍💻",
    "🏳️‍🌈",
    "<b>",
    "</b>",
    "&amp;",
    "&",
    "*",
    "**",
    "_",
    "__",
    "`",
    "```",
    "\\",
    "@everyone",
    "@here",
    "<@&123456789012345678>",
    "<@123456789012345678>",
    "#",
    "#topic",
    "{",
    "}",
    "{name}",
    "\n",
    "\t",
    " ",
    "12",
    "-1",
    "99999999999999999999",
    "all",
    "off",
    "@mia",
    "Europe/Berlin",
    "09:00",
    "in 2h",
    "tomorrow 9am",
    "mentor",
    "organizer",
    "a" * 1100,
    "x" * 4100,
    "\x00",
    "\ud800",
    "\ud7ff",
    "مرحبا",
    "שלום",
]

fragments = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
arbitrary = st.lists(fragments, max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(SPECS), raw=arbitrary)
def test_text_argument_parsers_accept_or_explain(spec: CommandSpec, raw: str) -> None:
    try:
        values = parse_text_args(spec, raw)
    except UsageError as error:
        explained(error)
        return
    check_values(spec, values)


@settings(max_examples=300, deadline=None)
@given(
    spec=st.sampled_from(SPECS),
    given_options=st.dictionaries(st.sampled_from(["a", "b"]), arbitrary, max_size=2),
    data=st.data(),
)
def test_typed_option_parsers_accept_or_explain(
    spec: CommandSpec, given_options: dict[str, str], data: Any
) -> None:
    names = [param.name for param in spec.params]
    options = {**given_options}
    for name in names:
        if data.draw(st.booleans()):
            options[name] = data.draw(arbitrary)
    try:
        values = coerce_args(spec, options)
    except UsageError as error:
        explained(error)
        return
    check_values(spec, values)


def explained(error: UsageError) -> None:
    """A refusal says what was wrong (and, for a known command, shows an example)."""
    assert error.template.strip()
    assert error.example is None or error.example.startswith("/")


def check_values(spec: CommandSpec, values: dict[str, str | int]) -> None:
    for param in spec.params:
        if param.name not in values:
            assert not param.required, (spec.name, param.name)
            continue
        value = values[param.name]
        if param.kind is ParamKind.INT:
            assert isinstance(value, int)
            assert value >= 0
        elif param.kind is ParamKind.CHOICE:
            assert value in param.choices
        else:
            assert isinstance(value, str)
            assert value.strip()
            assert len(value) <= param.max_length


async def row_counts(core: Core) -> dict[str, int]:
    async with core.database.sessions() as session:
        return {
            table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def check_renders(outbound: list[Outbound]) -> None:
    """Every reply renders on both platforms; Telegram would accept its HTML."""
    for item in outbound:
        for piece in telegram_render.html_pieces(item.message.text):
            if piece.strip():
                assert len(parse_html(piece)) <= telegram_render.TEXT_LIMIT
        for part in discord_render.pieces(item.message.text):
            assert len(part.content) <= discord_render.TEXT_LIMIT
            assert "@everyone" not in part.content
            assert "@here" not in part.content


class Spy:
    """Counts the router's error replies, so a refused or bad command can be recognized."""

    def __init__(self, router: Router) -> None:
        self.errors = 0
        original = router._error_reply

        def counted(*args: Any, **kwargs: Any) -> Outbound:
            self.errors += 1
            return original(*args, **kwargs)

        router._error_reply = counted  # type: ignore[method-assign]


commands = st.sampled_from([f"/{spec.name}" for spec in SPECS] + ["/nosuch", "/ask@bot", "/"])
lines = st.one_of(
    st.tuples(commands, st.sampled_from([" ", "\n", "  "]), arbitrary).map("".join),
    arbitrary,
    st.just("how can I help?"),
)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=lines,
    who=st.sampled_from(["olga", "mia", "zed"]),
    name=st.sampled_from(["Mia", "Zed\x00", "\u202eevil\ud800", "@everyone", "<b>&amp;"]),
    in_group=st.booleans(),
)
@example(text="/skills a\x00b", who="mia", name="Mia", in_group=True)
@example(text="/interests \ud800x", who="zed", name="Zed", in_group=True)
@example(text="/ask what\x00 is it", who="zed", name="Zed\x00", in_group=True)
async def test_router_answers_any_unicode_without_partial_writes(
    core: Core, text: str, who: str, name: str, in_group: bool
) -> None:
    messenger = ConsoleMessenger(lambda _line: None)
    messenger.admins.add(("g", "olga"))
    spy = getattr(core, "_fuzz_spy", None)
    if spy is None:
        spy = Spy(core.router)
        core._fuzz_spy = spy  # type: ignore[attr-defined]
    event = Message(
        address=Address("console", "g" if in_group else f"dm:{who}", who),
        chat_kind=ChatKind.GROUP if in_group else ChatKind.DM,
        sender=Sender(name, who, is_admin=who == "olga" and in_group),
        text=text,
        chat_title="g" if in_group else "",
    )
    before = await row_counts(core)
    errors = spy.errors
    outbound = await core.router.handle(event, messenger)
    after = await row_counts(core)
    said = "\n".join(plain(item.message.text) for item in outbound)
    assert "something went wrong" not in said, (text, said)
    stripped = text.replace("\x00", "").strip()  # NUL is dropped before anything else
    parsed = parse_command(replace(event, text=stripped))
    known = parsed is not None and parsed.name in core.registry.commands and parsed.bot is None
    triggered = any(trigger.matches(stripped) for trigger in core.registry.triggers)
    if known or (not in_group and stripped):
        assert outbound, f"silence for {text!r}"
    if in_group and not known and not triggered:  # chatter, or a command for another bot
        assert outbound == [], f"answered {text!r} in a group: {said}"
        assert after == before, f"{text!r} left a trace: {before} → {after}"
    if spy.errors > errors:
        assert after == before, f"partial write by {text!r}: {before} → {after}"
    check_renders(outbound)
