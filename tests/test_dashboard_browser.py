"""The dashboard in a real browser (issue #17's done-when): `mentorbot run` with the console
and a web port; headless Chromium (Debian's package, driven by Playwright) logs in through
the `/dashboard` link the console prints, reads the overview and its chart, moves a schedule
and deletes a tip, and the bot follows: the ping fires at the new time, `/tips` forgets the
tip. A screenshot of each page goes to `build/screenshots/`.

Skipped when Chromium or Playwright is absent, unless `MENTORBOT_REQUIRE_BROWSER` is set
(CI sets it), where it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.ops_process import ROOT, BotProcess, bot_env
from tests.ports import free_port

SCREENSHOTS = ROOT / "build" / "screenshots"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/login/[A-Za-z0-9_\-]+)")
PAGES = ("requests", "checkins", "program", "settings")


def _chromium() -> str:
    """Debian's chromium, or a skip (a failure when the browser test is required)."""
    found = os.environ.get("MENTORBOT_CHROMIUM") or shutil.which("chromium")
    missing = None if found else "chromium is not installed (apt-get install chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed (pip install playwright)"
    if missing is not None:
        if os.environ.get("MENTORBOT_REQUIRE_BROWSER"):
            pytest.fail(f"the browser test is required but {missing}")
        pytest.skip(missing)
    assert found is not None
    return found


def _soon(now: datetime) -> str:
    """The first whole minute at least 10 s ahead, as the page's `HH:MM` (the group is UTC)."""
    ahead = now + timedelta(seconds=10)
    return (ahead.replace(second=0, microsecond=0) + timedelta(minutes=1)).strftime("%H:%M")


async def test_an_organizer_uses_the_dashboard_in_chromium(tmp_path: Path) -> None:
    from playwright.async_api import async_playwright, expect

    chromium = _chromium()
    port = free_port()
    bot = BotProcess(
        bot_env(
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
            WEB_PORT=str(port),
            WEB_BASE_URL=f"http://127.0.0.1:{port}",
        ),
        tmp_path,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await bot.start()
    try:
        await bot.wait_for_output("> ")
        for line in (
            "/as bob",
            "/in g",
            "/join",
            "/ask How do I price hand-made candles? #pricing",
            "/checkin photograph the new mugs",
            "/as olga",
            "/admin",
            "/join",
            "/tip Price by the hour, not by the piece #pricing",
            "/tip Photograph products in daylight #photo",
            "/schedule checkin 09:00",
            "/program new Spring mentoring",
            "/dashboard",
        ):
            await bot.send(line)
        await bot.wait_for_output("I sent you the dashboard link privately")
        link = LINK.search("".join(bot.stdout))
        assert link is not None, bot.stdout

        async with async_playwright() as driver:
            browser = await driver.chromium.launch(executable_path=chromium, headless=True)
            page = await browser.new_page(viewport={"width": 1000, "height": 800})
            await page.goto(link.group(1))  # a GET only shows the confirmation
            await page.get_by_role("button", name="Log in").click()
            await page.get_by_role("link", name="g", exact=True).click()

            await expect(page.get_by_role("heading", name="Overview")).to_be_visible()
            await expect(page.locator("svg.chart")).to_be_visible()
            assert await page.locator("svg.chart rect").count() > 0
            await expect(page.get_by_text("How do I price hand-made candles?")).to_be_visible()
            overview = page.url
            await page.screenshot(path=SCREENSHOTS / "overview.png", full_page=True)

            await page.get_by_role("link", name="Schedules").click()
            new_time = _soon(datetime.now(UTC))
            await page.locator("input[name=time]").first.fill(new_time)
            await page.get_by_role("button", name="Save").first.click()
            await expect(page.get_by_text(f"{new_time} ·").first).to_be_visible()
            await page.screenshot(path=SCREENSHOTS / "schedules.png", full_page=True)

            await page.get_by_role("link", name="Tips").click()
            await page.get_by_role("button", name="Delete tip #1").click()
            await expect(page.get_by_text("Price by the hour")).to_have_count(0)
            kept = page.locator("article p", has_text="Photograph products in daylight")
            await expect(kept).to_be_visible()
            await page.screenshot(path=SCREENSHOTS / "tips.png", full_page=True)

            for name in PAGES:
                await page.goto(f"{overview.rstrip('/')}/{name}")
                await expect(page.locator("h1")).to_be_visible()
                await page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
            await page.set_viewport_size({"width": 390, "height": 844})  # a phone
            await page.goto(f"{overview.rstrip('/')}/requests")
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, "the requests page scrolls sideways on a phone"
            await page.screenshot(path=SCREENSHOTS / "requests-phone.png", full_page=True)
            await page.goto(overview)
            await expect(page.get_by_text("deleted tip")).to_be_visible()
            await expect(page.get_by_text("changed schedule")).to_be_visible()
            await browser.close()

        start = len(bot.stdout)
        await bot.send("/tips")
        await bot.wait_for_output("Helpful #2")
        said = "".join(bot.stdout[start:])
        assert "(1 in all)" in said
        assert "Price by the hour" not in said
        await bot.wait_for_output("Check-in for")  # the ping, at the time set on the page
        code, _, err = await bot.finish()
        assert code == 0, err
    finally:
        await bot.kill()
