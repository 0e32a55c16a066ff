"""/help by job, limits from one source, unknown commands and unwanted messages leave no trace."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import Update

from adapters.telegram.translate import to_message
from bot.app import Core
from bot.core.events import Address, ChatKind, Message, Sender
from bot.core.markup import fmt, plain
from bot.features.help import JOBS, job_of
from bot.features.limits import COMMAND_LIMITS, DAILY_KUDOS, MAX_REQUESTS_PER_HOUR
from storage.models import Base
from tests.harness import ChatDriver, RecordingMessenger, standalone_registry
from tests.telegram_fake import BOT_USERNAME, group, user

THIS_BOT = {"id": 99, "is_bot": True, "first_name": "Me", "username": BOT_USERNAME}
OTHER_BOT = {"id": 98, "is_bot": True, "first_name": "Other", "username": "other_bot"}
README = Path(__file__).resolve().parent.parent / "README.md"


async def row_counts(core: Core) -> dict[str, int]:
    """How many rows every table holds."""
    async with core.database.sessions() as session:
        counts: dict[str, int] = {}
        for table in Base.metadata.sorted_tables:
            query = select(func.count()).select_from(table)
            counts[table.name] = (await session.execute(query)).scalar_one()
        return counts


def test_every_command_belongs_to_exactly_one_job() -> None:
    registry = standalone_registry()
    for name in registry.commands:
        assert job_of(name) is not None, f"/{name} has no job in bot/features/help.py"
        assert sum(name in job.commands for job in JOBS) == 1, name
    for job in JOBS:
        assert set(job.short) <= set(job.commands), job.key


async def help_spans(core: Core, text: str, chat_kind: ChatKind, admin: bool = False) -> list[str]:
    """The span texts of /help's answer, as every adapter receives them."""
    chat = "g" if chat_kind is ChatKind.GROUP else "dm-bob"
    event = Message(
        Address("console", chat, "bob"),
        chat_kind,
        Sender("Bob", "bob", is_admin=admin),
        text,
        chat_title="g",
    )
    outbound = await core.router.handle(event, RecordingMessenger(platform="console"))
    assert outbound
    return [span.text for item in outbound for span in item.message.text]


async def test_help_shows_no_raw_markup_on_any_platform(core: Core) -> None:
    texts = [
        *await help_spans(core, "/help", ChatKind.GROUP, admin=True),
        *await help_spans(core, "/help", ChatKind.DM),
    ]
    for name in standalone_registry().commands:
        texts.extend(await help_spans(core, f"/help {name}", ChatKind.DM))
    for text in texts:
        assert "`" not in text, text
        assert "*" not in text, text
        assert not re.search(r"(^|\s)_|_($|\s)", text), text


async def test_group_help_is_short_and_grouped_and_points_to_the_dm(chat: ChatDriver) -> None:
    out = await chat.say("bob", "g", "/help")
    headings = ["Mentoring", "Tips", "Accountability", "Profile"]
    positions = [out.index(f"\n    {heading}\n") for heading in headings]
    assert positions == sorted(positions)
    assert "/ask — Ask for help" in out
    assert "send /help to me in a private chat" in out
    assert "Organizers" not in out  # only organizers see theirs
    assert "/promote" not in out
    assert "/unclaim" not in out  # short: the full list is in the DM
    chat.make_admin("olga", "g")
    assert "Organizers\n    /settings" in await chat.say("olga", "g", "/help")


async def test_dm_help_is_the_full_list_by_job(chat: ChatDriver) -> None:
    out = await chat.say("bob", None, "/help")
    registry = standalone_registry()
    for name, spec in registry.commands.items():
        assert f"/{name} — {spec.summary}" in out, name
    assert "/unclaim — Give request #N back to the open list (in a group)" in out
    assert out.index("Mentoring") < out.index("/unclaim") < out.index("Tips")


@pytest.mark.parametrize(
    ("command", "limit"),
    [
        ("ask", f"At most {MAX_REQUESTS_PER_HOUR} help requests per person per hour"),
        ("blocked", f"At most {MAX_REQUESTS_PER_HOUR} help requests per person per hour"),
        ("kudos", f"At most {DAILY_KUDOS} kudos per person per day"),
        ("tip", "At most 10 tips per person per hour"),
        ("claim", "At most 3 claimed requests per person at once"),
    ],
)
async def test_help_for_a_command_states_its_limits(
    chat: ChatDriver, command: str, limit: str
) -> None:
    out = await chat.say("bob", "g", f"/help {command}")
    assert limit in out
    assert "Example: /" in out


def test_readme_states_every_limit_from_the_constants() -> None:
    readme = README.read_text(encoding="utf-8")
    for command, limits in COMMAND_LIMITS.items():
        for limit in limits:
            sentence = limit.sentence.replace("{count}", str(limit.count))
            assert f"| `/{command}` | {sentence} |" in readme, command


@pytest.mark.parametrize(
    ("chat_id", "text", "answered"),
    [
        ("g", "/zzzz", False),  # another bot's command, in a group
        ("g", "/weather berlin", False),
        ("g", "/zzzz@otherbot", False),
        ("g", "/skills@otherbot pricing", False),  # a command of ours, for another bot
        ("g", "/zzzz@mentorbot", True),
        ("g", "/ZZZZ@MentorBot now", True),
        ("g", "/skils@mentorbot a", True),
        (None, "/zzzz", True),
        (None, "/weather berlin", True),
    ],
)
async def test_unknown_commands_are_answered_only_when_addressed(
    chat: ChatDriver, core: Core, chat_id: str | None, text: str, answered: bool
) -> None:
    before = await row_counts(core)
    out = await chat.say("newbie", chat_id, text)
    assert bool(out) is answered, out
    if answered:
        assert "I don't know /" in out
        assert "Send /help" in out
    assert await row_counts(core) == before


async def test_chatter_and_replies_no_handler_takes_leave_no_trace(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("olga", "g", "/join")
    before = await row_counts(core)
    for person in ("olga", "stranger"):  # a member, and someone the bot never saw
        for text in ("just chatting", "/zzzz", "x" * 5000, "/" + "y" * 40):
            chat.console.person, chat.console.chat = person, "g"
            event = chat.console._message(text)
            assert await core.router.handle(event, chat.console.messenger) == []
            reply = Message(
                event.address,
                event.chat_kind,
                event.sender,
                text,
                chat_title="g",
                reply_to_message_id="12345",  # someone else's message, not a ping
            )
            assert await core.router.handle(reply, chat.console.messenger) == []
    assert await row_counts(core) == before


def telegram_message(text: str, entities: list[dict[str, Any]], reply_from: Any = None) -> Update:
    payload: dict[str, Any] = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": 1,
            "chat": group(-1, "G"),
            "from": user(1, "Alice", "alice"),
            "text": text,
            "entities": entities,
        },
    }
    if reply_from is not None:
        payload["message"]["reply_to_message"] = {
            "message_id": 4,
            "date": 1,
            "chat": group(-1, "G"),
            "from": reply_from,
            "text": "earlier",
        }
    update = Update.de_json(payload, None)
    assert update is not None
    return update


def command_entity(text: str) -> list[dict[str, Any]]:
    return [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]


@pytest.mark.parametrize(
    ("text", "reply_from", "addressed"),
    [
        ("/zzzz", None, False),
        (f"/zzzz@{BOT_USERNAME}", None, True),
        (f"/zzzz@{BOT_USERNAME.upper()} now", None, True),
        ("/zzzz", THIS_BOT, True),
        ("/zzzz", OTHER_BOT, False),
        ("/zzzz", user(2, "Bob", "bob"), False),
        ("thanks!", THIS_BOT, True),
    ],
)
def test_telegram_knows_what_is_addressed_to_the_bot(
    text: str, reply_from: Any, addressed: bool
) -> None:
    entities = command_entity(text) if text.startswith("/") else []
    update = telegram_message(text, entities, reply_from)
    assert update.message is not None
    event = to_message(update.message, BOT_USERNAME)
    assert event is not None
    assert event.addressed_to_bot is addressed


def test_limit_sentences_read_as_whole_sentences() -> None:
    for limits in COMMAND_LIMITS.values():
        for limit in limits:
            text = plain(fmt(limit.sentence, {"count": limit.count}))
            assert text.startswith("At most "), text
            assert text.endswith("."), text
