"""On PostgreSQL a schedule moved through a process that does not schedule (`mentorbot web`)
re-plans the scheduling process at once (NOTIFY / LISTEN)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from bot.app import Core
from bot.web.dashboard import build_pages
from storage.models import Schedule
from tests.dashboard_world import BASE_URL, DashboardWorld, csrf_of

PAGES = build_pages()


async def _until(condition: object, what: str) -> None:
    """Waits for a condition (a callable) with a generous bound; never a timing assertion."""
    assert callable(condition)
    try:
        async with asyncio.timeout(30):
            while not condition():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"never: {what}") from None


async def test_a_change_in_the_web_process_replans_the_scheduler(
    dash: DashboardWorld, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes share only PostgreSQL")
    assert "Scheduled" in await dash.chat.say("olga", "g", "/schedule checkin 09:00 weekdays")
    async with dash.core.database.sessions() as session:
        schedule = await session.scalar(select(Schedule.id).where(Schedule.kind == "checkin"))
    assert schedule is not None
    engine = dash.core.schedules
    await dash.core.start_delivery()  # the bot process: elected scheduler
    await _until(lambda: engine.planned(schedule) is not None, "the scheduler plans")
    assert engine.planned(schedule) == datetime(2026, 11, 24, 9, tzinfo=UTC)

    web_only = Core(dash.core.settings, clock=dash.clock)  # like `mentorbot web`: no delivery
    await web_only.start()
    try:
        await dash.chat.say("olga", "g", "/promote @bob organizer")  # a stored organizer
        token = await dash.link("bob")
        transport = httpx.ASGITransport(app=web_only.web_app())
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as browser:
            assert (await browser.post(f"/login/{token}")).status_code == 303
            community = await dash.community_id("g")
            page = await browser.get(PAGES.url("schedules", community))
            assert page.status_code == 200
            moved = await browser.post(
                PAGES.url("schedule_edit", community, schedule_id=schedule),
                data={"csrf": csrf_of(page.text), "time": "12:01", "days": "daily"},
            )
            assert moved.status_code == 303
        next_minute = datetime(2026, 11, 23, 12, 1, tzinfo=UTC)
        await _until(lambda: engine.planned(schedule) == next_minute, "re-planned at 12:01")
    finally:
        await web_only.stop()
