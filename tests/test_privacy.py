"""Private text never reaches a group: it waits for the DM, and the group hears only a notice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.console import INFO as CONSOLE_INFO
from adapters.discord.messenger import INFO as DISCORD_INFO
from adapters.telegram.render import keyboard
from bot.app import Core
from bot.core.events import (
    Address,
    Button,
    ChatKind,
    Message,
    Outbound,
    OutMessage,
    Sender,
)
from bot.core.markup import fmt, plain
from bot.core.messenger import RecipientUnreachable
from bot.delivery.outbox import enqueue
from bot.delivery.serialize import dump_message, load_message
from bot.features.notify import DM_NEEDS_OPT_IN
from storage.models import Account, OutboxMessage, OutboxStatus, Person
from storage.outbox_repo import Delivery
from storage.privacy_repo import WAITING_FOR_DM
from tests.harness import ChatDriver, FakeClock, RecordingMessenger, deliver

SECRET = "pay-rent-secret-417"


def group_lines(output: str) -> list[str]:
    """Every line the bot posted in a group (a message's continuation lines included)."""
    found: list[str] = []
    inside = False
    for line in output.splitlines():
        if line.startswith("["):
            inside = not line.startswith("[dm ")
        if inside:
            found.append(line)
    return found


async def person_id(core: Core, user_id: str) -> int:
    async with core.database.sessions() as session:
        found = await session.scalar(select(Account.person_id).where(Account.user_id == user_id))
    assert found is not None
    return found


async def queue_private(core: Core, clock: FakeClock, user_id: str, text: str) -> None:
    """A reminder-like row: addressed to the person, with their group to fall back to."""
    person = await person_id(core, user_id)
    async with core.database.sessions() as session, session.begin():
        await enqueue(
            session,
            f"reminder:{text}",
            Delivery("console", user_id=user_id, fallback_chat_id="g", person_id=person),
            OutMessage(fmt("⏰ Reminder: {text}", {"text": text})),
            due_at=clock.now(),
            now=clock.now(),
        )


async def rows(core: Core) -> list[tuple[str, str, str | None]]:
    async with core.database.sessions() as session:
        found = await session.execute(
            select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.last_error).order_by(
                OutboxMessage.id
            )
        )
        return [(key, status, error) for key, status, error in found.all()]


@pytest.mark.parametrize("opening", ["/start", "/start dm", "hello", "/help"])
async def test_an_outbox_dm_waits_for_the_person_and_the_group_hears_no_text(
    chat: ChatDriver, core: Core, clock: FakeClock, opening: str
) -> None:
    await chat.say("bob", "g", "/join")
    chat.console.messenger.unreachable.add("bob")
    await queue_private(core, clock, "bob", SECRET)
    out = await deliver(core, chat)
    assert SECRET not in out
    notices = [line for line in group_lines(out) if "private message for you" in line]
    assert notices == [
        "[g] mentorbot: @Bob, I have a private message for you, but I can't send "
        "it to you by DM yet."
    ]
    assert (f"reminder:{SECRET}", OutboxStatus.PENDING.value, WAITING_FOR_DM) in await rows(core)
    clock.advance(minutes=30)
    assert await deliver(core, chat) == ""  # waiting quietly: no second notice, no text
    chat.console.messenger.unreachable.discard("bob")
    await chat.say("bob", None, opening)
    out = await deliver(core, chat)
    assert out.count(SECRET) == 1
    assert f"[dm bob] mentorbot: ⏰ Reminder: {SECRET}" in out
    assert await deliver(core, chat) == ""


async def test_a_waiting_dm_past_its_grace_is_skipped_and_never_posted(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("bob", "g", "/join")
    chat.console.messenger.unreachable.add("bob")
    await queue_private(core, clock, "bob", SECRET)
    first = await deliver(core, chat)
    clock.advance(hours=2, seconds=2)
    later = await deliver(core, chat)
    chat.console.messenger.unreachable.discard("bob")
    await chat.say("bob", None, "/start")
    after = await deliver(core, chat)
    assert SECRET not in "\n".join([first, later, after])
    statuses = {key: status for key, status, _ in await rows(core)}
    assert statuses[f"reminder:{SECRET}"] == OutboxStatus.SKIPPED.value


async def test_a_private_reply_waits_and_arrives_once_after_start(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("bob", "g", "/skills candlemaking")
    chat.console.messenger.unreachable.add("bob")
    out = await chat.say("bob", "g", "/profile")
    assert out.startswith("[g] mentorbot: @Bob, I have a private message for you")
    assert "(/dm) and send /start" in out
    assert "candlemaking" not in out
    again = await chat.say("bob", "g", "/profile")  # a second one waits without a second notice
    assert again == ""
    assert "candlemaking" not in await deliver(core, chat)  # still closed: nothing anywhere
    chat.console.messenger.unreachable.discard("bob")
    await chat.say("bob", None, "/start")
    out = await deliver(core, chat)
    assert out.count("[dm bob] mentorbot: **Bob**") + out.count("[dm bob] mentorbot: Bob") == 2
    assert out.count("candlemaking") == 2
    assert group_lines(out) == []
    assert await deliver(core, chat) == ""


async def test_one_notice_per_person_and_group_per_window(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("bob", "g", "/join")
    chat.console.messenger.unreachable.add("bob")
    assert "private message for you" in await chat.say("bob", "g", "/profile")
    clock.advance(hours=1)
    assert await chat.say("bob", "g", "/profile") == ""
    clock.advance(hours=6)
    assert "private message for you" in await chat.say("bob", "g", "/profile")


class _DmClosedFor(RecordingMessenger):
    """DMs to one person fail; everything else is recorded."""

    closed: str = ""

    async def send_dm(self, user_id: str, message: OutMessage, *, key: str | None = None) -> str:
        if user_id == self.closed:
            raise RecipientUnreachable("closed")
        return await super().send_dm(user_id, message, key=key)


def _event(platform: str, user: str) -> Message:
    return Message(
        Address(platform, "chan", user), ChatKind.GROUP, Sender(user.title()), "/x", "chan"
    )


@pytest.mark.parametrize("platform", ["discord", "telegram", "console"])
async def test_one_unreachable_dm_does_not_drop_the_other_replies(
    core: Core, platform: str
) -> None:
    messenger = _DmClosedFor(platform=platform)
    messenger.closed = "ann"
    outbound = [
        Outbound(OutMessage(fmt("first public")), chat_id="chan"),
        Outbound(OutMessage(fmt(SECRET)), user_id="ann"),
        Outbound(OutMessage(fmt("for zed")), user_id="zed"),
        Outbound(OutMessage(fmt(SECRET)), private=True),
        Outbound(OutMessage(fmt("last public"))),
    ]
    messenger.closed = "ann"
    await core.router.replies.deliver(messenger, _event(platform, "ann"), outbound)
    sent = [(kind, target, plain(message.text)) for kind, target, message, _ in messenger.sent]
    assert [s for s in sent if s[0] == "dm"] == [("dm", "zed", "for zed")]
    chat_texts = [text for kind, _, text in sent if kind == "chat"]
    assert chat_texts[0] == "first public"
    assert chat_texts[-1] == "last public"
    assert sum("private message for you" in text for text in chat_texts) == 1  # one notice
    assert all(SECRET not in text for text in chat_texts)


async def test_an_adapter_answer_keeps_private_replies_ephemeral(core: Core) -> None:
    messenger = RecordingMessenger(platform="discord")
    answered: list[tuple[str, bool]] = []

    async def here(message: OutMessage, private: bool) -> bool:
        answered.append((plain(message.text), private))
        return True

    outbound = [
        Outbound(OutMessage(fmt("everyone"))),
        Outbound(OutMessage(fmt(SECRET)), private=True),
    ]
    await core.router.replies.deliver(messenger, _event("discord", "ann"), outbound, here=here)
    assert answered == [("everyone", False), (SECRET, True)]
    assert messenger.sent == []


def test_url_buttons_survive_the_outbox_and_render_as_links() -> None:
    link = Button("Open a DM", "open-dm", url="https://t.me/mentor_bot?start=dm")
    message = OutMessage(fmt("hi"), ((link, Button("Cancel", "forget-no", "3")),))
    assert load_message(dump_message(message)) == message
    markup = keyboard(message.buttons)
    assert markup is not None
    row = markup.inline_keyboard[0]
    assert (row[0].url, row[0].callback_data) == ("https://t.me/mentor_bot?start=dm", None)
    assert row[1].callback_data == "forget-no:3"


def test_discord_renders_a_url_button_as_a_link() -> None:
    from adapters.discord.render import view

    rendered = view(((Button("Open", "open-dm", url="https://example.org/dm"),),))
    assert rendered is not None
    item = rendered.children[0]
    assert getattr(item, "url", None) == "https://example.org/dm"


def test_platform_facts_agree_with_can_dm() -> None:
    for info in (CONSOLE_INFO, DISCORD_INFO):
        assert info.dm_needs_opt_in == (info.name in DM_NEEDS_OPT_IN)
        assert "/start" not in info.open_dm_help or info.name == "console"
    assert "telegram" in DM_NEEDS_OPT_IN
    assert "Allow direct messages" in DISCORD_INFO.open_dm_help


async def test_forgotten_person_leaves_no_waiting_notice(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("bob", "g", "/join")
    chat.console.messenger.unreachable.add("bob")
    await queue_private(core, clock, "bob", SECRET)
    await deliver(core, chat)
    chat.console.messenger.unreachable.discard("bob")
    await chat.say("bob", None, "/forgetme")
    await chat.press("bob", "Delete everything")
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        left = (await session.scalars(select(OutboxMessage.payload))).all()
    assert all(SECRET not in payload for payload in left)
    clock.advance(minutes=1)
    assert SECRET not in await deliver(core, chat)
