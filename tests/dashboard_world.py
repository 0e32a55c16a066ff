"""Fixtures for dashboard tests: a core with a web address, people in chats, and browsers
(httpx clients with their own cookie jars) logged in through real `/dashboard` links."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from bot.app import Core
from bot.config import Settings
from bot.web.dashboard.deps import SESSION_COOKIE
from tests.harness import ChatDriver, FakeClock

BASE_URL = "http://dash.test"
LINK = re.compile(r"/login/([A-Za-z0-9_\-]+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def link_token(output: str) -> str:
    """The token of the login link in the bot's answer."""
    found = LINK.search(output)
    assert found is not None, output
    return found.group(1)


def csrf_of(html: str) -> str:
    """The hidden CSRF field of a page's forms."""
    found = CSRF.search(html)
    assert found is not None, html[:500]
    return found.group(1)


@dataclass
class DashboardWorld:
    """One community `g` (console): olga administers the chat, mia is a mentor, bob a
    member; and `h`, another community that only zed organizes."""

    core: Core
    chat: ChatDriver
    clock: FakeClock
    browsers: list[httpx.AsyncClient] = field(default_factory=list)

    def browser(self) -> httpx.AsyncClient:
        """A fresh browser on the app (no cookies), closed at the end of the test."""
        transport = httpx.ASGITransport(app=self.core.web_app())
        client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        self.browsers.append(client)
        return client

    async def link(self, person: str, chat: str | None = "g") -> str:
        """A fresh login token asked by `person` with /dashboard."""
        return link_token(await self.chat.say(person, chat, "/dashboard"))

    async def login(self, person: str, chat: str | None = "g") -> httpx.AsyncClient:
        """A browser logged in as `person`."""
        browser = self.browser()
        response = await browser.post(f"/login/{await self.link(person, chat)}")
        assert response.status_code == 303, response.text
        assert SESSION_COOKIE in browser.cookies
        return browser

    async def community_id(self, chat_id: str) -> int:
        """The id of the console community of a chat."""
        async with self.core.database.sessions() as session:
            from storage.repo import Repository

            found = await Repository(session).community("console", chat_id)
            assert found is not None
            return found.id


@pytest.fixture
async def dash(db_url: str, clock: FakeClock) -> AsyncIterator[DashboardWorld]:
    """The dashboard world on each database."""
    async for world in dashboard_world(db_url, clock):
        yield world


async def dashboard_world(
    db_url: str, clock: FakeClock, **settings: object
) -> AsyncIterator[DashboardWorld]:
    """The dashboard world with these extra settings (a Telegram login, say)."""
    configured = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=db_url, web_base_url=BASE_URL, **settings
    )
    core = Core(configured, clock=clock)
    await core.start()
    chat = ChatDriver(core)
    core.attach(chat.console.messenger)  # the admin half of the organizer rule asks it
    chat.make_admin("olga", "g")
    for person in ("olga", "bob", "mia"):
        await chat.say(person, "g", "/join")
    await chat.say("olga", "g", "/promote @mia mentor")  # mentors post tips
    chat.make_admin("zed", "h")
    await chat.say("zed", "h", "/join")
    world = DashboardWorld(core, chat, clock)
    yield world
    for browser in world.browsers:
        await browser.aclose()
    await core.stop()
