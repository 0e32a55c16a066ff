"""The requests, check-ins, program and settings pages over HTTP: what they show, what they
refuse, what a change does to the bot, and that nothing private or foreign leaks."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from bot.features.dashboard_data.slices import PAGE_SIZE
from storage.dashboard_repo import DashboardRepository
from storage.models import Community
from tests.dashboard_world import DashboardWorld, csrf_of
from tests.test_program_loop import deliver, seed_pair


async def _community(dash: DashboardWorld, chat_id: str = "g") -> Community:
    async with dash.core.database.sessions() as session:
        found = await session.execute(select(Community).where(Community.chat_id == chat_id))
        return found.scalar_one()


async def test_requests_page_filters_shows_full_text_and_escapes(dash: DashboardWorld) -> None:
    question = "<script>alert(1)</script> How should I price " + "candles " * 40
    await dash.chat.say("bob", "g", f"/ask {question} #pricing")
    await dash.chat.say("bob", "g", "/ask Which camera? #photo")
    await dash.chat.press("mia", "I'll help #2")
    await dash.chat.say("zed", "h", "/ask Secret of the other group #pricing")
    g = (await _community(dash)).id
    browser = await dash.login("olga")
    page = await browser.get(f"/c/{g}/requests")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>" not in page.text
    assert "candles " * 39 in page.text  # the whole question, not a preview
    assert "Secret of the other group" not in page.text
    claimed = await browser.get(f"/c/{g}/requests", params={"status": "claimed"})
    assert "Which camera?" in claimed.text
    assert "Mia" in claimed.text
    assert "price" not in claimed.text
    pricing = await browser.get(f"/c/{g}/requests", params={"topic": "#Pricing"})
    assert "candles" in pricing.text
    assert "Which camera?" not in pricing.text
    bad = await browser.get(f"/c/{g}/requests", params={"status": "'; drop table", "page": "²"})
    assert bad.status_code == 200
    assert "is not a request status" in bad.text
    assert 'role="alert"' in bad.text


async def test_requests_page_is_paged(dash: DashboardWorld) -> None:
    g = (await _community(dash)).id
    browser = await dash.login("olga")
    for number in range(PAGE_SIZE + 1):
        await dash.chat.say("bob", "g", f"/ask question number {number}?")
        dash.clock.advance(minutes=20)  # the abuse limits allow a request now and then
    first = await browser.get(f"/c/{g}/requests")
    assert "Page 1 of 2" in first.text
    assert "question number 0?" not in first.text
    second = await browser.get(f"/c/{g}/requests", params={"page": "2"})
    assert "question number 0?" in second.text
    assert 'rel="prev"' in second.text


async def test_checkins_page_range_person_and_csv(dash: DashboardWorld) -> None:
    await dash.chat.say("bob", "g", "/checkin =HYPERLINK(evil) write the newsletter")
    dash.clock.advance(days=1)
    await dash.chat.say("mia", "g", "/checkin sketch the logo")
    await dash.chat.say("zed", "h", "/checkin another group's plan")
    g = (await _community(dash)).id
    browser = await dash.login("olga")
    page = await browser.get(f"/c/{g}/checkins")
    assert page.status_code == 200
    assert "write the newsletter" in page.text
    assert "sketch the logo" in page.text
    assert "another group" not in page.text
    without_csrf = await browser.post(f"/c/{g}/checkins.csv", data={"first": "2026-11-23"})
    assert without_csrf.status_code == 403
    one_day = await browser.get(
        f"/c/{g}/checkins", params={"first": "2026-11-24", "last": "2026-11-24"}
    )
    assert "sketch the logo" in one_day.text
    assert "write the newsletter" not in one_day.text
    csrf = csrf_of(page.text)
    download = await browser.post(
        f"/c/{g}/checkins.csv", data={"csrf": csrf, "first": "2026-11-23", "last": "2026-11-24"}
    )
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["day", "person", "plan"]
    assert table[1][2] == "'=HYPERLINK(evil) write the newsletter"
    assert len(table) == 3
    bad = await browser.get(
        f"/c/{g}/checkins", params={"first": "2026-11-30", "last": "2026-11-01"}
    )
    assert bad.status_code == 200
    assert "after it ends" in bad.text
    refused = await browser.post(f"/c/{g}/checkins.csv", data={"csrf": csrf, "first": "31/12"})
    assert refused.status_code == 400
    assert "YYYY-MM-DD" in refused.text


async def test_program_page_shows_health_and_counts_never_text(dash: DashboardWorld) -> None:
    await seed_pair(dash.core, dash.chat, paired_at=dash.clock.now() - timedelta(days=25))
    await dash.chat.say("mia", "g", "/reflect")
    for answer in ("PRIVATE-ONE", "PRIVATE-TWO", "PRIVATE-THREE", "PRIVATE-FOUR"):
        await dash.chat.say("mia", None, answer)
    await deliver(dash.core, dash.chat)
    g = (await _community(dash)).id
    browser = await dash.login("olga")
    page = await browser.get(f"/c/{g}/program")
    assert page.status_code == 200
    assert "Spring" in page.text
    assert "Mia" in page.text
    assert "Max" in page.text
    assert "1 / 1" in page.text  # reflections sent / expected
    assert "PRIVATE" not in page.text
    empty = await (await dash.login("zed", "h")).get(
        f"/c/{(await _community(dash, 'h')).id}/program"
    )
    assert "There is no mentorship program here right now." in empty.text


async def test_settings_change_by_the_command_rules_and_logged(dash: DashboardWorld) -> None:
    g = (await _community(dash)).id
    browser = await dash.login("olga")
    page = await browser.get(f"/c/{g}/settings")
    assert page.text.count('name="hours"') == 2
    assert 'id="nudge-hours" name="hours" value="4"' in page.text
    csrf = csrf_of(page.text)
    moved = await browser.post(
        f"/c/{g}/settings/timezone", data={"csrf": csrf, "timezone": "Taipei"}
    )
    assert moved.status_code == 303
    choices = await browser.post(
        f"/c/{g}/settings/timezone", data={"csrf": csrf, "timezone": "Valencia"}
    )
    assert choices.status_code == 200
    assert 'value="Europe/Madrid"' in choices.text
    assert "matches more than one timezone" in choices.text
    guess = await browser.post(
        f"/c/{g}/settings/timezone", data={"csrf": csrf, "timezone": "Tapei"}
    )
    assert "Did you mean one of these?" in guess.text
    bad_zone = await browser.post(
        f"/c/{g}/settings/timezone", data={"csrf": csrf, "timezone": "x" * 300}
    )
    assert bad_zone.status_code == 400
    assert "/settings timezone Europe/Berlin" in bad_zone.text
    late = await browser.post(f"/c/{g}/settings/escalation", data={"csrf": csrf, "hours": "500"})
    assert late.status_code == 400
    assert "Give between 1 and 168 hours." in late.text
    assert "/settings escalation 24" in late.text
    for path, value in (("escalation", "6"), ("nudge", "2h"), ("language", "es")):
        done = await browser.post(
            f"/c/{g}/settings/{path}", data={"csrf": csrf, path: value, "hours": value}
        )
        assert done.status_code == 303, done.text
    forged = await browser.post(f"/c/{g}/settings/nudge", data={"csrf": "nope", "hours": "9"})
    assert forged.status_code == 403
    community = await _community(dash)
    assert (community.timezone, community.escalation_hours, community.nudge_hours) == (
        "Asia/Taipei",
        6,
        2,
    )
    assert community.language == "es"
    async with dash.core.database.sessions() as session:
        logged = await DashboardRepository(session).activity(g)
    assert {line.action for line in logged} == {
        "changed the timezone",
        "changed the escalation delay",
        "changed the nudge delay",
        "changed the language",
    }
    assert {line.who for line in logged} == {"Olga"}
    out = await dash.chat.say("bob", "g", "/settings")
    assert "Asia/Taipei" in out


async def test_another_communitys_organizer_gets_404_on_every_new_page(
    dash: DashboardWorld,
) -> None:
    g = (await _community(dash)).id
    zed = await dash.login("zed", "h")
    for path in ("requests", "checkins", "program", "settings"):
        assert (await zed.get(f"/c/{g}/{path}")).status_code == 404
    page = await zed.get(f"/c/{(await _community(dash, 'h')).id}/settings")
    download = await zed.post(f"/c/{g}/checkins.csv", data={"csrf": csrf_of(page.text)})
    assert download.status_code == 404
    refused = await zed.post(
        f"/c/{g}/settings/escalation", data={"csrf": csrf_of(page.text), "hours": "2"}
    )
    assert refused.status_code == 404
    assert (await _community(dash)).escalation_hours == 24
