"""Partners, badges, the weekly recap and /stats, /export, and streaks across timezones."""

from __future__ import annotations

import csv
import io
import random
import re
import struct
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import Core
from bot.core.events import AttachmentKind, Outbound
from bot.core.markup import plain
from bot.delivery.serialize import load_message
from bot.domain.pairing import pair_key, pair_up, pairs_in
from bot.features.charts import checkins_chart
from storage.models import Badge, CheckIn, OutboxMessage, PartnerPair, Schedule
from tests.harness import ChatDriver, FakeClock, deliver

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def count(core: Core, model: type[object], *where: object) -> int:
    async with core.database.sessions() as session:
        query = select(func.count()).select_from(model)
        for clause in where:
            query = query.where(clause)  # type: ignore[arg-type]
        return int(await session.scalar(query) or 0)


async def schedule_of(core: Core, kind: str) -> int:
    async with core.database.sessions() as session:
        found = await session.scalar(
            select(Schedule.id).where(Schedule.kind == kind, Schedule.enabled.is_(True))
        )
    assert found is not None
    return found


async def outbound(chat: ChatDriver, person: str, group: str, text: str) -> list[Outbound]:
    """What the router answers, attachments included (the console prints only their size)."""
    chat.console.person, chat.console.chat = person, group
    return await chat.core.router.handle(chat.console._message(text), chat.console.messenger)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first after the signature."""
    assert data[:8] == PNG_MAGIC
    length, chunk = struct.unpack(">I4s", data[8:16])
    assert chunk == b"IHDR"
    assert length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --- pairing, pure -------------------------------------------------------------------------


def check_groups(
    people: list[int], recent: set[frozenset[int]], groups: tuple[tuple[int, ...], ...]
) -> None:
    seen = [p for group in groups for p in group]
    assert len(seen) == len(set(seen)), "nobody is in two groups"
    assert set(seen) <= set(people)
    assert all(len(group) in (2, 3) for group in groups)
    assert sum(1 for group in groups if len(group) == 3) <= 1
    assert not any(pair in recent for group in groups for pair in pairs_in(group))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=13), st.integers())
def test_pairing_pairs_everyone_with_one_trio_for_odd_counts(size: int, seed: int) -> None:
    people = list(range(1, size + 1))
    result = pair_up(people, [], random.Random(seed))
    check_groups(people, set(), result.groups)
    if size >= 2:
        assert not result.unpaired
        assert sorted(p for g in result.groups for p in g) == people
        assert [len(g) for g in result.groups].count(3) == (1 if size % 2 else 0)
    else:
        assert result.groups == ()
        assert list(result.unpaired) == people


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=10),
    st.sets(st.tuples(st.integers(1, 10), st.integers(1, 10)), max_size=20),
    st.integers(),
)
def test_pairing_never_repeats_a_recent_pair(
    size: int, raw: set[tuple[int, int]], seed: int
) -> None:
    people = list(range(1, size + 1))
    recent = {pair_key(a, b) for a, b in raw if a != b}
    result = pair_up(people, recent, random.Random(seed))
    check_groups(people, recent, result.groups)
    assert set(result.unpaired) | {p for g in result.groups for p in g} == set(people)


def test_four_weeks_of_pairs_never_repeat_and_the_seed_decides() -> None:
    # Eight people: after three weeks everyone still has four fresh partners, so (Dirac) a
    # fresh pairing of all eight always exists and must be found.
    people = list(range(1, 9))
    history: list[set[frozenset[int]]] = []
    for week in range(4):
        recent = set().union(*history) if history else set()
        result = pair_up(people, recent, random.Random(week))
        assert not result.unpaired
        check_groups(people, recent, result.groups)
        history.append({pair for group in result.groups for pair in pairs_in(group)})
    assert pair_up(people, [], random.Random(5)) == pair_up(people, [], random.Random(5))


def test_pairing_leaves_out_who_cannot_be_paired_afresh() -> None:
    result = pair_up([1, 2], [pair_key(1, 2)], random.Random(1))
    assert result.groups == ()
    assert set(result.unpaired) == {1, 2}


# --- partners through the chat -------------------------------------------------------------


async def test_partners_in_a_community_of_one_and_by_a_member(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    out = await chat.say("olga", "g", "/partners on")
    assert "at least two members" in out
    assert "only one" in out
    assert "Example: /partners on" in out
    await chat.say("bob", "g", "/join")
    assert "Only organizers" in await chat.say("bob", "g", "/partners on")
    assert "Weekly partners are off here" in await chat.say("bob", "g", "/partners")
    assert "partners are off here" in (await chat.say("bob", "g", "/partner")).lower()


async def test_weekly_pairs_are_made_once_announced_and_shown(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    for name in ("olga", "ann", "bob", "cat"):
        await chat.say(name, "g", f"/checkin plan of {name}")
    await chat.say("dan", "g", "/join")  # a member who never checked in: not active
    out = await chat.say("olga", "g", "/partners on")
    assert "Weekly partners are on" in out
    assert "Mon 30 Nov" in out
    sid = await schedule_of(core, "partners")
    monday = datetime(2026, 11, 30, 9, tzinfo=UTC)
    clock.current = monday
    assert await core.schedules.fire(sid, monday)
    assert not await core.schedules.fire(sid, monday)
    async with core.database.sessions() as session:
        rows = (
            await session.execute(select(PartnerPair.person_a_id, PartnerPair.person_b_id))
        ).all()
    assert len(rows) == 2  # four active members: two pairs, Dan left out
    delivered = await deliver(core, chat)
    assert delivered.count("Accountability partners") == 1
    assert sorted(re.findall(r"@(\w+)", delivered)) == ["Ann", "Bob", "Cat", "Olga"]
    mine = await chat.say("ann", "g", "/partner")
    assert "Your partner for the week of Mon 30 Nov" in mine
    pair_line = next(line for line in delivered.splitlines() if "@Ann" in line)
    partner = pair_line.replace("@Ann", "").strip("• +").lstrip("@")
    assert mine.rstrip().endswith(f"Mon 30 Nov: {partner}. Check in on each other!")
    assert "no partner this week" in await chat.say("dan", "g", "/partner")


async def test_odd_count_makes_a_trio_and_repeats_wait(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    for name in ("olga", "ann", "bob"):
        await chat.say(name, "g", f"/checkin plan of {name}")
    await chat.say("olga", "g", "/partners on")
    sid = await schedule_of(core, "partners")
    first = datetime(2026, 11, 30, 9, tzinfo=UTC)
    clock.current = first
    await core.schedules.fire(sid, first)
    async with core.database.sessions() as session:
        groups = set((await session.scalars(select(PartnerPair.group_number))).all())
    assert await count(core, PartnerPair) == 3
    assert groups == {1}
    assert len(re.findall(r"• @\w+ \+ @\w+ \+ @\w+", await deliver(core, chat))) == 1
    second = first + timedelta(weeks=1)
    clock.current = second
    for name in ("olga", "ann", "bob"):
        await chat.say(name, "g", "/checkin still going")
    await core.schedules.fire(sid, second)
    assert await count(core, PartnerPair) == 3  # every pair is recent: nobody re-paired
    delivered = await deliver(core, chat)
    assert "No fresh partner this week for" in delivered


# --- badges --------------------------------------------------------------------------------


async def test_streak_badge_awarded_and_announced_once(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    delivered = ""
    for day in range(8):
        await chat.say("ann", "g", f"/checkin day {day}")
        delivered += await deliver(core, chat)
        clock.advance(days=1)
    assert await count(core, Badge) == 1
    assert await count(core, OutboxMessage, OutboxMessage.key.startswith("badge:")) == 1
    assert delivered.count("Ann earned a badge: 🔥 7-day streak!") == 1
    assert "7-day streak" in await chat.say("bob", "g", "/badges @ann")
    assert "Badges: 🔥 7-day streak" in await chat.say("ann", "g", "/profile")
    assert "no badges yet" in await chat.say("bob", "g", "/badges")


async def test_helped_badge_on_resolve(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", "g", "/ask how do I price candles?")
    await chat.say("mia", "g", "/claim 1")
    await chat.say("bob", "g", "/resolve 1 thanks!")
    await chat.say("bob", "g", "/reopen 1")
    await chat.say("bob", "g", "/resolve 1 thanks again")
    assert await count(core, Badge) == 1
    delivered = await deliver(core, chat)
    assert delivered.count("Mia earned a badge: 🤝 First help!") == 1


async def test_tips_badge_after_the_tenth_tip(chat: ChatDriver, core: Core) -> None:
    chat.make_admin("olga", "g")
    for number in range(9):
        await chat.say("olga", "g", f"/tip Tip number {number}: follow up within a day")
    assert await count(core, Badge) == 0
    await chat.say("olga", None, "/tip all The tenth tip: price for profit")
    await chat.say("olga", "g", "/tip The eleventh tip: ship small")
    assert await count(core, Badge) == 1
    delivered = await deliver(core, chat)
    assert delivered.count("Olga earned a badge: 💡 10 tips!") == 1


# --- recap and stats -----------------------------------------------------------------------


async def test_recap_bad_input(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    assert "one weekday and a time" in await chat.say("olga", "g", "/schedule recap fri")
    assert "can't read the days" in await chat.say("olga", "g", "/schedule recap someday 17:00")
    assert "give one day" in await chat.say("olga", "g", "/schedule recap daily 17:00")
    assert "not a time" in await chat.say("olga", "g", "/schedule recap fri 25:00")
    assert "Only organizers" in await chat.say("bob", "g", "/schedule recap fri 17:00")


async def test_recap_posts_a_png_chart_through_the_outbox(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    await chat.say("ann", "g", "/checkin write the newsletter")
    await chat.say("ann", "g", "/done")
    await chat.say("bob", "g", "/checkin call suppliers")
    out = await chat.say("olga", "g", "/schedule recap fri 17:00")
    assert "Weekly recap every fri 17:00 (UTC)" in out
    sid = await schedule_of(core, "recap")
    friday = datetime(2026, 11, 27, 17, tzinfo=UTC)
    clock.current = friday
    assert await core.schedules.fire(sid, friday)
    async with core.database.sessions() as session:
        payload = await session.scalar(
            select(OutboxMessage.payload).where(OutboxMessage.key.startswith("recap:"))
        )
    assert payload is not None
    message = load_message(payload)
    assert message.attachment is not None
    assert message.attachment.kind is AttachmentKind.IMAGE
    assert png_size(message.attachment.data) == (800, 400)
    text = plain(message.text)
    assert "Check-ins: 2 · done: 1 (50%)" in text
    delivered = await deliver(core, chat)
    assert "(attached image: recap-2026-11-27.png" in delivered


async def test_stats_replies_with_the_chart(chat: ChatDriver) -> None:
    await chat.say("ann", "g", "/checkin plan")
    out = await chat.say("ann", "g", "/stats")
    assert "Check-ins: 1 · done: 0 (0%)" in out
    assert "Top streaks: Ann 1" in out
    assert "(attached image: recap-2026-11-23.png" in out
    [reply] = await outbound(chat, "ann", "g", "/stats")
    chart = reply.message.attachment
    assert chart is not None
    assert png_size(chart.data) == (800, 400)


def test_chart_size_is_what_was_asked() -> None:
    data = checkins_chart(["Mon", "Tue"], [3, 1], [1, 0], width=640, height=320)
    assert png_size(data) == (640, 320)


# --- export --------------------------------------------------------------------------------


async def test_export_is_for_organizers_and_holds_only_this_community(
    chat: ChatDriver, core: Core
) -> None:
    chat.make_admin("olga", "g")
    await chat.say("ann", "g", "/checkin =HYPERLINK(ours)")
    await chat.say("ann", "g", "/ask ours: pricing help")
    await chat.say("olga", "g", "/tip ours: follow up within a day")
    chat.make_admin("zed", "other")
    await chat.say("zoe", "other", "/checkin theirs plan")
    await chat.say("zoe", "other", "/ask theirs question")
    await chat.say("zed", "other", "/tip theirs tip text")
    assert "Only organizers" in await chat.say("ann", "g", "/export")
    out = await chat.say("olga", "g", "/export")
    assert out.count("[dm olga]") == 3
    assert "sent you the export privately" in out
    replies = await outbound(chat, "olga", "g", "/export")
    files = {
        item.message.attachment.filename.rsplit("-", 1)[1]: item.message.attachment.data
        for item in replies
        if item.message.attachment is not None and item.private
    }
    assert set(files) == {"requests.csv", "tips.csv", "checkins.csv"}
    tables = {
        name: list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        for name, data in files.items()
    }
    everything = repr(tables)
    assert "theirs" not in everything
    assert tables["requests.csv"][1][4] == "ours: pricing help"
    assert tables["tips.csv"][1][2] == "ours: follow up within a day"
    assert tables["checkins.csv"][1][2] == "'=HYPERLINK(ours)"  # a formula is defused
    assert len(tables["checkins.csv"]) == 2


# --- streaks across timezones --------------------------------------------------------------


async def test_checkins_at_2359_and_0001_local_are_two_days(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("ann", "g", "/timezone Europe/Berlin")
    clock.current = datetime(2026, 11, 23, 22, 59, tzinfo=UTC)  # 23:59 in Berlin
    assert "Checked in" in await chat.say("ann", "g", "/checkin late plan")
    clock.current = datetime(2026, 11, 23, 23, 1, tzinfo=UTC)  # 00:01 the next day
    out = await chat.say("ann", "g", "/checkin early plan")
    assert "Checked in" in out
    assert "streak 2" in out
    async with core.database.sessions() as session:
        days = list((await session.scalars(select(CheckIn.local_date).order_by(CheckIn.id))).all())
    assert days == [date(2026, 11, 23), date(2026, 11, 24)]


async def test_streak_survives_a_timezone_change_mid_streak(
    chat: ChatDriver, clock: FakeClock
) -> None:
    for day in (23, 24, 25):
        clock.current = datetime(2026, 11, day, 12, tzinfo=UTC)
        await chat.say("ann", "g", "/checkin plan")
    await chat.say("ann", "g", "/timezone Asia/Tokyo")
    clock.current = datetime(2026, 11, 25, 16, tzinfo=UTC)  # 01:00 on the 26th in Tokyo
    assert "streak 4" in await chat.say("ann", "g", "/checkin plan in Tokyo")
    await chat.say("ann", "g", "/timezone America/Los_Angeles")
    clock.current = datetime(2026, 11, 26, 6, tzinfo=UTC)  # 22:00 on the 25th in LA
    out = await chat.say("ann", "g", "/streak")
    assert "current streak 4 days, best 4" in out
    assert "freeze" not in out


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
async def test_streak_counts_local_days_across_zones(
    chat: ChatDriver, clock: FakeClock, zone: str
) -> None:
    await chat.say("ann", "g", f"/timezone {zone}")
    for hours in range(0, 72, 24):
        clock.current = datetime(2026, 11, 23, 20, tzinfo=UTC) + timedelta(hours=hours)
        await chat.say("ann", "g", "/checkin plan")
    assert "current streak 3" in await chat.say("ann", "g", "/streak")


async def test_forgetme_removes_badges_and_pairings(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/checkin plan")
    await chat.say("ann", "g", "/ask how do I price candles?")
    await chat.say("olga", "g", "/claim 1")
    await chat.say("ann", "g", "/resolve 1")
    await chat.say("ann", "g", "/checkin plan")
    await chat.say("olga", "g", "/partners on")
    monday = datetime(2026, 11, 30, 9, tzinfo=UTC)
    clock.current = monday
    await core.schedules.fire(await schedule_of(core, "partners"), monday)
    assert await count(core, PartnerPair) == 1
    assert await count(core, Badge) == 1
    await chat.say("olga", None, "/forgetme")
    out = await chat.press("olga", "Delete everything")
    assert "Done. I deleted every record of you" in out
    assert await count(core, PartnerPair) == 0
    assert await count(core, Badge) == 0
