"""Paged lists: Next / Previous buttons that carry their page, across changes and restarts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import delete, select

from adapters.console import render
from adapters.telegram.render import callback_data
from bot.app import Core
from bot.config import Settings
from bot.core.events import Address, Button, ButtonPress, ChatKind, Sender
from bot.core.paging import PAGE_ACTION
from storage.mentoring_repo import MentoringRepository
from storage.models import PagedQuery, Person, Tip
from storage.repo import NewCommunityDefaults, Repository
from storage.tips_repo import TipLibrary
from tests.harness import ChatDriver, FakeClock

_TIP_ID = re.compile(r"^\s*#(\d+) ", re.MULTILINE)


async def seed_tips(core: Core, clock: FakeClock, count: int, text: str = "Tip") -> list[int]:
    """`count` tips by Alice in group-a, oldest first."""
    ids: list[int] = []
    async with core.database.sessions() as session, session.begin():
        repo = Repository(session)
        defaults = NewCommunityDefaults("UTC", "en")
        group, _ = await repo.ensure_community(
            "console", "group-a", "group-a", defaults, clock.now()
        )
        author = await repo.ensure_account("console", "alice", "Alice", "alice", clock.now())
        library = TipLibrary(session)
        for number in range(count):
            tip = await library.add_tip(
                group.id, author.person_id, f"{text} number {number + 1}", [], clock.now()
            )
            ids.append(tip.id)
    return ids


async def seed_requests(core: Core, clock: FakeClock, count: int) -> None:
    """`count` open requests by Bob in group `g`, numbered 1…count."""
    async with core.database.sessions() as session, session.begin():
        repo = Repository(session)
        defaults = NewCommunityDefaults("UTC", "en")
        group, _ = await repo.ensure_community("console", "g", "g", defaults, clock.now())
        bob = await repo.ensure_account("console", "bob", "Bob", "bob", clock.now())
        person = await session.get(Person, bob.person_id)
        assert person is not None
        await repo.ensure_membership(group, person, clock.now())
        mentoring = MentoringRepository(session)
        for number in range(count):
            await mentoring.open_request(
                group.id, bob.person_id, f"Question {number + 1}", [], clock.now()
            )


def page_buttons(chat: ChatDriver) -> dict[str, Button]:
    """The latest Previous / Next buttons the bot showed, by label."""
    found: dict[str, Button] = {}
    for number in sorted(chat.console.messenger.buttons):
        button = chat.console.messenger.buttons[number].button
        if button.action == PAGE_ACTION:
            found[button.label] = button
    return found


async def press(core: Core, chat: ChatDriver, person: str, group: str, button: Button) -> str:
    """Presses a kept button (maybe long after it was shown) through the router."""
    kind = ChatKind.DM if group.startswith("dm:") else ChatKind.GROUP
    event = ButtonPress(
        Address("console", group, person),
        kind,
        Sender(person.title(), person),
        button.action,
        button.payload,
        chat_title=group,
    )
    replies = await core.router.handle(event, chat.console.messenger)
    return "\n".join(render(item.message.text) for item in replies)


def shown_ids(out: str) -> list[int]:
    return [int(number) for number in _TIP_ID.findall(out)]


@asynccontextmanager
async def restarted(db_url: str, clock: FakeClock) -> AsyncIterator[Core]:
    """A new core on the same database, as after a restart."""
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    fresh = Core(settings, clock=clock)
    await fresh.start()
    try:
        yield fresh
    finally:
        await fresh.stop()


async def test_three_pages_of_tips_next_and_previous(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    ids = await seed_tips(core, clock, 12)
    out = await chat.say("bob", "group-a", "/tips")
    assert shown_ids(out) == ids[::-1][:5]  # most helpful: equal votes, newest first
    assert "Page 1 of 3." in out
    assert "Next ▶" in out
    assert "Previous" not in out
    assert "Helpful #" in out  # each tip keeps its vote button
    out = await chat.press("bob", "Next ▶")
    assert shown_ids(out) == ids[::-1][5:10]
    assert "Page 2 of 3." in out
    assert "◀ Previous" in out
    assert "Next ▶" in out
    out = await chat.press("carol", "Next ▶")
    assert shown_ids(out) == ids[1::-1]
    assert "Page 3 of 3." in out
    assert "Next ▶" not in out
    out = await chat.press("bob", "◀ Previous")
    assert shown_ids(out) == ids[::-1][5:10]


async def test_a_page_pressed_after_the_list_changed_shows_it_as_it_is_now(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    ids = await seed_tips(core, clock, 12)
    await chat.say("bob", "group-a", "/tips")
    await chat.press("bob", "Next ▶")
    to_page_3 = page_buttons(chat)["Next ▶"]
    async with core.database.sessions() as session, session.begin():
        await session.execute(delete(Tip).where(Tip.id.in_(ids[:6])))  # 6 left: 2 pages
    out = await press(core, chat, "bob", "group-a", to_page_3)
    assert "Page 2 of 2." in out
    assert shown_ids(out) == [ids[6]]
    assert "Next ▶" not in out
    async with core.database.sessions() as session, session.begin():
        await session.execute(delete(Tip))
    out = await press(core, chat, "bob", "group-a", to_page_3)
    assert "The tip library is empty so far" in out


async def test_page_buttons_survive_a_restart(
    chat: ChatDriver, core: Core, clock: FakeClock, db_url: str
) -> None:
    ids = await seed_tips(core, clock, 12)
    await chat.say("bob", "group-a", "/tips")
    next_page = page_buttons(chat)["Next ▶"]
    async with restarted(db_url, clock) as fresh:
        out = await press(fresh, chat, "bob", "group-a", next_page)
    assert shown_ids(out) == ids[::-1][5:10]
    assert "Page 2 of 3." in out


async def test_a_long_query_is_kept_under_its_hash_and_survives_a_restart(
    chat: ChatDriver, core: Core, clock: FakeClock, db_url: str
) -> None:
    ids = await seed_tips(core, clock, 8, "Invoice reminder")
    query = "invoice reminders for late paying customers in the café and the workshop"
    out = await chat.say("bob", "group-a", f"/tips {query}")
    assert f"Tips for “{query}” (8 found" in out
    next_page = page_buttons(chat)["Next ▶"]
    assert query not in next_page.payload
    assert len(callback_data(next_page).encode()) <= 64  # Telegram's limit, checked loudly
    async with restarted(db_url, clock) as fresh:
        out = await press(fresh, chat, "bob", "group-a", next_page)
    assert f"Tips for “{query}”" in out
    assert "Page 2 of 2." in out
    assert len(shown_ids(out)) == 3
    assert set(shown_ids(out)) < set(ids)
    await chat.say("bob", "group-a", f"/tips {query}")  # the same query is stored once
    async with core.database.sessions() as session:
        assert len((await session.scalars(select(PagedQuery.key))).all()) == 1


async def test_a_short_query_rides_in_the_payload(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_tips(core, clock, 7, "Pricing advice")
    await chat.say("bob", "group-a", "/tips pricing")
    assert page_buttons(chat)["Next ▶"].payload == "tips|2|pricing"
    out = await chat.press("bob", "Next ▶")
    assert "Tips for “pricing”" in out
    assert "Page 2 of 2." in out


@pytest.mark.parametrize(
    ("payload", "reply"),
    [
        ("tips|x|", "That button no longer works"),
        ("tips|-1|", "That button no longer works"),
        ("tips|²|", "That button no longer works"),
        ("tips|9999999|", "That button no longer works"),
        ("nolist|2|", "That button no longer works"),
        ("", "That button no longer works"),
        ("tips|2|~0123456789abcdef0123", "That list is no longer known"),
    ],
)
async def test_forged_or_stale_page_buttons_get_a_clear_answer(
    chat: ChatDriver, core: Core, clock: FakeClock, payload: str, reply: str
) -> None:
    await seed_tips(core, clock, 7)
    out = await press(core, chat, "bob", "group-a", Button("Next ▶", PAGE_ACTION, payload))
    assert reply in out


async def test_a_page_past_the_end_shows_the_last_page(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    ids = await seed_tips(core, clock, 7)
    out = await press(core, chat, "bob", "group-a", Button("Next ▶", PAGE_ACTION, "tips|40|"))
    assert "Page 2 of 2." in out
    assert shown_ids(out) == ids[1::-1]


async def test_requests_are_paged_and_keep_their_filter(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_requests(core, clock, 13)
    await chat.say("bob", "g", "/close 13")
    out = await chat.say("bob", "g", "/requests all")
    assert "All requests (13; /request N shows one in full)" in out
    assert "Page 1 of 2." in out
    assert "#13" in out
    assert "#4 " in out
    assert "#3 " not in out
    out = await chat.press("bob", "Next ▶")
    assert "All requests (13" in out
    assert "#3 " in out
    assert "#1 " in out
    assert "#13" not in out
    out = await chat.say("bob", "g", "/requests")
    assert "Open requests (12" in out
    assert "#13" not in out


async def test_how_can_i_help_is_paged_in_a_dm(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_requests(core, clock, 12)
    await chat.say("mia", "g", "/join")
    out = await chat.say("mia", None, "how can I help?")
    assert "Page 1 of 2." in out
    assert re.search(r"I'll help #1$", out, re.MULTILINE)
    assert "I'll help #11" not in out
    out = await chat.press("mia", "Next ▶")
    assert "I'll help #11" in out
    assert "I'll help #12" in out
    assert "Page 2 of 2." in out
