"""What the dashboard's requests, check-ins, program and settings pages read and change,
through the commands' own rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import Core
from bot.core.errors import UsageError
from bot.core.i18n import Translator
from bot.features import community_settings
from bot.features.dashboard_data import checkins, requests
from bot.features.dashboard_data.slices import PAGE_SIZE, read_page
from bot.features.programs.health import program_health
from storage.models import Community, HelpRequest, Person, RequestStatus
from storage.program_models import PairStatus
from storage.programs_repo import ProgramRepository
from tests.harness import ChatDriver, FakeClock
from tests.test_program_loop import GROUP, deliver, seed_pair


async def community_id(core: Core, chat_id: str) -> int:
    async with core.database.sessions() as session:
        found = await session.execute(select(Community.id).where(Community.chat_id == chat_id))
        return int(found.scalar_one())


# Requests


async def test_requests_filtered_by_status_and_topic_in_full_with_claimer(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    long_question = "How do I price hand-made candles for a market stall? " * 6
    await chat.say("bob", "g", f"/ask {long_question} #pricing")
    clock.advance(hours=3)
    await chat.say("bob", "g", "/ask Which camera for product photos? #photo")
    await chat.say("mia", "g", "/join")
    await chat.press("mia", "I'll help #2")
    await chat.say("eve", "h", "/ask Pricing in the other group? #pricing")
    clock.advance(hours=2)
    g = await community_id(core, "g")
    async with core.database.sessions() as session:
        everything = await requests.request_page(
            session, g, requests.read_filter("", ""), 1, clock.now()
        )
        claimed = await requests.request_page(
            session, g, requests.read_filter("claimed", ""), 1, clock.now()
        )
        pricing = await requests.request_page(
            session, g, requests.read_filter(None, "#Pricing"), 1, clock.now()
        )
        none = await requests.request_page(
            session, g, requests.read_filter("resolved", "pricing"), 1, clock.now()
        )
    assert [row.number for row in everything.items] == [2, 1]
    assert everything.total == 2
    assert everything.pages == 1
    assert [(row.number, row.claimer) for row in claimed.items] == [(2, "Mia")]
    assert claimed.items[0].status == RequestStatus.CLAIMED.value
    assert [row.number for row in pricing.items] == [1]
    first = pricing.items[0]
    assert first.question == long_question.strip()
    assert (first.topics, first.asker, first.claimer) == (("pricing",), "Bob", None)
    assert first.age == timedelta(hours=5)
    assert none.items == ()
    assert none.total == 0


async def test_requests_page_past_the_end_shows_the_last(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("bob", "g", "/ask First? #pricing")
    g = await community_id(core, "g")
    async with core.database.sessions() as session, session.begin():
        asker = (await session.execute(select(Person.id))).scalars().first()
        assert asker is not None
        for number in range(2, PAGE_SIZE + 6):
            session.add(
                HelpRequest(
                    community_id=g,
                    number=number,
                    asker_id=asker,
                    question=f"question {number}",
                    created_at=clock.now() + timedelta(minutes=number),
                )
            )
    async with core.database.sessions() as session:
        second = await requests.request_page(
            session, g, requests.read_filter("open", ""), 2, clock.now()
        )
        beyond = await requests.request_page(
            session, g, requests.read_filter("open", ""), 99, clock.now()
        )
    assert second.total == PAGE_SIZE + 5
    assert second.pages == 2
    assert (second.page, len(second.items), second.has_previous, second.has_next) == (
        2,
        5,
        True,
        False,
    )
    assert beyond.page == 2
    assert beyond.items == second.items
    assert second.items[-1].number == 1


@pytest.mark.parametrize(
    ("status", "topic", "message"),
    [
        ("pending", "", "“pending” is not a request status."),
        ("", "x" * 41, "A topic has at most 40 characters."),
    ],
)
def test_a_bad_request_filter_is_refused(status: str, topic: str, message: str) -> None:
    with pytest.raises(UsageError) as refused:
        requests.read_filter(status, topic)
    assert refused.value.template.format(**refused.value.values).startswith(message)


@pytest.mark.parametrize(
    ("text", "page"), [("2", 2), ("", 1), (None, 1), ("-1", 1), ("²", 1), ("9" * 30, 1)]
)
def test_page_numbers_are_read_safely(text: str | None, page: int) -> None:
    assert read_page(text) == page


# Check-ins


async def test_checkins_by_range_and_person_with_totals_and_translated_csv(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("bob", "g", "/checkin =SUM(A1) write the newsletter")
    clock.advance(days=1)
    await chat.say("bob", "g", "/checkin call the printer")
    await chat.say("bob", "g", "/done")
    await chat.say("mia", "g", "/checkin sketch the logo")
    await chat.say("eve", "h", "/checkin another group's plan")
    g = await community_id(core, "g")
    async with core.database.sessions() as session:
        bob = (
            await session.execute(select(Person.id).where(Person.display_name == "Bob"))
        ).scalar_one()
        chosen = checkins.read_filter("", "", "", "UTC", clock.now())
        assert (chosen.first, chosen.last) == (date(2026, 10, 28), date(2026, 11, 24))
        rows = await checkins.checkin_page(session, g, chosen, 1)
        only_day = checkins.read_filter("2026-11-24", "2026-11-24", "", "UTC", clock.now())
        one_day = await checkins.checkin_page(session, g, only_day, 1)
        bobs = checkins.read_filter("", "", str(bob), "UTC", clock.now())
        of_bob = await checkins.checkin_page(session, g, bobs, 1)
        totals = await checkins.totals_page(session, g, chosen, 1)
        translator = Translator()
        data = await checkins.checkin_csv(
            session, g, bobs, lambda text: translator.gettext("es", text)
        )
    assert [row[:3] for row in rows.items] == [
        (date(2026, 11, 23), "Bob", "=SUM(A1) write the newsletter"),
        (date(2026, 11, 24), "Bob", "call the printer"),
        (date(2026, 11, 24), "Mia", "sketch the logo"),
    ]
    assert [row[1] for row in one_day.items] == ["Bob", "Mia"]
    assert [row[2] for row in of_bob.items] == ["=SUM(A1) write the newsletter", "call the printer"]
    assert [(t.name, t.days, t.done, t.skipped) for t in totals.items] == [
        ("Bob", 2, 1, 0),
        ("Mia", 1, 0, 0),
    ]
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:3] == [translator.gettext("es", "day"), "persona", "plan"]
    assert table[0][0] != "day"
    assert table[1][2] == "'=SUM(A1) write the newsletter"  # defused like /export
    assert len(table) == 3
    assert "another group" not in data.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("first", "last", "person", "message"),
    [
        ("12/05", "", "", "“12/05” is not a date I can read."),
        ("2026-02-30", "", "", "“2026-02-30” is not a date I can read."),
        ("2026-11-20", "2026-11-01", "", "The range starts (2026-11-20) after it ends"),
        ("2025-01-01", "2026-11-01", "", "Choose at most 366 days at a time."),
        ("", "", "bob", "Choose a person from the list."),
    ],
)
def test_a_bad_checkin_range_is_refused(first: str, last: str, person: str, message: str) -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    with pytest.raises(UsageError) as refused:
        checkins.read_filter(first, last, person, "UTC", now)
    assert refused.value.template.format(**refused.value.values).startswith(message)


def test_checkin_csv_name_is_safe() -> None:
    chosen = checkins.CheckInFilter(date(2026, 11, 1), date(2026, 11, 28))
    name = checkins.csv_name("telegram:-100/../x", chosen)
    assert name == "telegram_-100_x-checkins-2026-11-01-2026-11-28.csv"


# Program


async def test_program_health_counts_without_any_reflection_text_or_lone_rating(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    first = await seed_pair(core, chat, paired_at=clock.now() - timedelta(days=5))
    await _second_pair(core, chat, first, clock.now() - timedelta(days=30))
    await chat.say("mia", GROUP, "/met")
    await deliver(core, chat)
    await chat.press("max", "Confirm")
    await chat.press("max", "3 – useful")
    await deliver(core, chat)
    await chat.say("mia", GROUP, "/reflect")
    for answer in ("SECRET-ONE", "SECRET-TWO", "SECRET-THREE", "SECRET-FOUR"):
        await chat.say("mia", None, answer)
    g = await community_id(core, GROUP)
    async with core.database.sessions() as session:
        lone = await program_health(session, g, "console", 1, clock.now())
    await chat.press("mia", "4 – very useful")
    other = await _other(core, chat)
    async with core.database.sessions() as session:
        found = await program_health(session, g, "console", 1, clock.now())
        elsewhere = await program_health(session, other, "console", 1, clock.now())
    assert lone is not None
    assert found is not None
    assert elsewhere is None
    mia, ann = found.pairs.items
    assert (mia.mentee, mia.mentor, mia.meetings, mia.health) == ("Mia", "Max", 1, "on track")
    assert lone.pairs.items[0].mean_rating is None  # one rating alone is one person's answer
    assert mia.mean_rating == 3.5
    assert (mia.reflections_answered, mia.reflections_expected) == (1, 1)
    assert (ann.mentee, ann.health, ann.stuck, ann.meetings) == ("Ann", "stuck", True, 0)
    assert (found.stuck, found.reflections_answered, found.counts.pairs) == (1, 1, 2)
    assert "SECRET" not in repr(found)


async def _second_pair(core: Core, chat: ChatDriver, first: int, paired_at: datetime) -> None:
    """Ann and Ben, paired long ago in the same program as the first pair."""
    for name in ("ann", "ben"):
        await chat.say(name, GROUP, "/help")
    async with core.database.sessions() as session, session.begin():
        programs = ProgramRepository(session)
        pair = await programs.pair(first)
        assert pair is not None
        names = {}
        for name in ("Ann", "Ben"):
            found = await session.execute(select(Person.id).where(Person.display_name == name))
            names[name] = found.scalar_one()
        added = await programs.add_pair(
            pair.program_id, names["Ann"], names["Ben"], 1, {}, paired_at
        )
        added.status = PairStatus.ACTIVE.value
        added.paired_at = added.intro_sent_at = paired_at


async def _other(core: Core, chat: ChatDriver) -> int:
    await chat.say("eve", "other", "/help")
    return await community_id(core, "other")


# Settings


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "Give between 1 and 168 hours."),
        ("169", "Give between 1 and 168 hours."),
        ("abc", "“abc” is not a number."),
        ("-3", "Numbers here start at 1"),
        ("2.5", "“2.5” is not a whole number."),
        ("", "How many hours?"),
        ("h", "How many hours?"),
    ],
)
def test_a_bad_escalation_delay_is_refused_with_an_example(text: str, message: str) -> None:
    community = Community(escalation_hours=24)
    with pytest.raises(UsageError) as refused:
        community_settings.change_escalation(community, text)
    assert refused.value.template.format(**refused.value.values).startswith(message)
    assert refused.value.example == "/settings escalation 24"
    assert community.escalation_hours == 24


@pytest.mark.parametrize(("text", "hours"), [("12", 12), ("12h", 12), (" 1 hour ", 1)])
def test_a_nudge_delay_reads_hours(text: str, hours: int) -> None:
    community = Community(nudge_hours=4)
    change = community_settings.change_nudge(community, text)
    assert community.nudge_hours == hours
    assert change == community_settings.SettingChange("nudge", "4", str(hours))
    with pytest.raises(UsageError):
        community_settings.change_nudge(community, "13")


async def test_settings_escalation_and_nudge_by_command(chat: ChatDriver, core: Core) -> None:
    await chat.say("olga", "g", "/join")
    chat.make_admin("olga", "g")
    await chat.say("mia", "g", "/join")
    assert "Only organizers" in await chat.say("mia", "g", "/settings escalation 6")
    out = await chat.say("olga", "g", "/settings escalation 6")
    assert "Unclaimed requests are now re-announced after 6 h." in out
    out = await chat.say("olga", "g", "/settings nudge 30")
    assert "Give between 1 and 12 hours." in out
    assert "/settings nudge 4" in out
    await chat.say("olga", "g", "/settings nudge 2")
    out = await chat.say("mia", "g", "/settings")
    assert "re-announced after 6 h" in out
    assert "Check-in nudge: 2 h after the ping" in out
    async with core.database.sessions() as session:
        community = (
            await session.execute(select(Community).where(Community.chat_id == "g"))
        ).scalar_one()
    assert (community.escalation_hours, community.nudge_hours) == (6, 2)
