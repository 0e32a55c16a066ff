"""The mentorship loop through the console and the real router: meetings, goals, reflections,
pulses, the stuck list, the report and what /forgetme does to a pair."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import Core
from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import Translator
from bot.core.paging import Pager
from bot.core.registry import Access, Args, CommandSpec, Registry
from bot.dialogs import Dialogs
from bot.domain.goal_text import goal_command, split_target
from bot.features.export import to_csv
from bot.features.mentoring import Mentoring
from bot.features.programs.goals import read_progress
from bot.features.programs.loop import ProgramLoop
from bot.features.programs.report import ProgramReport, program_files
from storage.models import (
    Account,
    Community,
    HelpRequest,
    OutboxMessage,
    Person,
)
from storage.program_models import (
    PairStatus,
    ProgramFit,
    ProgramGoal,
    ProgramMeeting,
    ProgramPair,
    ProgramParticipant,
    ProgramPulse,
    ProgramRating,
    ProgramReflection,
    ProgramRole,
    ReflectionStatus,
)
from storage.programs_repo import ProgramRepository
from tests.harness import ChatDriver, DiscordSpeaker, FakeClock
from tests.program_seed import press_own, seed_running_pair

GROUP = "g"


async def deliver(core: Core, chat: ChatDriver) -> str:
    """Sends whatever the outbox holds that is due, and returns what was printed."""
    core.attach(chat.console.messenger)
    start = len(chat.output)
    await core.dispatcher.drain_due()
    return "\n".join(chat.output[start:])


async def person_id(core: Core, user: str) -> int:
    async with core.database.sessions() as session:
        found = await session.execute(select(Account.person_id).where(Account.user_id == user))
        return int(found.scalar_one())


async def seed_pair(
    core: Core,
    chat: ChatDriver,
    *,
    paired_at: datetime,
    mentee: str = "mia",
    mentor: str = "max",
    zone: str | None = None,
) -> int:
    """A running program in the group with one active pair; olga (organizer) opened it."""
    for name in ("olga", mentee, mentor):
        await chat.say(name, GROUP, "/help")
    pair_id = await seed_running_pair(core, GROUP, "olga", mentee, mentor, paired_at)
    if zone is not None:
        async with core.database.sessions() as session, session.begin():
            person = await session.get(Person, await person_id(core, mentee))
            assert person is not None
            person.timezone = zone
    return pair_id


@pytest.fixture
async def pair(core: Core, chat: ChatDriver, clock: FakeClock) -> int:
    return await seed_pair(core, chat, paired_at=clock.now() - timedelta(days=5))


async def rows(core: Core, model: type[Any]) -> list[Any]:
    async with core.database.sessions() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def count(core: Core, model: type[Any]) -> int:
    async with core.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# /met


async def test_met_is_confirmed_by_the_partner_then_both_rate_privately(
    chat: ChatDriver, core: Core, pair: int
) -> None:
    said = await chat.say("mia", GROUP, "/met we planned the price list")
    assert "Logged your meeting with Max" in said
    assert "[dm mia]" in said  # private, not in the group
    asked = await deliver(core, chat)
    assert "[dm max] mentorbot: Mia logged a meeting with you on 2026-11-23:" in asked
    assert "we planned the price list" in asked
    assert "Confirm" in asked
    meeting = (await rows(core, ProgramMeeting))[0]
    assert meeting.confirmed_at is None
    said = await chat.press("max", "Confirm")
    assert "Confirmed, thank you" in said
    said = await chat.press("max", "3 – useful")
    assert "your rating is saved" in said
    delivered = await deliver(core, chat)
    assert "[dm mia] mentorbot: Max confirmed your meeting" in delivered
    said = await chat.press("mia", "4 – very useful")
    assert "your rating is saved" in said
    meeting = (await rows(core, ProgramMeeting))[0]
    assert meeting.confirmed_at is not None
    assert meeting.confirmed_by == await person_id(core, "max")
    ratings = {row.person_id: row.rating for row in await rows(core, ProgramRating)}
    assert ratings == {await person_id(core, "max"): 3, await person_id(core, "mia"): 4}


async def test_confirm_pressed_by_anyone_else_is_refused_and_changes_nothing(
    chat: ChatDriver, core: Core, pair: int
) -> None:
    await chat.say("mia", None, "/met")
    await deliver(core, chat)
    for stranger in ("olga", "mia"):
        said = await chat.press(stranger, "Confirm")
        assert "Only the other person of this pair can confirm" in said
    assert (await rows(core, ProgramMeeting))[0].confirmed_at is None
    assert await count(core, ProgramFit) == 0


async def test_met_twice_in_a_minute_says_one_is_waiting(
    chat: ChatDriver, core: Core, clock: FakeClock, pair: int
) -> None:
    await chat.say("mia", GROUP, "/met coffee")
    clock.advance(seconds=40)
    said = await chat.say("mia", GROUP, "/met coffee again")
    assert "already waiting for confirmation" in said
    said = await chat.say("max", None, "/met")
    assert "already waiting for confirmation" in said
    assert await count(core, ProgramMeeting) == 1


@pytest.mark.parametrize("where", [GROUP, None])
async def test_met_outside_a_pair_is_refused(
    chat: ChatDriver, core: Core, pair: int, where: str | None
) -> None:
    await chat.say("zoe", GROUP, "/help")
    said = await chat.say("zoe", where, "/met we talked")
    assert "You're not in an active mentoring pair" in said
    assert await count(core, ProgramMeeting) == 0


async def test_after_the_first_meeting_another_mentor_tells_organizers(
    chat: ChatDriver, core: Core, pair: int
) -> None:
    await chat.say("max", GROUP, "/met")
    await deliver(core, chat)
    await chat.press("mia", "Confirm")
    asked = await deliver(core, chat)
    assert "[dm mia] mentorbot: You've had your first meeting with Max. How is the fit?" in asked
    assert "Good fit" in asked
    assert "Not sure" in asked
    said = await chat.press("max", "I'd like another mentor")
    assert "Only the mentee of this pair can answer" in said
    said = await chat.press("mia", "I'd like another mentor")
    assert "you're in the next matching round" in said
    told = await deliver(core, chat)
    assert "[dm olga] mentorbot: Mia would like another mentor than Max in Spring" in told
    assert "[dm max]" not in told
    participants = await rows(core, ProgramParticipant)
    mentee = next(p for p in participants if p.role == ProgramRole.MENTEE.value)
    assert mentee.wants_new_mentor is True
    # a second confirmed meeting asks no more
    await chat.say("max", GROUP, "/met")
    await deliver(core, chat)
    await chat.press("mia", "Confirm")
    assert "How is the fit?" not in await deliver(core, chat)


# Goals


@pytest.mark.parametrize(
    ("typed", "target"),
    [
        ("/goal open my online shop by 2026-12-20", date(2026, 12, 20)),
        ("/goal open my online shop by dec 20", date(2026, 12, 20)),
        ("/goal Open my online shop BY friday", date(2026, 11, 27)),
        ("/goal open my online shop", None),
    ],
)
async def test_goal_with_or_without_a_date_reaches_the_mentor(
    chat: ChatDriver, core: Core, pair: int, typed: str, target: date | None
) -> None:
    said = await chat.say("mia", GROUP, typed)
    assert "Your goal is set" in said
    goal = (await rows(core, ProgramGoal))[0]
    assert goal.text.casefold() == "open my online shop"
    assert goal.target_on == target
    told = await deliver(core, chat)
    assert "[dm max] mentorbot: Mia set a new goal:" in told


@pytest.mark.parametrize(
    "typed", ["/goal sell 10 candles by 2026-01-05", "/goal sell 10 candles by yesterday"]
)
async def test_goal_with_a_past_date_is_refused(
    chat: ChatDriver, core: Core, pair: int, typed: str
) -> None:
    said = await chat.say("mia", GROUP, typed)
    assert "is in the past" in said
    assert "Example" in said
    assert await count(core, ProgramGoal) == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("40", 40),
        ("40%", 40),
        ("0", 0),
        ("100", 100),
        ("101", None),
        ("-5", None),
        ("lots", None),
        ("4.5", None),
        ("", None),
    ],
)
async def test_goal_progress_bounds(
    chat: ChatDriver, core: Core, pair: int, typed: str, stored: int | None
) -> None:
    await chat.say("mia", None, "/goal open my online shop")
    await deliver(core, chat)
    said = await chat.say("mia", None, f"/goal progress {typed}".strip())
    goal = (await rows(core, ProgramGoal))[0]
    told = await deliver(core, chat)
    if stored is None:
        assert "0 to 100" in said
        assert goal.progress == 0
        assert "[dm max]" not in told
    else:
        assert f"{stored}%" in said
        assert goal.progress == stored
        assert f"Mia's goal “open my online shop” is now at {stored}%." in told


async def test_goal_done_the_mentee_only_and_shown_at_check_in(
    chat: ChatDriver, core: Core, pair: int
) -> None:
    said = await chat.say("mia", GROUP, "/goal progress 30")
    assert "Set a goal first" in said
    said = await chat.say("max", GROUP, "/goal be a good mentor")
    assert "Only a mentee in an active pair" in said
    await chat.say("mia", GROUP, "/goal open my online shop")
    said = await chat.say("mia", GROUP, "/checkin photograph the candles")
    assert "Your mentoring goal: “open my online shop”, progress 0%." in said
    said = await chat.say("mia", GROUP, "/goal done")
    assert "is marked done" in said
    told = await deliver(core, chat)
    assert "Mia reached the goal “open my online shop”" in told
    goal = (await rows(core, ProgramGoal))[0]
    assert goal.done_at is not None
    assert goal.progress == 100


# Weekly reflection


async def reflection_pair(core: Core, chat: ChatDriver, clock: FakeClock) -> int:
    """Mentee in New York, paired on Sunday 2026-03-01; the first Monday is under 3 days."""
    clock.current = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    return await seed_pair(core, chat, paired_at=clock.now(), zone="America/New_York")


async def test_reflection_comes_at_local_time_in_a_dst_week_and_reaches_the_mentor(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await reflection_pair(core, chat, clock)
    # Mon 2026-03-02 18:00 EST (23:00 UTC) is under 3 days after the intro: no reflection
    clock.current = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    assert await core.program_sweeps.sweep() == 0
    # DST began on Sun 2026-03-08: Monday 18:00 EDT is 22:00 UTC, not 23:00
    clock.current = datetime(2026, 3, 9, 21, 59, tzinfo=UTC)
    assert await core.program_sweeps.sweep() == 0
    clock.current = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)
    assert await core.program_sweeps.sweep() == 1
    assert await core.program_sweeps.sweep() == 0  # once per pair and week
    asked = await deliver(core, chat)
    assert "[dm mia] mentorbot: Time for this week's reflection with Max." in asked
    await chat.say("mia", None, "I priced ten candles")
    await chat.say("mia", None, "I can't find cheap wax")
    await chat.say("mia", None, "open the shop")
    said = await chat.say("mia", None, "look at my price list")
    assert "I've sent your reflection to Max" in said
    assert "Ask the group for help" in said
    told = await deliver(core, chat)
    assert "[dm max] mentorbot: 📝 Mia's reflection for the week of 2026-03-09:" in told
    for answer in ("I priced ten candles", "I can't find cheap wax", "open the shop"):
        assert answer in told
    reflection = (await rows(core, ProgramReflection))[0]
    assert reflection.status == ReflectionStatus.ANSWERED.value
    assert reflection.week_start == date(2026, 3, 9)
    said = await chat.press("mia", "Ask the group for help")
    assert "I opened request #1" in said
    request = (await rows(core, HelpRequest))[0]
    assert request.question == "I can't find cheap wax"
    posted = await deliver(core, chat)
    assert "[g] mentorbot: Mia asks the group for help (#1): “I can't find cheap wax”" in posted
    assert "price list" not in posted
    said = await chat.press("mia", "Ask the group for help")
    assert "already asked" in said
    assert await count(core, HelpRequest) == 1


async def test_reflection_in_europe_follows_its_own_dst_change(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    await seed_pair(core, chat, paired_at=clock.now(), zone="Europe/Berlin")
    clock.current = datetime(2026, 3, 30, 15, 59, tzinfo=UTC)  # 17:59 CEST
    assert await core.program_sweeps.sweep() == 0
    clock.current = datetime(2026, 3, 30, 16, 0, tzinfo=UTC)  # 18:00 CEST
    assert await core.program_sweeps.sweep() == 1


async def test_a_missed_reflection_is_reminded_only_once(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await reflection_pair(core, chat, clock)
    clock.current = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)
    assert await core.program_sweeps.sweep() == 1
    await deliver(core, chat)
    clock.advance(days=1, hours=23)
    assert await core.program_sweeps.sweep() == 0
    clock.advance(hours=1)
    assert await core.program_sweeps.sweep() == 1
    assert "[dm mia] mentorbot: A gentle reminder" in await deliver(core, chat)
    clock.advance(hours=12)
    assert await core.program_sweeps.sweep() == 0
    assert "reminder" not in await deliver(core, chat)
    clock.advance(days=5)  # a week after it was due, and the next week's comes
    await core.program_sweeps.sweep()
    statuses = [row.status for row in await rows(core, ProgramReflection)]
    assert statuses == [ReflectionStatus.MISSED.value, ReflectionStatus.SENT.value]


async def test_reflect_now_then_not_twice_in_a_week(
    chat: ChatDriver, core: Core, pair: int, clock: FakeClock
) -> None:
    said = await chat.say("mia", GROUP, "/reflect")
    assert "I've sent you a private message" in said
    for answer in ("a", "b", "c", "d"):
        said = await chat.say("mia", None, answer)
    assert "I've sent your reflection to Max" in said
    said = await chat.say("mia", None, "/reflect")
    assert "already sent this week's reflection" in said
    clock.current = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert await core.program_sweeps.sweep() == 0  # this week's is done
    said = await chat.say("max", None, "/reflect")
    assert "Only a mentee in an active pair" in said


async def test_two_dialogs_due_at_once_the_second_waits(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    due = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # Monday 18:00 in New York
    clock.current = due - timedelta(days=30)
    await seed_pair(core, chat, paired_at=clock.now(), zone="America/New_York")
    clock.current = due
    # the reflection, a pulse to each side, and (30 quiet days) the stuck list to olga
    assert await core.program_sweeps.sweep() == 4
    asked = await deliver(core, chat)
    assert "[dm mia] mentorbot: Time for this week's reflection" in asked
    assert "[dm mia] mentorbot: A quick health check" not in asked
    assert "[dm max] mentorbot: A quick health check" in asked
    for answer in ("did", "blocker", "next"):
        await chat.say("mia", None, answer)
    said = await chat.say("mia", None, "help")
    assert "A quick health check: how is your mentoring with Max going" in said


# Pulses and the stuck list


async def test_a_low_pulse_alerts_organizers_without_the_answer(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_pair(core, chat, paired_at=clock.now() - timedelta(days=30))
    assert await core.program_sweeps.sweep() == 3  # a pulse to each side, and the stuck list
    assert await core.program_sweeps.sweep() == 0
    asked = await deliver(core, chat)
    assert "[dm mia] mentorbot: A quick health check" in asked
    said = await press_own(chat, "mia", "2")
    assert "Organizers only ever see totals" in said
    told = await deliver(core, chat)
    assert told == (
        "[dm olga] mentorbot: 🩺 The pair Mia and Max in Spring may need attention: a health "
        "check came back low. A friendly word with them may help."
    )
    await press_own(chat, "max", "4")
    assert await deliver(core, chat) == ""
    scores = sorted(row.score for row in await rows(core, ProgramPulse))
    assert scores == [2, 4]
    # the next pulse is 60 days later
    clock.advance(days=59, hours=23)
    assert await core.program_sweeps.sweep() == 1  # only the week's stuck list
    clock.advance(hours=1)
    assert await core.program_sweeps.sweep() == 2


async def test_a_stuck_pair_is_listed_weekly_to_organizers(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_pair(core, chat, paired_at=clock.now() - timedelta(days=22))
    await seed_pair(
        core, chat, paired_at=clock.now() - timedelta(days=22), mentee="ann", mentor="ben"
    )
    await chat.say("ann", GROUP, "/met")
    await deliver(core, chat)
    await chat.press("ben", "Confirm")
    await deliver(core, chat)
    await core.program_sweeps.sweep()
    told = await deliver(core, chat)
    assert "[dm olga] mentorbot: 🧭 Pairs in Spring with no confirmed meeting" in told
    assert "• Mia and Max" in told
    assert "Ann" not in told
    await core.program_sweeps.sweep()
    assert "🧭" not in await deliver(core, chat)
    clock.advance(days=7)
    await core.program_sweeps.sweep()
    assert "• Mia and Max" in await deliver(core, chat)


# Report, export, forgetting


async def test_report_numbers_chart_and_program_csvs(
    chat: ChatDriver, core: Core, clock: FakeClock, pair: int
) -> None:
    await chat.say("mia", GROUP, "/met")
    await deliver(core, chat)
    await chat.press("max", "Confirm")
    await chat.press("max", "3 – useful")
    await deliver(core, chat)
    await chat.press("mia", "4 – very useful")
    await chat.say("mia", GROUP, "/goal open my online shop")
    await chat.say("mia", GROUP, "/reflect")
    for answer in ("a", "b", "c", "d"):
        await chat.say("mia", None, answer)
    said = await chat.say("mia", GROUP, "/program report")
    assert "Only organizers" in said
    said = await chat.say("olga", GROUP, "/program report")
    assert "[dm olga]" in said
    for line in (
        "Active pairs: 1",
        "Meetings this month: 1",
        "Reflections sent / expected: 1 / 1",
        "Goals set / done: 1 / 0",
        "Mean meeting rating: 3.5 of 4",
        "Stuck pairs: 0",
    ):
        assert line in said
    assert "(attached image: program-" in said
    said = await chat.say("olga", GROUP, "/export")
    for name in ("program-pairs", "program-meetings", "program-goals"):
        assert f"{name}.csv" in said
    async with core.database.sessions() as session:
        files = {name: (header, data) for name, _, header, data in await program_files(session, 1)}
    pairs = list(csv.reader(io.StringIO(to_csv(*files["program-pairs"]).decode("utf-8-sig"))))
    assert pairs[1][:4] == ["Mia", "Max", "active", "3"]
    goals = list(csv.reader(io.StringIO(to_csv(*files["program-goals"]).decode("utf-8-sig"))))
    assert goals[1][:3] == ["Mia", "Max", "open my online shop"]
    meetings = to_csv(*files["program-meetings"]).decode("utf-8-sig")
    assert meetings.count("\n") == 2
    everything = "".join(to_csv(h, d).decode() for h, d in files.values())
    assert "rating" not in everything
    assert "a,b" not in everything


async def test_forgetme_of_a_mentee_ends_the_pair_and_tells_the_mentor(
    chat: ChatDriver, core: Core, pair: int
) -> None:
    await chat.say("mia", GROUP, "/met")
    await deliver(core, chat)
    await chat.press("max", "Confirm")
    await deliver(core, chat)
    await chat.press("mia", "Good fit")
    await chat.say("mia", GROUP, "/goal open my online shop")
    await chat.say("mia", GROUP, "/reflect")
    for answer in ("a secret plan", "b", "c", "d"):
        await chat.say("mia", None, answer)
    await chat.say("mia", None, "/forgetme")
    said = await chat.press("mia", "Delete everything")
    assert "2 program answers" in said  # the fit answer and the reflection
    told = await deliver(core, chat)
    assert "[dm max] mentorbot: Your mentee in Spring has left and deleted their data" in told
    assert "secret plan" not in told
    for model in (ProgramPair, ProgramMeeting, ProgramGoal, ProgramReflection, ProgramFit):
        assert await count(core, model) == 0, model
    assert await count(core, ProgramParticipant) == 1  # the mentor stays in the program


# A pair across platforms, and the pure readers


async def test_a_cross_platform_pair_reaches_each_on_their_own_platform(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    discord = DiscordSpeaker(core)
    await discord.group("dan", "chan", "/help")
    await chat.say("mia", GROUP, "/help")
    dan = await person_id(core, "dan")
    async with core.database.sessions() as session, session.begin():
        community = (
            await session.execute(select(Community).where(Community.chat_id == GROUP))
        ).scalar_one()
        programs = ProgramRepository(session)
        program = await programs.create(
            community.id, "Spring", dan, clock.now().date(), clock.now()
        )
        mia = (await session.execute(select(Account).where(Account.user_id == "mia"))).scalar_one()
        pair = await programs.add_pair(program.id, mia.person_id, dan, 1, {}, clock.now())
        pair.status = PairStatus.ACTIVE.value
        pair.paired_at = clock.now()
    await chat.say("mia", GROUP, "/met call on Tuesday")
    async with core.database.sessions() as session:
        queued = (await session.execute(select(OutboxMessage))).scalars().all()
    assert [(row.platform, row.user_id) for row in queued] == [("discord", "dan")]
    said = await discord.dm("dan", "/goal ship it")
    assert "Only a mentee in an active pair" in said


@given(st.integers(min_value=-1000, max_value=1000), st.sampled_from(["", "%", " %"]))
def test_progress_reads_exactly_the_whole_numbers_from_0_to_100(number: int, suffix: str) -> None:
    typed = f"{number}{suffix}"
    if 0 <= number <= 100:
        assert read_progress(typed) == number
    else:
        with pytest.raises(UsageError):
            read_progress(typed)


@given(st.text(alphabet="abc xyz", min_size=1, max_size=30).filter(lambda t: t.strip()))
def test_a_goal_without_by_keeps_all_its_words(text: str) -> None:
    goal, when = split_target(text)
    if " by " not in f" {text.casefold()} ".replace("  ", " "):
        assert (goal, when) == (text.strip(), None)
    assert split_target(f"{text} by dec 5")[1] == "dec 5"


async def test_report_joins_an_existing_program_command_and_leaves_the_rest_to_it() -> None:
    registry = Registry()
    translator = Translator()
    dialogs = Dialogs(translator)
    seen: list[str] = []

    async def enrolment(_ctx: Ctx, args: Args) -> None:
        seen.append(str(args.get("action", "")))

    registry.add_command(CommandSpec("program", "Programs", enrolment, "/program"))
    loop = ProgramLoop(registry, dialogs, translator, Mentoring(registry, Pager(registry)))
    loop.register()
    reports: list[Args] = []

    class Recorder(ProgramReport):
        async def report(self, ctx: Ctx) -> None:
            reports.append({})

    loop.report = Recorder()
    spec = registry.commands["program"]
    assert (spec.summary, spec.access) == ("Programs", Access.MEMBER)
    await spec.handler(cast(Ctx, None), {"action": "match"})
    await spec.handler(cast(Ctx, None), {"action": "Report"})
    assert seen == ["match"]
    assert len(reports) == 1


async def test_mentor_view_shows_goal_progress_and_target_date(
    chat: ChatDriver, core: Core, pair: int
) -> None:
    await chat.say("mia", None, "/goal open my online shop by 2026-12-20")
    await chat.say("mia", None, "/goal progress 40")
    said = await chat.say("max", None, "/mentor")
    assert "Goal progress: 40%, target date 2026-12-20." in said
    await chat.say("mia", None, "/goal done")
    assert "Goal done on " in await chat.say("mia", None, "/mentor")


@pytest.mark.parametrize(
    ("language", "typed", "goal", "date"),
    [
        ("es", "abrir mi tienda en línea para el 31 de marzo", "abrir mi tienda en línea", "3-31"),
        ("es", "abrir la tienda antes del 5 de diciembre", "abrir la tienda", "12-05"),
        ("es", "vender velas para mis clientes", "vender velas para mis clientes", None),
        ("es", "open my shop by dec 20", "open my shop", "12-20"),
        ("zh_Hant", "12月20日前開好網路商店", "開好網路商店", "12-20"),
        ("zh_Hant", "在12月5日之前賣出十支蠟燭", "賣出十支蠟燭", "12-05"),
        ("zh_Hant", "提前開店", "提前開店", None),
        ("hi", "20 दिसंबर तक ऑनलाइन दुकान खोलना", "ऑनलाइन दुकान खोलना", "12-20"),
        ("hi", "दुकान खोलना", "दुकान खोलना", None),
        ("zh_Hant", "3天前開始跑步", "3天前開始跑步", None),  # 3 days ago, not a deadline
        ("hi", "10 दिन तक रोज़ दौड़ना", "10 दिन तक रोज़ दौड़ना", None),  # for 10 days
        ("es", "correr para 3 días", "correr para 3 días", None),
        ("zh_Hant", "在三家實體店上架 12月20日前", "在三家實體店上架", "12-20"),  # date last
        ("zh_Hant", "在三家實體店上架12月20日前", "在三家實體店上架", "12-20"),
        ("hi", "ऑनलाइन दुकान खोलना 20 दिसंबर तक", "ऑनलाइन दुकान खोलना", "12-20"),
        ("zh_Hant", "一年前開始", "一年前開始", None),
    ],
)
async def test_a_goal_and_its_date_in_the_mentees_language(
    chat: ChatDriver, core: Core, pair: int, language: str, typed: str, goal: str, date: str | None
) -> None:
    await chat.say("mia", None, f"/language {language}")
    await chat.say("mia", None, f"/goal {typed}")
    stored = (await rows(core, ProgramGoal))[0]
    assert stored.text == goal
    assert (stored.target_on.strftime("%m-%d") if stored.target_on else None) == (
        date if date is None else date.zfill(5)
    )


@pytest.mark.parametrize(
    ("language", "progress", "done"),
    [
        ("es", "progreso", "hecho"),
        ("zh_Hant", "進度", "完成"),
        ("zh_Hant", "進度：", "完成了"),
        ("hi", "प्रगति", "पूरा"),
        ("hi", "प्रगति", "पूरा हो गया"),
    ],
)
async def test_progress_and_done_in_the_mentees_language_never_replace_the_goal(
    chat: ChatDriver, core: Core, pair: int, language: str, progress: str, done: str
) -> None:
    await chat.say("mia", None, f"/language {language}")
    await chat.say("mia", None, "/goal open my online shop")
    await chat.say("mia", None, f"/goal {progress} 40")
    goal = (await rows(core, ProgramGoal))[0]
    assert (goal.text, goal.progress) == ("open my online shop", 40)
    await chat.say("mia", None, f"/goal {done}")
    goal = (await rows(core, ProgramGoal))[0]
    assert goal.text == "open my online shop"
    assert goal.done_at is not None


@pytest.mark.parametrize("language", ["es", "zh_Hant", "hi"])
def test_each_translated_goal_example_reads_as_a_goal_and_a_date(language: str) -> None:
    from bot.domain.when import Day, parse_day
    from bot.features.programs.goals import GOAL_EXAMPLE

    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    example = Translator().gettext(language, GOAL_EXAMPLE)
    assert example != GOAL_EXAMPLE
    goal, when = split_target(
        example.removeprefix("/goal "),
        language,
        lambda words: isinstance(parse_day(words, "UTC", language, now), Day),
    )
    assert goal
    assert when is not None
    day = parse_day(when, "UTC", language, now)
    assert isinstance(day, Day)
    assert (day.day.month, day.day.day) == (3, 31)


@pytest.mark.parametrize(
    ("typed", "asked", "rest"),
    [
        ("progress 40", "progress", "40"),
        ("progress", "progress", ""),
        ("Progreso 40%", "progress", "40%"),
        ("進度40", "progress", "40"),
        ("進度：40", "progress", "40"),
        ("done", "done", ""),
        ("Hecho!", "done", ""),
        ("完成了", "done", ""),
        ("पूरा हो गया।", "done", ""),
        ("done with the website", "set", "done with the website"),
        ("完成十個訂單", "set", "完成十個訂單"),
        ("progressive web app", "set", "progressive web app"),
    ],
)
def test_what_a_goal_command_asks(typed: str, asked: str, rest: str) -> None:
    assert goal_command(typed) == (asked, rest)


async def test_a_member_copying_the_groups_example_gets_its_date(
    chat: ChatDriver, core: Core, pair: int
) -> None:
    """An English mentee in a Spanish group types the Spanish example she was shown."""
    await chat.say("olga", GROUP, "/settings language es")
    await chat.say("mia", None, "/language en")
    await chat.say("mia", GROUP, "/goal abrir mi tienda para el 20 de diciembre")
    stored = (await rows(core, ProgramGoal))[0]
    assert stored.text == "abrir mi tienda"
    assert stored.target_on is not None
    assert (stored.target_on.month, stored.target_on.day) == (12, 20)
