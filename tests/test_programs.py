"""Mentorship programs through the console: open, join (intake), match, approve, intros, end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import Core
from bot.config import Settings
from bot.core.markup import plain
from storage.program_models import (
    IntakeStatus,
    PairStatus,
    ProgramCloseout,
    ProgramGoal,
    ProgramMeeting,
    ProgramPair,
    ProgramParticipant,
    ProgramPulse,
    ProgramReflection,
    ReflectionStatus,
)
from tests.harness import ChatDriver, DiscordSpeaker, FakeClock
from tests.test_bridges import bridged

# Intake answers in order: timezone, topics, goal / wants, languages, meeting, availability
# (and capacity for mentors).
MIA = ["Taipei", "pricing, instagram", "skip", "English", "chat", "mon-fri 19-21", "2"]
TOM = [
    "Europe/Madrid",
    "bookkeeping, taxes",
    "Practice teaching",
    "English, Spanish",
    "2",
    "sat 10-12",
    "1",
]
ANA = [
    "Taipei",
    "pricing",
    "Sell my candles in two shops",
    "English",
    "video call",
    "mon-fri 18-20",
]
BEN = ["Europe/Madrid", "bookkeeping", "File my first tax return", "Spanish", "phone", "sat 9-12"]
CARA = ["Taipei", "instagram", "Reach 1000 followers", "English", "chat", "mon-fri 20-22"]
DEV = ["Paris", "knitting", "Open a knitting stall", "French", "in person", "sun 10-12"]


async def deliver(core: Core, chat: ChatDriver) -> str:
    core.attach(chat.console.messenger)
    start = len(chat.output)
    await core.dispatcher.drain_due()
    return "\n".join(chat.output[start:])


async def join(chat: ChatDriver, who: str, role: str, answers: Sequence[str]) -> str:
    """Joins in the group and answers every intake step in the DM; returns the last reply."""
    said = await chat.say(who, "g", f"/program join {role}")
    assert f"[dm {who}] mentorbot:" in said, said
    for answer in answers:
        said = await chat.say(who, None, answer)
    return said


async def open_program(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    said = await chat.say("olga", "g", "/program new Spring mentoring")
    assert "The mentorship program “Spring mentoring” is open!" in said


async def participants(core: Core) -> dict[str, str]:
    async with core.database.sessions() as session:
        rows = await session.execute(select(ProgramParticipant))
        return {str(row.person_id): row.intake for row in rows.scalars()}


async def pairs(core: Core) -> list[tuple[int, int, str]]:
    async with core.database.sessions() as session:
        rows = await session.execute(select(ProgramPair).order_by(ProgramPair.id))
        return [(row.mentee_id, row.mentor_id, row.status) for row in rows.scalars()]


async def test_a_whole_program_from_opening_to_close_out(
    chat: ChatDriver, core: Core, db_url: str, clock: FakeClock
) -> None:
    await open_program(chat)
    said = await join(chat, "mia", "mentor", MIA)
    assert "Capacity: 2 mentees at once" in said
    assert "Your intake is complete. You can change these answers any time with" in said
    await join(chat, "tom", "mentor", TOM)
    await join(chat, "ana", "mentee", ANA)
    said = await join(chat, "ben", "mentee", BEN[:3])  # half-way when the bot restarts
    assert "Which languages can you meet in?" in said
    assert "Intakes in progress: 1." in await chat.say("zed", "g", "/program")

    restarted = Core(Settings(_env_file=None, database_url=db_url), clock=clock)  # type: ignore[call-arg]
    await restarted.start()
    try:
        chat = ChatDriver(restarted)
        chat.make_admin("olga", "g")  # the chat platform's fact, not the bot's state
        said = await chat.say("ben", None, BEN[3])
        assert "How do you prefer to meet?" in said
        for answer in BEN[4:]:
            said = await chat.say("ben", None, answer)
        assert "Goal: File my first tax return" in said
        assert "Weekly availability (Europe/Madrid): Sat 09:00–12:00" in said
        await join(chat, "cara", "mentee", CARA)
        await join(chat, "dev", "mentee", DEV)

        said = await chat.say("zed", "g", "/program")
        assert "Mentors: 2. Mentees: 4. Pairs: 0. Intakes in progress: 0." in said
        assert "Join with /program join mentor or /program join mentee." in said

        said = await chat.say("olga", "g", "/program match")
        assert said.startswith("[dm olga] mentorbot: Proposed pairs for “Spring mentoring”:")
        assert (
            "1. Ana with Mia: score 20. Shared topics: pricing. Shared language: English. "
            "Overlap: 5 hours a week."
        ) in said
        assert (
            "2. Ben with Tom: score 27. Shared topics: bookkeeping, taxes. Shared language: "
            "Spanish. Overlap: 2 hours a week."
        ) in said
        assert (
            "3. Cara with Mia: score 20. Shared topics: instagram. Shared language: English. "
            "Overlap: 5 hours a week."
        ) in said
        assert "Dev: unmatched, because no mentor shares a topic with them" in said
        group = [line for line in said.splitlines() if line.startswith("[g]")]
        # pairs are shown privately; the group reads only where they went
        assert group == ["[g] mentorbot: I sent you the matching results privately."]

        said = await chat.press("olga", "Approve all")
        assert "Approved 3 of 3 proposed pairs, and introduced each by DM." in said
        delivered = await deliver(restarted, chat)
        assert (
            "[dm ana] mentorbot: You have a mentor in “Spring mentoring”: Mia (@mia on Console)! "
            "You share these topics: pricing. Your goal: Sell my candles in two shops. A first "
            "step: send Mia a message today"
        ) in delivered
        assert (
            "[dm mia] mentorbot: You have a new mentee in “Spring mentoring”: Ana (@ana on "
            "Console)! You share these topics: pricing. Their goal: Sell my candles in two shops."
        ) in delivered
        for who in ("ben", "tom", "cara"):
            assert f"[dm {who}] mentorbot: You have" in delivered
        assert "[dm mia] mentorbot: You have a new mentee in “Spring mentoring”: Cara" in delivered
        assert "dev" not in delivered

        said = await chat.say("zed", "g", "/program")
        assert "Mentors: 2. Mentees: 4. Pairs: 3." in said
        said = await chat.say("olga", "g", "/program pairs")
        assert "[dm olga] mentorbot: Pairs of “Spring mentoring”:" in said
        assert (
            "Ana with Mia: last meeting none yet, last reflection none yet, goal progress "
            "none yet, health: new."
        ) in said
        said = await chat.say("ana", "g", "/program pairs")
        assert "Ana with Mia" in said
        assert "Ben with Tom" not in said
        said = await chat.say("mia", None, "/mentor")
        assert "In “Spring mentoring” you mentor Ana. Their goal: Sell my candles" in said
        assert "In “Spring mentoring” you mentor Cara." in said
        assert "Next reflection: 2026-11-30. Last meeting: none yet." in said
        said = await chat.say("ben", None, "/mentor")
        assert "your mentor is Tom" in said
        assert "Next reflection: 2026-11-30." in said  # Monday 18:00 in Madrid

        said = await chat.say("olga", "g", "/program end")
        assert "has ended. I'm asking each of its 6 participants two close-out" in said
        delivered = await deliver(restarted, chat)
        assert delivered.count("How useful was it for you, from 1 (not at all) to 5 (very)?") == 6
        assert "What is one thing" in await chat.say("ana", None, "4")
        said = await chat.say("ana", None, "Keep the weekly reflections")
        assert "Thank you!" in said
        async with restarted.database.sessions() as session:
            closeouts = list((await session.execute(select(ProgramCloseout))).scalars())
        assert len(closeouts) == 1
        assert '"useful": 4' in closeouts[0].answers
        said = await chat.say("olga", "g", "/program pairs")
        assert "Ana with Mia" in said
        assert "health: ended." in said
        said = await chat.say("zed", "g", "/program")
        assert "has ended" in said
        assert {status for _, _, status in await pairs(restarted)} == {PairStatus.ENDED.value}
    finally:
        await restarted.stop()


async def test_joining_twice_or_as_both_roles_says_what_happens(chat: ChatDriver) -> None:
    await open_program(chat)
    said = await chat.say("ana", "g", "/program join mentee")
    assert "I've sent you a private message with the first question." in said
    said = await chat.say("ana", "g", "/program join mentee")
    assert "You're already joining “Spring mentoring” as a mentee" in said
    for answer in ANA:
        await chat.say("ana", None, answer)
    said = await chat.say("ana", None, "/program join mentee")
    assert (
        "You're already in “Spring mentoring” as a mentee. To change your answers, send "
        "/program profile."
    ) in said
    said = await chat.say("ana", "g", "/program join mentor")
    assert (
        "You're already in “Spring mentoring” as a mentee. One person takes one role in a "
        "program, so I can't add you as a mentor too."
    ) in said
    assert list((await participants(chat.core)).values()) == [IntakeStatus.COMPLETE.value]
    said = await chat.say("ana", "g", "/program join teacher")
    assert "Say whether you join as a mentor or a mentee." in said
    assert "/program join mentee" in said


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("0", "from 1 to 5"),
        ("6", "Please give a number from 1 to 5."),
        ("lots", "“lots” is not a number."),
    ],
)
async def test_mentor_capacity_outside_one_to_five_is_refused(
    chat: ChatDriver, bad: str, reason: str
) -> None:
    await open_program(chat)
    said = await join(chat, "mia", "mentor", MIA[:-1])
    assert "How many mentees can you take on at once, from 1 to 5?" in said
    said = await chat.say("mia", None, bad)
    assert reason in said
    assert "How many mentees can you take on at once, from 1 to 5?" in said  # asked again
    assert list((await participants(chat.core)).values()) == [IntakeStatus.IN_PROGRESS.value]
    said = await chat.say("mia", None, "3")
    assert "Capacity: 3 mentees at once" in said


@pytest.mark.parametrize(
    ("step", "bad", "reason"),
    [
        (0, "Madrid", "“Madrid” could be several timezones: Europe/Madrid, America/Bogota."),
        (0, "Atlantis", "I don't know the timezone “Atlantis”. Did you mean one of these:"),
        (0, "Etc/GMT+8", "I don't set Etc/ zones"),
        (5, "whenever", "I couldn't read “whenever” as days and hours."),
        (5, "mon 25-27", "I couldn't read “mon 25-27” as days and hours."),
        (
            4,
            "carrier pigeon",
            "Please pick one of: 1. Video call, 2. Phone, 3. Chat, 4. In person.",
        ),
    ],
)
async def test_bad_intake_answers_are_refused_and_asked_again(
    chat: ChatDriver, step: int, bad: str, reason: str
) -> None:
    await open_program(chat)
    await join(chat, "ana", "mentee", ANA[:step])
    said = await chat.say("ana", None, bad)
    assert reason in said
    assert "something went wrong" not in said.casefold()
    for answer in ANA[step:]:
        said = await chat.say("ana", None, answer)
    assert "Your intake is complete." in said


async def test_answering_an_intake_step_in_the_group_points_to_the_dm(chat: ChatDriver) -> None:
    await open_program(chat)
    await join(chat, "ana", "mentee", ANA[:2])
    said = await chat.say("ana", "g", "Sell my candles")
    assert "I'm asking you something in our private chat. Please answer me there." in said
    assert await chat.say("ana", "g", "still here") == ""  # one pointer, then quiet
    said = await chat.say("ana", None, "Sell my candles in two shops")
    assert "Which languages can you meet in?" in said


async def test_cancel_inside_the_intake_withdraws_the_join(chat: ChatDriver) -> None:
    await open_program(chat)
    await join(chat, "ana", "mentee", ANA[:3])
    said = await chat.say("ana", None, "/cancel")
    assert "Cancelled" in said
    assert (
        "You have left “Spring mentoring”. Join again any time with /program join mentee." in said
    )
    assert list((await participants(chat.core)).values()) == [IntakeStatus.WITHDRAWN.value]
    said = await chat.say("zed", "g", "/program")
    assert "Mentors: 0. Mentees: 0. Pairs: 0. Intakes in progress: 0." in said
    said = await join(chat, "ana", "mentor", MIA)  # joins again, this time as a mentor
    assert "Role: mentor" in said
    assert "Your intake is complete." in said


async def test_profile_shows_the_answers_and_asks_again(chat: ChatDriver) -> None:
    await open_program(chat)
    await join(chat, "ana", "mentee", ANA)
    said = await chat.say("ana", "g", "/program profile")
    assert "[dm ana] mentorbot: Your answers for “Spring mentoring” now:" in said
    assert "Goal: Sell my candles in two shops" in said
    assert "Which topics do you want help with" in said  # the zone is known: not asked again
    for answer in ["pricing, packaging", "Open an online shop", "English", "1", "sat 10-12"]:
        said = await chat.say("ana", None, answer)
    assert "Goal: Open an online shop" in said
    said = await chat.say("ana", None, "/program profile")
    said = await chat.say("ana", None, "/cancel")
    assert "Your earlier answers stay as they were." in said
    assert list((await participants(chat.core)).values()) == [IntakeStatus.COMPLETE.value]


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ([], "Nobody has completed an intake yet, so there is no one to pair."),
        ([("mia", "mentor", MIA)], "No mentee has completed an intake yet"),
        ([("ana", "mentee", ANA)], "No mentor has completed an intake yet"),
        (
            [("tom", "mentor", TOM), ("dev", "mentee", DEV)],
            "I have no pairs to propose.\n    Dev: unmatched, because no mentor shares a topic",
        ),
    ],
)
async def test_match_with_nobody_to_pair_says_so(
    chat: ChatDriver, people: list[tuple[str, str, list[str]]], expected: str
) -> None:
    await open_program(chat)
    for who, role, answers in people:
        await join(chat, who, role, answers)
    said = await chat.say("olga", "g", "/program match")
    assert expected in said
    group = [line for line in said.splitlines() if line.startswith("[g]")]
    assert group == ["[g] mentorbot: I sent you the matching results privately."]
    assert "Approve all" not in said
    assert await pairs(chat.core) == []


async def test_match_in_the_group_leaves_a_content_free_line_or_the_dm_notice(
    chat: ChatDriver,
) -> None:
    await open_program(chat)
    await join(chat, "tom", "mentor", TOM)
    await join(chat, "ben", "mentee", BEN)
    said = await chat.say("olga", "g", "/program match")
    assert "[dm olga] mentorbot: Proposed pairs" in said
    assert said.endswith("[g] mentorbot: I sent you the matching results privately."), said
    chat.console.messenger.unreachable.add("olga")
    said = await chat.say("olga", "g", "/program match")
    group = [line for line in said.splitlines() if line.startswith("[g]")]
    assert group == [
        "[g] mentorbot: @Olga, I have a private message for you, but I can't send it to you "
        "by DM yet."
    ], said
    assert "Ben with Tom" not in said


async def test_more_mentees_than_capacity_leaves_the_rest_unmatched(chat: ChatDriver) -> None:
    await open_program(chat)
    await join(chat, "tom", "mentor", TOM)  # room for one
    await join(chat, "ben", "mentee", BEN)
    await join(chat, "ana", "mentee", ["bookkeeping" if a == "pricing" else a for a in ANA])
    said = await chat.say("olga", "g", "/program match")
    assert "1. Ben with Tom: score 27." in said
    assert "Ana: unmatched, because every mentor who fits is full (Tom)." in said
    assert "The mentors have room for 1 more mentee, and 2 are waiting." in said


async def test_program_new_while_one_is_open_or_running_is_refused(chat: ChatDriver) -> None:
    await open_program(chat)
    said = await chat.say("olga", "g", "/program new Autumn")
    assert (
        "The program “Spring mentoring” is still open for joining here, and a community runs "
        "one program at a time. End it with /program end before opening a new one."
    ) in said
    await join(chat, "mia", "mentor", MIA)
    await join(chat, "ana", "mentee", ANA)
    await chat.say("olga", "g", "/program match")
    await chat.say("olga", "g", "/program approve all")
    said = await chat.say("olga", "g", "/program new Autumn")
    assert "“Spring mentoring” is still running here" in said
    await chat.say("olga", "g", "/program end")
    said = await chat.say("olga", "g", "/program new Autumn")
    assert "The mentorship program “Autumn” is open!" in said


async def test_members_cannot_run_organizer_commands(chat: ChatDriver) -> None:
    said = await chat.say("zed", "g", "/program new Mine")
    assert "Only organizers can use /program new" in said
    await open_program(chat)
    for command in ("/program set weeks 8", "/program match", "/program end"):
        said = await chat.say("zed", "g", command)
        assert "Only organizers can use" in said, command
    said = await chat.say("zed", "g", "/program")
    assert "Spring mentoring is a mentorship program, open for joining" in said


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("weeks 8", "The program now runs 8 weeks: from Mon 2026-11-23 (UTC) to Sun 2027-01-17"),
        ("weeks 60", "A program runs from 4 to 52 weeks, so 60 won't do."),
        ("weeks 3", "A program runs from 4 to 52 weeks, so 3 won't do."),
        ("weeks twelve", "Give the number of weeks as a whole number from 4 to 52."),
        ("start 2026-12-07", "The program now starts on Mon 2026-12-07 (UTC) and ends on Sun"),
        ("start dec 7", "The program now starts on Mon 2026-12-07 (UTC)"),
        ("start yesterday", "is in the past. Give a date from today on."),
        ("start someday", "I can't read “someday” as a date."),
        ("reflection friday 19:30", "Weekly reflections now come on Friday at 19:30"),
        ("reflection sun 9", "Weekly reflections now come on Sunday at 09:00"),
        ("reflection funday 25:00", "Give a weekday and a 24-hour time, like monday 18:00."),
        ("reflection monday 25:00", "Give a weekday and a 24-hour time"),
        ("pairing auto", "Pairing is now automatic"),
        ("pairing approve", "Pairing is now approved by an organizer"),
        ("pairing random", "Pairing is approve or auto."),
        ("colour blue", "I can change weeks, start, reflection or pairing."),
    ],
)
async def test_program_set_shows_the_new_value_or_refuses_with_an_example(
    chat: ChatDriver, command: str, reply: str
) -> None:
    await open_program(chat)
    said = await chat.say("olga", "g", f"/program set {command}")
    assert reply in said
    assert "something went wrong" not in said.casefold()
    if "won't do" in reply or "Give" in reply or "can't read" in reply or "past" in reply:
        assert "Example:" in said


async def test_automatic_pairing_makes_the_pairs_at_once(chat: ChatDriver, core: Core) -> None:
    await open_program(chat)
    await chat.say("olga", "g", "/program set pairing auto")
    await join(chat, "mia", "mentor", MIA)
    await join(chat, "ana", "mentee", ANA)
    said = await chat.say("olga", "g", "/program match")
    assert "Pairing is automatic, so I've made these pairs and introduced them:" in said
    assert "1. Ana with Mia: score 20." in said
    assert "Approve all" not in said
    assert [status for _, _, status in await pairs(core)] == [PairStatus.ACTIVE.value]
    assert "[dm ana] mentorbot: You have a mentor" in await deliver(core, chat)


async def test_one_by_one_approve_and_skip(chat: ChatDriver, core: Core) -> None:
    await open_program(chat)
    await join(chat, "mia", "mentor", MIA)
    await join(chat, "tom", "mentor", TOM)
    await join(chat, "ana", "mentee", ANA)
    await join(chat, "ben", "mentee", BEN)
    await chat.say("olga", "g", "/program match")
    said = await chat.press("olga", "One by one")
    assert "1. Ana with Mia: score 20." in said
    said = await chat.press("olga", "Approve")
    assert "Paired Ana with Mia, and introduced them by DM." in said
    assert "2. Ben with Tom: score 27." in said
    said = await chat.press("zed", "Skip")
    assert "Only organizers can use /program match" in said
    said = await chat.press("olga", "Skip")
    assert "Skipped." in said
    assert "No proposals are waiting." in said
    assert [status for _, _, status in await pairs(core)] == [PairStatus.ACTIVE.value]
    said = await chat.say("olga", "g", "/program approve 2")
    assert "There is no proposal #2 waiting." in said
    said = await chat.say("olga", "g", "/program match")  # Ben is proposed again
    assert "1. Ben with Tom: score 27." in said
    said = await chat.say("olga", "g", "/program approve 1")
    assert "Paired Ben with Tom, and introduced them by DM." in said


async def test_pair_by_hand_follows_the_same_rules(chat: ChatDriver, core: Core) -> None:
    await open_program(chat)
    await join(chat, "tom", "mentor", TOM)  # capacity 1
    await join(chat, "ana", "mentee", ANA)
    await join(chat, "ben", "mentee", BEN)
    said = await chat.say("olga", "g", "/program pair @tom @ana")
    assert "Tom is not a mentee with a complete intake in “Spring mentoring”." in said
    said = await chat.say("olga", "g", "/program pair @ana @tom")
    assert "Paired Ana with Tom, and introduced them by DM." in said
    said = await chat.say("olga", "g", "/program pair @ben @tom")
    assert "I can't pair Ben with Tom: Tom has no room left, or Ben already has a mentor." in said
    said = await chat.say("olga", "g", "/program pair @ana @tom")
    assert "These two have already been a pair in this program" in said
    said = await chat.say("olga", "g", "/program pair @ana")
    assert "Name the mentee, then the mentor." in said
    delivered = await deliver(core, chat)
    assert "[dm ana] mentorbot: You have a mentor in “Spring mentoring”: Tom" in delivered
    assert "You share these topics: none yet." in delivered  # set by hand, nothing shared


async def test_a_bridge_shares_one_program_and_intros_reach_each_platform(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await open_program(chat)
    said = await discord.group("dora", "dc", "/program new Discord side", admin=True)
    assert "The program “Spring mentoring” is still open for joining here" in said
    said = await discord.group("max", "dc", "/program join mentor")
    assert "Welcome to “Spring mentoring”!" in said
    for answer in MIA:
        said = await discord.dm("max", answer)
    assert "Your intake is complete." in said
    await join(chat, "ana", "mentee", ANA)
    said = await discord.group("max", "dc", "/program")
    assert "Mentors: 1. Mentees: 1. Pairs: 0." in said
    said = await chat.say("olga", "g", "/program match")
    assert "1. Ana with Max: score 20." in said
    await chat.press("olga", "Approve all")
    core.attach(chat.console.messenger)
    core.attach(discord.messenger)
    start = len(chat.output)
    await core.dispatcher.drain_due()
    delivered = "\n".join(chat.output[start:])
    assert (
        "[dm ana] mentorbot: You have a mentor in “Spring mentoring”: Max (@max on Discord)!"
        in (delivered)
    )
    to_max = [
        plain(message.text)
        for kind, target, message, _ in discord.messenger.sent
        if (kind, target) == ("dm", "max")
    ]
    assert len(to_max) == 1
    assert to_max[0].startswith(
        "You have a new mentee in “Spring mentoring”: Ana (@ana on Console)! You share these "
        "topics: pricing. Their goal: Sell my candles in two shops."
    )


async def test_an_intake_left_unanswered_lapses_and_withdraws_the_join(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await open_program(chat)
    await join(chat, "ana", "mentee", ANA[:2])
    clock.advance(hours=25)
    assert await core.dialog_lapses.sweep() == 1
    assert list((await participants(core)).values()) == [IntakeStatus.WITHDRAWN.value]
    said = await chat.say("zed", "g", "/program")
    assert "Intakes in progress: 0." in said
    said = await chat.say("ana", "g", "/program join mentee")
    assert "I've sent you a private message with the first question." in said


async def test_a_mentee_who_wants_another_mentor_is_matched_again(
    chat: ChatDriver, core: Core
) -> None:
    await open_program(chat)
    await join(chat, "mia", "mentor", MIA)
    await join(chat, "tom", "mentor", TOM)
    await join(chat, "ana", "mentee", [a if a != "pricing" else "pricing, taxes" for a in ANA])
    await chat.say("olga", "g", "/program match")
    await chat.say("olga", "g", "/program approve all")
    said = await chat.say("olga", "g", "/program match")
    assert "Every mentee already has a mentor. Nothing to propose." in said
    async with core.database.sessions() as session, session.begin():
        for participant in (await session.execute(select(ProgramParticipant))).scalars():
            participant.wants_new_mentor = participant.role == "mentee"
    said = await chat.say("olga", "g", "/program match")
    assert "1. Ana with Tom: score 15." in said  # never Mia again: a pair is never repeated
    said = await chat.say("olga", "g", "/program approve 1")
    assert "Paired Ana with Tom" in said
    assert [status for _, _, status in await pairs(core)] == ["ended", "active"]


async def test_program_pairs_come_a_page_at_a_time(chat: ChatDriver, core: Core) -> None:
    await open_program(chat)
    mentors = [f"mentor{n:02d}" for n in range(12)]
    mentees = [f"mentee{n:02d}" for n in range(12)]
    for who in mentors:
        await join(chat, who, "mentor", MIA)
    for who in mentees:
        await join(chat, who, "mentee", ANA)
    said = await chat.say("olga", "g", "/program match")
    assert "12. Mentee11 with" in said
    await chat.say("olga", "g", "/program approve all")
    said = await chat.say("olga", "g", "/program pairs")
    assert "[g]" not in said
    assert said.count(": last meeting none yet") == 10
    assert "Page 1 of 2." in said
    said = await chat.press("olga", "Next ▶")
    assert said.count(": last meeting none yet") == 2
    assert "Page 2 of 2." in said


async def test_program_in_a_dm_finds_the_persons_community(chat: ChatDriver) -> None:
    said = await chat.say("ana", None, "/program")
    assert "There is no mentorship program here right now." in said
    await open_program(chat)
    await chat.say("ana", "g", "/join")
    said = await chat.say("ana", None, "/program")
    assert "Spring mentoring is a mentorship program, open for joining" in said
    said = await chat.say("ana", None, "/program join mentee")
    assert "[dm ana] mentorbot: Welcome to “Spring mentoring”!" in said
    said = await chat.say("ana", None, "/program new Other")
    assert "This works in a group chat." in said


async def test_pair_views_read_the_loop_tables_with_dates_in_the_readers_zone(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await open_program(chat)
    await join(chat, "mia", "mentor", MIA)
    await join(chat, "ana", "mentee", ANA)
    await chat.say("olga", "g", "/program match")
    await chat.say("olga", "g", "/program approve all")
    await chat.say("olga", "g", "/timezone Pacific/Honolulu")  # UTC-10: one day earlier
    clock.advance(days=10)
    met = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Nov 30 in Taipei, Nov 29 in Honolulu
    async with core.database.sessions() as session, session.begin():
        pair = (await session.execute(select(ProgramPair))).scalars().one()
        session.add_all(
            [
                ProgramMeeting(
                    pair_id=pair.id,
                    logged_by=pair.mentee_id,
                    logged_at=met,
                    confirmed_at=met,
                    confirmed_by=pair.mentor_id,
                ),
                ProgramMeeting(pair_id=pair.id, logged_by=pair.mentor_id, logged_at=clock.now()),
                ProgramReflection(
                    pair_id=pair.id,
                    week_start=date(2026, 11, 30),
                    status=ReflectionStatus.ANSWERED.value,
                    answered_at=met,
                ),
                ProgramGoal(
                    pair_id=pair.id,
                    text="Two shops by March",
                    progress=40,
                    created_at=met,
                    updated_at=met,
                ),
                ProgramPulse(
                    pair_id=pair.id, person_id=pair.mentee_id, due_at=met, answered_at=met, score=2
                ),
            ]
        )
    said = await chat.say("olga", "g", "/program pairs")
    assert (
        "Ana with Mia: last meeting 2026-11-29, last reflection 2026-11-29, goal progress 40%, "
        "health: needs attention."
    ) in said  # the unconfirmed meeting does not count
    said = await chat.say("ana", None, "/mentor")
    assert "your mentor is Mia. Your goal: Two shops by March." in said
    assert "Last meeting: 2026-11-30." in said  # Ana reads it in Taipei
