"""Dashboard login by the Telegram Login Widget: Telegram's HMAC over the fields, a fresh
`auth_date`, an organizer's account; and nothing of it when it is not configured."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import AsyncIterator

import pytest

from bot.web.dashboard.deps import SESSION_COOKIE
from storage.models import Account
from storage.repo import Repository
from tests.dashboard_world import DashboardWorld, dashboard_world
from tests.harness import FakeClock

TOKEN = "123456:TEST-token-for-the-login-widget"
BOT = "mentor_test_bot"


@pytest.fixture
async def tg(db_url: str, clock: FakeClock) -> AsyncIterator[DashboardWorld]:
    """The dashboard world with the widget on; olga and bob also have Telegram accounts."""
    async for world in dashboard_world(
        db_url, clock, telegram_token=TOKEN, telegram_login_bot=f"@{BOT}"
    ):
        async with world.core.database.sessions() as session, session.begin():
            repo = Repository(session)
            for name, user_id in (("olga", "7001"), ("bob", "7002")):
                console = await repo.account("console", name)
                assert console is not None
                session.add(
                    Account(
                        person_id=console.person_id,
                        platform="telegram",
                        user_id=user_id,
                        display_name=name,
                        created_at=clock.now(),
                    )
                )
        yield world


def signed(fields: dict[str, str], token: str = TOKEN) -> dict[str, str]:
    """The fields with the hash Telegram would add (its documented algorithm)."""
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hashlib.sha256(token.encode()).digest()
    return {**fields, "hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()}


def widget_fields(world: DashboardWorld, user_id: str = "7001", age: int = 60) -> dict[str, str]:
    """What the widget sends for a user who logged in `age` seconds ago."""
    stamp = int(world.clock.now().timestamp()) - age
    return {
        "id": user_id,
        "first_name": "Olga",
        "username": "olga_tg",
        "photo_url": "https://t.me/i/userpic/320/olga.jpg",
        "auth_date": str(stamp),
    }


async def refused(world: DashboardWorld, params: dict[str, str]) -> None:
    """The callback answers 403 with the explanation and sets no cookie."""
    browser = world.browser()
    answer = await browser.get("/login/telegram", params=params)
    assert answer.status_code == 403, answer.text
    assert "set-cookie" not in answer.headers
    assert SESSION_COOKIE not in browser.cookies
    assert "/dashboard" in answer.text
    assert (await browser.get("/")).status_code == 303


async def test_a_signed_login_of_an_organizer_starts_a_session(tg: DashboardWorld) -> None:
    browser = tg.browser()
    answer = await browser.get("/login/telegram", params=signed(widget_fields(tg)))
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    flags = answer.headers["set-cookie"].split(";", 1)[1]
    by_link = await tg.browser().post(f"/login/{await tg.link('olga')}")
    assert flags == by_link.headers["set-cookie"].split(";", 1)[1]  # the same cookie flags
    assert "HttpOnly" in flags
    assert "SameSite=lax" in flags
    home = await browser.get("/")
    assert home.status_code == 200
    assert f'href="/c/{await tg.community_id("g")}/' in home.text
    assert f"/c/{await tg.community_id('h')}/" not in home.text


async def test_the_session_expires_when_idle_like_a_link_session(tg: DashboardWorld) -> None:
    browser = tg.browser()
    await browser.get("/login/telegram", params=signed(widget_fields(tg)))
    tg.clock.advance(hours=12, seconds=1)
    assert (await browser.get("/")).status_code == 303


async def test_a_hash_off_by_one_character_is_refused(tg: DashboardWorld) -> None:
    params = signed(widget_fields(tg))
    last = params["hash"][-1]
    params["hash"] = params["hash"][:-1] + ("0" if last != "0" else "1")
    await refused(tg, params)


async def test_a_hash_made_with_another_token_is_refused(tg: DashboardWorld) -> None:
    await refused(tg, signed(widget_fields(tg), token="999:another-bot"))


async def test_a_login_older_than_a_day_is_refused(tg: DashboardWorld) -> None:
    await refused(tg, signed(widget_fields(tg, age=86400 + 1)))


async def test_a_login_just_inside_a_day_works(tg: DashboardWorld) -> None:
    answer = await tg.browser().get(
        "/login/telegram", params=signed(widget_fields(tg, age=86400 - 1))
    )
    assert answer.status_code == 303


async def test_a_login_from_the_future_is_refused(tg: DashboardWorld) -> None:
    await refused(tg, signed(widget_fields(tg, age=-120)))


@pytest.mark.parametrize("field", ["id", "first_name", "auth_date", "username"])
async def test_a_field_changed_after_signing_is_refused(tg: DashboardWorld, field: str) -> None:
    params = signed(widget_fields(tg))
    params[field] = {"id": "7002", "auth_date": str(int(params["auth_date"]) + 1)}.get(
        field, "mallory"
    )
    await refused(tg, params)


@pytest.mark.parametrize("field", ["hash", "id", "auth_date", "first_name"])
async def test_a_missing_field_is_refused(tg: DashboardWorld, field: str) -> None:
    params = signed(widget_fields(tg))
    del params[field]
    await refused(tg, params)


async def test_an_added_or_repeated_field_is_refused(tg: DashboardWorld) -> None:
    params = signed(widget_fields(tg))
    await refused(tg, {**params, "last_name": "Extra"})
    browser = tg.browser()
    query = "&".join(f"{key}={value}" for key, value in params.items()) + "&id=7002"
    answer = await browser.get(f"/login/telegram?{query}")
    assert answer.status_code == 403
    assert SESSION_COOKIE not in browser.cookies


async def test_garbage_is_refused_without_a_traceback(tg: DashboardWorld) -> None:
    for params in (
        {},
        {"id": "x", "auth_date": "y", "hash": "z"},
        {**signed(widget_fields(tg)), "hash": "é" * 64},
        signed({**widget_fields(tg), "auth_date": "9" * 40}),
        signed({**widget_fields(tg), "id": "-5"}),
    ):
        await refused(tg, params)


async def test_a_member_who_organizes_nothing_is_refused(tg: DashboardWorld) -> None:
    await refused(tg, signed(widget_fields(tg, user_id="7002")))


async def test_an_unknown_telegram_user_is_refused(tg: DashboardWorld) -> None:
    await refused(tg, signed(widget_fields(tg, user_id="7999")))


async def test_the_login_page_shows_the_widget_and_allows_telegram(tg: DashboardWorld) -> None:
    page = await tg.browser().get("/login")
    assert page.status_code == 200
    assert f'data-telegram-login="{BOT}"' in page.text
    assert 'data-auth-url="http://dash.test/login/telegram"' in page.text
    assert 'src="https://telegram.org/js/telegram-widget.js' in page.text
    assert "/dashboard" in page.text  # the explanation still reads without JavaScript
    policy = page.headers["content-security-policy"]
    assert "script-src https://telegram.org;" in policy
    assert "frame-src https://oauth.telegram.org;" in policy
    assert TOKEN not in page.text
    other = await (await tg.login("olga")).get(f"/c/{await tg.community_id('g')}/")
    assert other.status_code == 200
    assert "telegram.org" not in other.headers["content-security-policy"]  # the login page only


async def test_nothing_of_it_when_not_configured(dash: DashboardWorld) -> None:
    browser = dash.browser()
    page = await browser.get("/login")
    assert page.status_code == 200
    assert "telegram" not in page.text.lower()
    assert "telegram.org" not in page.headers["content-security-policy"]
    answer = await browser.get("/login/telegram", params=signed(widget_fields(dash)))
    assert answer.status_code == 404
    assert "set-cookie" not in answer.headers


async def test_neither_the_token_nor_the_hash_is_logged(
    tg: DashboardWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    good = signed(widget_fields(tg))
    bad = {**good, "hash": "0" * 64}
    assert (await tg.browser().get("/login/telegram", params=good)).status_code == 303
    assert (await tg.browser().get("/login/telegram", params=bad)).status_code == 403
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    # (the test client's own request lines are left out: they are not the bot's log)
    for secret in (TOKEN, good["hash"], "0" * 64):
        assert not [line for line in ours if secret in line]
