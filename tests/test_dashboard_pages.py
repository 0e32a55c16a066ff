"""Dashboard pages: the authorization matrix over every registered page and action, demotion,
CSRF on changes, tip edits under `/tip edit`'s rules, schedules that re-plan at once."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from bot.web.dashboard import build_pages
from storage.models import Schedule, Tip
from tests.dashboard_world import DashboardWorld, csrf_of

PAGES = build_pages()


async def _as(dash: DashboardWorld, who: str) -> httpx.AsyncClient:
    """A browser for each row of the matrix."""
    if who == "organizer":
        return await dash.login("olga")
    if who == "member":  # a member who once organized: the link works, the pages do not
        await dash.chat.say("olga", "g", "/promote @bob organizer")
        browser = await dash.login("bob")
        await dash.chat.say("olga", "g", "/demote @bob")
        return browser
    if who == "other organizer":
        return await dash.login("zed", "h")
    return dash.browser()


EXPECTED = {"organizer": 200, "member": 404, "other organizer": 404, "logged out": 303}


@pytest.mark.parametrize("who", list(EXPECTED))
async def test_authorization_matrix_over_every_registered_page(
    dash: DashboardWorld, who: str
) -> None:
    community = await dash.community_id("g")
    browser = await _as(dash, who)
    home = await browser.get("/")
    csrf = csrf_of(home.text) if home.status_code == 200 else "none"
    failures = []
    for name in PAGES.pages:
        url = PAGES.url(name, community)
        response = await browser.get(url)
        if response.status_code != EXPECTED[who]:
            failures.append(f"GET {name} {url} as {who}: {response.status_code}")
        elif who == "organizer":
            assert "<h1>" in response.text
            assert "g" in response.text
    if who != "organizer":  # form actions refuse the same way, even with a valid CSRF field
        for name, action in PAGES.actions.items():
            params = {key: "1" for key in re.findall(r"\{(\w+)", action.path)}
            url = PAGES.url(name, community, **params)
            response = await browser.post(url, data={"csrf": csrf})
            if response.status_code != EXPECTED[who]:
                failures.append(f"POST {name} {url} as {who}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert PAGES.pages, "no page registered"


async def test_unknown_and_foreign_community_ids_answer_the_same_404(dash: DashboardWorld) -> None:
    browser = await dash.login("olga")
    foreign = await dash.community_id("h")
    answers = [await browser.get(f"/c/{cid}/") for cid in (foreign, 987654, "abc", "١")]
    assert {answer.status_code for answer in answers} == {404}
    assert len({answer.text for answer in answers}) == 1


async def test_an_organizer_demoted_while_logged_in_is_refused_next(dash: DashboardWorld) -> None:
    await dash.chat.say("olga", "g", "/promote @bob organizer")
    browser = await dash.login("bob")
    overview = PAGES.url("overview", await dash.community_id("g"))
    assert (await browser.get(overview)).status_code == 200
    assert "is now a member" in await dash.chat.say("olga", "g", "/demote @bob")
    assert (await browser.get(overview)).status_code == 404
    home = await browser.get("/")
    assert "You organize no community right now" in home.text


async def test_a_chat_admin_is_an_organizer_like_in_the_commands(dash: DashboardWorld) -> None:
    browser = await dash.login("olga")  # admin of g, stored role member
    assert (await browser.get(PAGES.url("tips", await dash.community_id("g")))).status_code == 200
    dash.chat.console.messenger.admins.discard(("g", "olga"))
    assert (await browser.get(PAGES.url("tips", await dash.community_id("g")))).status_code == 404


async def _tip(dash: DashboardWorld, person: str, text: str, chat: str = "g") -> int:
    out = await dash.chat.say(person, chat, f"/tip {text}")
    found = re.search(r"Tip #(\d+)", out)
    assert found, out
    return int(found.group(1))


async def _tip_text(dash: DashboardWorld, tip_id: int) -> str | None:
    async with dash.core.database.sessions() as session:
        return await session.scalar(select(Tip.text).where(Tip.id == tip_id))


@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
async def test_a_change_without_the_right_csrf_is_refused(
    dash: DashboardWorld, csrf: str | None
) -> None:
    tip = await _tip(dash, "mia", "Raise prices every January #pricing")
    browser = await dash.login("olga")
    url = PAGES.url("tip_delete", await dash.community_id("g"), tip_id=tip)
    response = await browser.post(url, data={} if csrf is None else {"csrf": csrf})
    assert response.status_code == 403
    assert await _tip_text(dash, tip) == "Raise prices every January #pricing"


async def test_an_organizer_deletes_a_members_tip_and_it_is_logged(dash: DashboardWorld) -> None:
    tip = await _tip(dash, "mia", "Raise prices every January #pricing")
    browser = await dash.login("olga")
    community = await dash.community_id("g")
    page = await browser.get(PAGES.url("tips", community))
    assert "Raise prices every January" in page.text
    response = await browser.post(
        PAGES.url("tip_delete", community, tip_id=tip), data={"csrf": csrf_of(page.text)}
    )
    assert response.status_code == 303
    assert await _tip_text(dash, tip) is None
    overview = await browser.get(PAGES.url("overview", community))
    assert re.search(r"Olga</td><td>deleted tip #" + str(tip), overview.text), overview.text
    assert "Raise prices every January" not in await dash.chat.say("bob", "g", "/tips pricing")


async def test_tip_edits_follow_the_tip_edit_rules(dash: DashboardWorld) -> None:
    mine = await _tip(dash, "olga", "Send invoices the same day #invoicing")
    theirs = await _tip(dash, "mia", "Raise prices every January #pricing")
    browser = await dash.login("olga")
    community = await dash.community_id("g")
    csrf = csrf_of((await browser.get(PAGES.url("tips", community))).text)

    too_long = await browser.post(
        PAGES.url("tip_edit", community, tip_id=mine), data={"csrf": csrf, "text": "x" * 5000}
    )
    assert too_long.status_code == 400
    assert "5000 characters; the limit is 1900" in too_long.text
    assert await _tip_text(dash, mine) == "Send invoices the same day #invoicing"

    not_author = await browser.post(
        PAGES.url("tip_edit", community, tip_id=theirs), data={"csrf": csrf, "text": "Mine now"}
    )
    assert not_author.status_code == 400
    assert "only its author can edit it" in not_author.text
    assert await _tip_text(dash, theirs) == "Raise prices every January #pricing"

    edited = await browser.post(
        PAGES.url("tip_edit", community, tip_id=mine),
        data={"csrf": csrf, "text": "Send invoices the day the work is done #invoicing"},
    )
    assert edited.status_code == 303
    assert await _tip_text(dash, mine) == "Send invoices the day the work is done #invoicing"
    out = await dash.chat.say("bob", "g", "/tips invoices")
    assert "the day the work is done" in out


async def test_a_tip_of_another_community_is_a_404(dash: DashboardWorld) -> None:
    elsewhere = await _tip(dash, "zed", "Batch your email #focus", chat="h")
    browser = await dash.login("olga")
    community = await dash.community_id("g")
    csrf = csrf_of((await browser.get(PAGES.url("tips", community))).text)
    for name in ("tip_delete", "tip_edit"):
        response = await browser.post(
            PAGES.url(name, community, tip_id=elsewhere), data={"csrf": csrf, "text": "hacked"}
        )
        assert response.status_code == 404
    for bad in ("99999", "abc", "²"):
        response = await browser.post(f"/c/{community}/tips/{bad}/delete", data={"csrf": csrf})
        assert response.status_code == 404
    assert await _tip_text(dash, elsewhere) == "Batch your email #focus"


async def _checkin_schedule(dash: DashboardWorld) -> int:
    assert "Scheduled" in await dash.chat.say("olga", "g", "/schedule checkin 09:00 weekdays")
    async with dash.core.database.sessions() as session:
        found = await session.scalar(select(Schedule.id).where(Schedule.kind == "checkin"))
    assert found is not None
    return found


async def test_a_bad_schedule_time_is_refused_with_an_example(dash: DashboardWorld) -> None:
    schedule = await _checkin_schedule(dash)
    browser = await dash.login("olga")
    community = await dash.community_id("g")
    page = await browser.get(PAGES.url("schedules", community))
    assert "UTC" in page.text
    assert "09:00" in page.text
    for time, days in (("25:00", "daily"), ("9", "daily"), ("", ""), ("10:00", "someday")):
        response = await browser.post(
            PAGES.url("schedule_edit", community, schedule_id=schedule),
            data={"csrf": csrf_of(page.text), "time": time, "days": days},
        )
        assert response.status_code == 400, time
        assert "Example: 09:30" in response.text
    async with dash.core.database.sessions() as session:
        stored = await session.get(Schedule, schedule)
        assert stored is not None
        assert (stored.local_time, stored.days) == ("09:00", "01234")


async def _printed_since(dash: DashboardWorld, start: int, until: str | None = None) -> str:
    """What the group's chat printed since `start`: the started dispatcher may send a due
    message on its own before this drain does, so both are waited for (up to 10 s for `until`)."""
    await dash.core.dispatcher.drain_due()
    for _ in range(200):
        printed = "\n".join(dash.chat.output[start:])
        if until is None or until in printed.lower():
            return printed
        await asyncio.sleep(0.05)
    return "\n".join(dash.chat.output[start:])


async def test_a_schedule_moved_to_the_next_minute_fires_then(dash: DashboardWorld) -> None:
    await dash.core.start_delivery()
    schedule = await _checkin_schedule(dash)
    engine = dash.core.schedules
    assert engine.planned(schedule) == datetime(2026, 11, 24, 9, tzinfo=UTC)
    browser = await dash.login("olga")
    community = await dash.community_id("g")
    page = await browser.get(PAGES.url("schedules", community))
    response = await browser.post(
        PAGES.url("schedule_edit", community, schedule_id=schedule),
        data={"csrf": csrf_of(page.text), "time": "12:01", "days": "daily"},
    )
    assert response.status_code == 303
    next_minute = datetime(2026, 11, 23, 12, 1, tzinfo=UTC)
    assert engine.planned(schedule) == next_minute  # the running engine knows at once
    dash.core.attach(dash.chat.console.messenger)
    start = len(dash.chat.output)
    dash.clock.advance(minutes=1)
    assert await engine.fire(schedule, next_minute)
    posted = await _printed_since(dash, start, until="check")
    assert "check" in posted.lower(), posted
    overview = await browser.get(PAGES.url("overview", community))
    assert "changed schedule" in overview.text
    assert "12:01" in overview.text


async def test_overview_shows_the_community_and_its_numbers(dash: DashboardWorld) -> None:
    await dash.chat.say("mia", "g", "/checkin write the pricing page")
    await dash.chat.say("bob", "g", "/ask how do I price a workshop? #pricing")
    dash.clock.advance(hours=3)
    browser = await dash.login("olga")
    page = await browser.get(PAGES.url("overview", await dash.community_id("g")))
    assert page.status_code == 200
    assert '<span class="community">g</span>' in page.text
    assert "<svg" in page.text
    assert "2026-11-23: 33%" in page.text  # 1 of 3 members checked in today
    assert "2026-11-22: 0%" in page.text
    assert "how do I price a workshop?" in page.text
    assert "3 hours" in page.text
    assert "unclaimed" in page.text


async def test_pages_speak_the_organizers_language(dash: DashboardWorld) -> None:
    await dash.chat.say("olga", None, "/language es")
    browser = await dash.login("olga")
    page = await browser.get(PAGES.url("overview", await dash.community_id("g")))
    assert 'lang="es"' in page.text
    assert "Resumen" in page.text
    assert "Salir" in page.text


async def test_user_text_is_escaped(dash: DashboardWorld) -> None:
    await _tip(dash, "olga", "<script>alert(1)</script> use <b>bold</b> #html")
    browser = await dash.login("olga")
    page = await browser.get(PAGES.url("tips", await dash.community_id("g")))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


async def test_a_paused_schedule_skips_its_days_and_resumes(dash: DashboardWorld) -> None:
    await dash.core.start_delivery()
    schedule = await _checkin_schedule(dash)  # weekdays 09:00 UTC; today is Mon 2026-11-23
    engine = dash.core.schedules
    browser = await dash.login("olga")
    community = await dash.community_id("g")
    csrf = csrf_of((await browser.get(PAGES.url("schedules", community))).text)
    url = PAGES.url("schedule_pause", community, schedule_id=schedule)
    for bad, says in (
        ("2026-11-22", "is in the past"),
        ("2026/12/01", "is not a date"),
        ("2028-01-01", "up to a year"),
    ):
        refused = await browser.post(url, data={"csrf": csrf, "until": bad, "pause": "1"})
        assert refused.status_code == 400
        assert says in refused.text
    assert engine.planned(schedule) == datetime(2026, 11, 24, 9, tzinfo=UTC)

    paused = await browser.post(url, data={"csrf": csrf, "until": "2026-11-25", "pause": "1"})
    assert paused.status_code == 303
    assert paused.headers["location"] == PAGES.url("schedules", community)
    assert engine.planned(schedule) == datetime(2026, 11, 26, 9, tzinfo=UTC)
    page = await browser.get(PAGES.url("schedules", community))
    assert "Paused until 2026-11-25" in page.text
    assert "2026-11-26 09:00" in page.text
    dash.clock.advance(hours=21)
    dash.core.attach(dash.chat.console.messenger)
    start = len(dash.chat.output)
    assert not await engine.fire(schedule, datetime(2026, 11, 24, 9, tzinfo=UTC))  # skipped
    assert "check" not in (await _printed_since(dash, start)).lower()

    browser = await dash.login("olga")  # 21 hours idle: the old session is over
    csrf = csrf_of((await browser.get(PAGES.url("schedules", community))).text)
    resumed = await browser.post(url, data={"csrf": csrf, "resume": "1"})
    assert resumed.status_code == 303
    assert resumed.headers["location"] == PAGES.url("schedules", community)
    assert engine.planned(schedule) == datetime(2026, 11, 25, 9, tzinfo=UTC)
    overview = await browser.get(PAGES.url("overview", community))
    assert "paused schedule" in overview.text
    assert "resumed schedule" in overview.text


async def test_a_defect_in_a_page_answers_a_plain_500_and_changes_nothing(
    dash: DashboardWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.web.dashboard import tips_page

    tip = await _tip(dash, "mia", "Raise prices every January #pricing")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("defect")

    browser = await dash.login("olga")
    community = await dash.community_id("g")
    csrf = csrf_of((await browser.get(PAGES.url("tips", community))).text)
    monkeypatch.setattr(tips_page, "delete_tip", broken)
    response = await browser.post(
        PAGES.url("tip_delete", community, tip_id=tip), data={"csrf": csrf}
    )
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Traceback" not in response.text
    assert await _tip_text(dash, tip) == "Raise prices every January #pricing"
