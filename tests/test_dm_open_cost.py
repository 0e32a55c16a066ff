"""A DM from someone whose DM is open costs no wake-up transaction, and a DM that closed since
is still woken by their next message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.app import Core
from tests.harness import ChatDriver, FakeClock, deliver
from tests.sql_seen import statements
from tests.test_privacy import SECRET, queue_private


@contextmanager
def writes(core: Core) -> Iterator[list[str]]:
    """The UPDATE statements the engine runs inside the block."""
    with statements(core) as seen:
        updates: list[str] = []
        yield updates
    updates.extend(statement for statement in seen if statement.upper().startswith("UPDATE"))


async def test_a_dm_from_an_open_dm_runs_no_wake_up(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", None, "/help")  # the first DM opens it: flags written
    with writes(core) as updates:
        out = await chat.say("bob", None, "/streak")
    assert "streak" in out
    assert updates == []


async def test_the_first_dm_still_opens_it(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", "g", "/join")
    with writes(core) as updates:
        await chat.say("bob", None, "/streak")
    assert any(update.startswith("UPDATE accounts SET dm_opted_in") for update in updates)


async def test_a_dm_closed_since_the_last_one_is_woken_by_the_next(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("bob", "g", "/join")
    await chat.say("bob", None, "/help")  # open: later DMs skip the wake-up
    chat.console.messenger.unreachable.add("bob")  # then they block the bot
    await queue_private(core, clock, "bob", SECRET)
    out = await deliver(core, chat)
    assert SECRET not in out
    chat.console.messenger.unreachable.discard("bob")
    await chat.say("bob", None, "/streak")
    out = await deliver(core, chat)
    assert out.count(SECRET) == 1
    assert f"[dm bob] mentorbot: ⏰ Reminder: {SECRET}" in out
