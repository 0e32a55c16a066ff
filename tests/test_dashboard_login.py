"""Dashboard login: one-time links (GET spends nothing), sessions, cookie flags, idle expiry,
logout, CSRF, and `/dashboard` itself."""

from __future__ import annotations

import re

import httpx

from bot.web.dashboard.deps import SESSION_COOKIE
from tests.dashboard_world import DashboardWorld, csrf_of, link_token


async def test_get_shows_a_confirmation_and_spends_nothing(dash: DashboardWorld) -> None:
    token = await dash.link("olga")
    browser = dash.browser()
    for _ in range(3):  # link previews and a curious person
        page = await browser.get(f"/login/{token}")
        assert page.status_code == 200
        assert f'action="/login/{token}"' in page.text
        assert SESSION_COOKIE not in browser.cookies
    logged_in = await browser.post(f"/login/{token}")
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == "/"
    assert SESSION_COOKIE in browser.cookies
    home = await browser.get("/")
    assert home.status_code == 200
    assert 'href="/c/' in home.text


async def test_a_used_link_is_refused_and_sets_no_cookie(dash: DashboardWorld) -> None:
    token = await dash.link("olga")
    first = dash.browser()
    assert (await first.post(f"/login/{token}")).status_code == 303
    second = dash.browser()
    for method in ("GET", "POST"):
        refused = await second.request(method, f"/login/{token}")
        assert refused.status_code == 403
        assert "/dashboard" in refused.text
        assert "set-cookie" not in refused.headers
    assert SESSION_COOKIE not in second.cookies


async def test_an_expired_link_is_refused(dash: DashboardWorld) -> None:
    token = await dash.link("olga")
    dash.clock.advance(minutes=10, seconds=1)
    browser = dash.browser()
    assert (await browser.get(f"/login/{token}")).status_code == 403
    refused = await browser.post(f"/login/{token}")
    assert refused.status_code == 403
    assert "set-cookie" not in refused.headers


async def test_a_link_just_inside_ten_minutes_works(dash: DashboardWorld) -> None:
    token = await dash.link("olga")
    dash.clock.advance(minutes=9, seconds=59)
    assert (await dash.browser().post(f"/login/{token}")).status_code == 303


async def test_forged_and_unknown_links_are_refused(dash: DashboardWorld) -> None:
    token = await dash.link("olga")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    browser = dash.browser()
    for bad in (forged, "unknown", "x" * 300, "%00", "%E2%9C%93"):
        for method in ("GET", "POST"):
            refused = await browser.request(method, f"/login/{bad}")
            assert refused.status_code == 403, (bad, method)
            assert "set-cookie" not in refused.headers
    assert (await browser.post(f"/login/{token}")).status_code == 303  # the real one still works


async def test_only_a_hash_of_the_token_is_stored(dash: DashboardWorld) -> None:
    token = await dash.link("olga")
    async with dash.core.database.sessions() as session:
        from sqlalchemy import select

        from storage.dashboard_models import DashboardLink

        stored = list((await session.scalars(select(DashboardLink.token_hash))).all())
    assert stored
    assert token not in stored
    assert all(len(value) == 64 for value in stored)


async def test_cookie_flags_over_http(dash: DashboardWorld) -> None:
    browser = dash.browser()
    response = await browser.post(f"/login/{await dash.link('olga')}")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie


async def test_idle_sessions_expire_after_12_hours(dash: DashboardWorld) -> None:
    browser = await dash.login("olga")
    dash.clock.advance(hours=11, minutes=59)
    assert (await browser.get("/")).status_code == 200  # seen: idle time starts again
    dash.clock.advance(hours=11, minutes=59)
    assert (await browser.get("/")).status_code == 200
    dash.clock.advance(hours=12, seconds=1)
    expired = await browser.get("/")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/login"


async def test_logout_ends_the_session_on_the_server(dash: DashboardWorld) -> None:
    browser = await dash.login("olga")
    cookie = browser.cookies[SESSION_COOKIE]
    home = await browser.get("/")
    out = await browser.post("/logout", data={"csrf": csrf_of(home.text)})
    assert out.status_code == 303
    replay = dash.browser()  # someone who kept the cookie
    replay.cookies.set(SESSION_COOKIE, cookie)
    assert (await replay.get("/")).status_code == 303


async def test_logout_without_csrf_is_refused(dash: DashboardWorld) -> None:
    browser = await dash.login("olga")
    for data in ({}, {"csrf": "wrong"}):
        assert (await browser.post("/logout", data=data)).status_code == 403
    assert (await browser.get("/")).status_code == 200  # still logged in


async def test_logged_out_requests_go_to_the_login_help(dash: DashboardWorld) -> None:
    browser = dash.browser()
    community = await dash.community_id("g")
    for path in ("/", f"/c/{community}/", f"/c/{community}/tips"):
        response = await browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
    page = await browser.get("/login")
    assert page.status_code == 200
    assert "/dashboard" in page.text


async def test_members_cannot_get_a_link(dash: DashboardWorld) -> None:
    for chat in ("g", None):
        out = await dash.chat.say("mia", chat, "/dashboard")
        assert "Only organizers" in out
        assert "/login/" not in out


async def test_an_organizer_asks_in_a_dm_too(dash: DashboardWorld) -> None:
    await dash.chat.say("olga", "g", "/promote @bob organizer")
    out = await dash.chat.say("bob", None, "/dashboard")
    assert (await dash.browser().post(f"/login/{link_token(out)}")).status_code == 303


async def test_https_base_url_makes_the_cookie_secure(db_url: str, clock: object) -> None:
    from bot.app import Core
    from bot.config import Settings
    from tests.harness import ChatDriver

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=db_url, web_base_url="https://dash.example.org"
    )
    core = Core(settings, clock=clock)  # type: ignore[arg-type]
    await core.start()
    try:
        chat = ChatDriver(core)
        chat.make_admin("olga", "g")
        core.attach(chat.console.messenger)
        out = await chat.say("olga", "g", "/dashboard")
        assert "https://dash.example.org/login/" in out
        transport = httpx.ASGITransport(app=core.web_app())
        async with httpx.AsyncClient(
            transport=transport, base_url="https://dash.example.org"
        ) as browser:
            response = await browser.post(f"/login/{link_token(out)}")
        cookie = response.headers["set-cookie"].lower()
        assert "; secure" in cookie
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
    finally:
        await core.stop()


async def test_in_a_group_only_a_notice_shows_and_the_link_goes_to_the_dm(
    dash: DashboardWorld,
) -> None:
    out = await dash.chat.say("olga", "g", "/dashboard")
    group_lines = [line for line in out.splitlines() if line.startswith("[g]")]
    assert group_lines == ["[g] mentorbot: 📬 I sent you the dashboard link privately."]
    assert out.startswith("[dm olga]")
    assert "http://dash.test/login/" in out


async def test_without_a_web_port_the_dashboard_is_off(chat: object) -> None:
    from tests.harness import ChatDriver

    assert isinstance(chat, ChatDriver)
    chat.make_admin("olga", "g")
    out = await chat.say("olga", "g", "/dashboard")
    assert "The dashboard is off" in out
    assert "WEB_PORT" in out
    assert "/login/" not in out


async def test_the_whole_login_over_real_http_with_uvicorn(dash: DashboardWorld) -> None:
    from bot.web.server import WebServer, bind

    server = WebServer(dash.core.web_app(), bind("127.0.0.1", 0))
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as browser:
            token = await dash.link("olga")
            confirm = await browser.get(f"/login/{token}")
            assert confirm.status_code == 200
            assert confirm.headers["referrer-policy"] == "same-origin"
            assert "frame-ancestors 'none'" in confirm.headers["content-security-policy"]
            logged_in = await browser.post(f"/login/{token}")
            assert logged_in.status_code == 303
            home = await browser.get("/")
            assert home.status_code == 200
            found = re.search(r'href="(/c/\d+/)"', home.text)
            assert found, home.text
            overview = found.group(1)
            page = await browser.get(overview)
            assert page.status_code == 200
            assert "<svg" in page.text
            css = await browser.get("/static/dashboard.css")
            assert css.headers["content-type"].startswith("text/css")
            assert (await browser.get("/healthz")).status_code == 200  # ops routes still there
            out = await browser.post("/logout", data={"csrf": csrf_of(page.text)})
            assert out.status_code == 303
            assert (await browser.get(overview)).status_code == 303
    finally:
        await server.stop()


async def test_a_login_posted_from_another_site_is_refused(dash: DashboardWorld) -> None:
    token = await dash.link("olga")
    browser = dash.browser()
    foreign = await browser.post(f"/login/{token}", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "set-cookie" not in foreign.headers
    same = await browser.post(f"/login/{token}", headers={"Origin": "http://dash.test"})
    assert same.status_code == 303


async def test_login_pages_speak_the_browsers_language(dash: DashboardWorld) -> None:
    browser = dash.browser()
    page = await browser.get("/login", headers={"Accept-Language": "fr;q=0.9, es-419, en;q=0.5"})
    assert 'lang="es"' in page.text
    assert "Entra al panel" in page.text
    taiwan = await browser.get("/login/unknown", headers={"Accept-Language": "zh-TW"})
    assert taiwan.status_code == 403
    assert "這個登入連結無法使用" in taiwan.text
    for header in ("", "*", "q=;;,", "xx-YY"):
        assert (
            "Log in to the dashboard"
            in (await browser.get("/login", headers={"Accept-Language": header})).text
        )


async def test_forgetme_ends_the_persons_sessions_and_links(dash: DashboardWorld) -> None:
    await dash.chat.say("olga", "g", "/promote @bob organizer")
    browser = await dash.login("bob")
    spare = await dash.link("bob")
    assert (await browser.get("/")).status_code == 200
    await dash.chat.say("bob", None, "/forgetme")
    await dash.chat.press("bob", "Delete everything")
    assert (await browser.get("/")).status_code == 303
    assert (await dash.browser().post(f"/login/{spare}")).status_code == 403
