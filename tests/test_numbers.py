"""Request and tip numbers: ASCII digits with or without `#`; anything else a clear refusal."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import UsageError, UserFacingError
from bot.core.events import Address, ButtonPress, ChatKind, Sender
from bot.core.markup import fmt, plain
from bot.core.numbers import number_argument, read_number
from bot.core.registry import CommandSpec, ParamKind, coerce_args, parse_text_args
from tests.harness import ChatDriver, standalone_registry

REGISTRY = standalone_registry()
SPECS = sorted(REGISTRY.commands.values(), key=lambda spec: spec.name)
NUMBERED = [spec for spec in SPECS if any(p.kind is ParamKind.INT for p in spec.params)]

ACCEPTED = [
    ("3", 3),
    ("#3", 3),
    ("# 3", 3),
    ("  12  ", 12),
    ("007", 7),
    ("#0042", 42),
    ("999999999", 999_999_999),
    ("３", 3),  # full-width, as Chinese keyboards type it
    ("＃12", 12),
    ("# ４２", 42),
    ("१२", 12),  # Devanagari, as Hindi keyboards type it
    ("#३", 3),
]

REFUSED = [
    ("²", "not a number I can read"),
    ("①", "not a number I can read"),
    ("٣", "not a number I can read"),
    ("Ⅻ", "not a number I can read"),
    ("3²", "not a number I can read"),
    ("½", "not a number I can read"),
    ("-1", "start at 1"),
    ("#-4", "start at 1"),
    ("−2", "start at 1"),
    ("0", "no #0"),
    ("#0", "no #0"),
    ("000", "no #0"),
    ("3.5", "not a whole number"),
    ("3,5", "not a whole number"),
    (".5", "not a whole number"),
    ("1e3", "not a whole number"),
    ("1E9", "not a whole number"),
    ("1" * 30, "too long for a number"),
    ("1000000000", "too long for a number"),
    ("one", "not a number."),
    ("#", "not a number."),
    ("##3", "not a number."),
    ("3#", "not a number."),
    ("0x1F", "not a number."),
    ("3\x07", "not a number."),
    ("\u200b3", "not a number."),
    ("+3", "not a number."),
]


@pytest.mark.parametrize(("text", "number"), ACCEPTED)
def test_ascii_numbers_with_or_without_hash_are_read(text: str, number: int) -> None:
    assert read_number(text) == number
    assert number_argument(text, "/claim 12") == number


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_anything_else_is_refused_with_an_example(text: str, reason: str) -> None:
    assert read_number(text) is None
    with pytest.raises(UsageError) as caught:
        number_argument(text, "/claim 12")
    said = plain(fmt(caught.value.template, caught.value.values))
    assert reason in said
    assert caught.value.example == "/claim 12"


def test_a_long_number_is_quoted_back_shortened() -> None:
    with pytest.raises(UsageError) as caught:
        number_argument("9" * 30, "/claim 12")
    assert "9" * 30 not in plain(fmt(caught.value.template, caught.value.values))


def test_numbered_commands_exist_to_walk() -> None:
    assert {"claim", "resolve", "close", "reopen", "unclaim"} <= {s.name for s in NUMBERED}


DIGITS_AND_SPACES = st.characters(categories=["Nd", "No", "Nl", "Zs", "Zl", "Zp", "Cc", "Cf"])
pieces = st.one_of(
    st.text(DIGITS_AND_SPACES, max_size=12),
    st.text(max_size=12),
    st.sampled_from(["#", "# ", "-", ".", "e", "0", "1" * 30, "²", "①", "٣", "\n", "\t"]),
)
arguments = st.lists(pieces, max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(spec=st.sampled_from(SPECS), raw=arguments)
def test_every_text_parser_returns_or_explains(spec: CommandSpec, raw: str) -> None:
    try:
        values = parse_text_args(spec, raw)
    except UserFacingError as error:
        explained(error)
        return
    for param in spec.params:
        if param.kind is ParamKind.INT and param.name in values:
            assert isinstance(values[param.name], int)
            assert 1 <= int(values[param.name]) <= 999_999_999


@settings(max_examples=400, deadline=None)
@given(spec=st.sampled_from(SPECS), data=st.data())
def test_every_typed_option_parser_returns_or_explains(
    spec: CommandSpec, data: st.DataObject
) -> None:
    options = {param.name: data.draw(arguments) for param in spec.params}
    try:
        values = coerce_args(spec, options)
    except UserFacingError as error:
        explained(error)
        return
    for param in spec.params:
        if param.kind is ParamKind.INT and param.name in values:
            assert 1 <= int(values[param.name]) <= 999_999_999


def explained(error: UserFacingError) -> None:
    """A refusal says what was wrong, and a known command's shows a command as example."""
    assert error.template.strip()
    assert error.example is None or error.example.startswith("/")


CHAT_REFUSED = ["²", "①", "٣", "-1", "0", "3.5", "1e3", "1" * 30, "#", "Ⅻ"]


@pytest.mark.parametrize("command", ["claim", "resolve"])
async def test_claim_and_resolve_refuse_odd_numbers_with_an_example(
    chat: ChatDriver, command: str
) -> None:
    await chat.say("bob", "g", "/ask How do I price a logo? #pricing")
    for typed in CHAT_REFUSED:
        out = await chat.say("mia", "g", f"/{command} {typed}")
        assert "something went wrong" not in out, typed
        assert f"Example: /{command} 12" in out, (typed, out)
    out = await chat.say("mia", "g", f"/{command} 0")
    assert "There is no #0" in out
    assert "Mia is helping" not in out


async def test_hash_and_space_forms_reach_the_request(chat: ChatDriver) -> None:
    await chat.say("bob", "g", "/ask How do I price a logo? #pricing")
    assert "Mia will help @Bob with #1" in await chat.say("mia", "g", "/claim ＃１")
    out = await chat.say("bob", "g", "/resolve #1\nThanks, that worked!")
    assert "resolved" in out.lower()


@pytest.mark.parametrize("payload", ["²", "①", "٣", "-1", "0", "1" * 30, "3.5", ""])
@pytest.mark.parametrize("action", ["claim", "savetip", "tip-helpful"])
async def test_number_payloads_of_buttons_never_crash(
    chat: ChatDriver, action: str, payload: str
) -> None:
    await chat.say("bob", "g", "/ask How do I price a logo? #pricing")
    event = ButtonPress(
        Address("console", "g", "mia"), ChatKind.GROUP, Sender("Mia", "mia"), action, payload, "g"
    )
    outbound = await chat.core.router.handle(event, chat.console.messenger)
    said = "\n".join(plain(item.message.text) for item in outbound)
    assert said
    assert "something went wrong" not in said


@pytest.mark.parametrize("typed", ["²", "#²", "①", "٣"])
async def test_schedule_off_and_console_press_read_only_ascii_numbers(
    chat: ChatDriver, typed: str
) -> None:
    chat.make_admin("olga", "g")
    out = await chat.say("olga", "g", f"/schedule off {typed}")
    assert "no active" in out
    assert "something went wrong" not in out
    out = await chat.say("olga", "g", f"/press {typed}")
    assert "no such button" in out
