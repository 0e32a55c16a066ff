"""One whole mentorship program walked through the console, as its people see it: opening,
six intakes (one across a restart), matching, intros, a meeting, a reflection in a DST week,
a low pulse, the stuck list, the report and export, and the close-out."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.console import ConsoleMessenger
from bot.app import Core
from bot.config import Settings
from bot.core.events import Attachment, ChatKind, OutMessage
from tests.harness import ChatDriver, FakeClock
from tests.program_seed import press_own

GROUP = "makers"
# Intake answers in order: timezone, topics, goal (mentors: what they want), languages,
# meeting way, weekly availability, and for mentors a capacity.
MENTORS = {
    "mia": ["Taipei", "pricing, instagram", "skip", "English", "chat", "mon-fri 19-21", "1"],
    "tom": [
        "Europe/Madrid",
        "bookkeeping, taxes",
        "Practice teaching",
        "English, Spanish",
        "phone",
        "sat 10-12",
        "1",
    ],
    "kai": ["America/New_York", "knitting, etsy", "skip", "English", "2", "mon-fri 17-20", "1"],
}
MENTEES = {
    "ana": [
        "Taipei",
        "pricing",
        "Sell my candles in two shops",
        "English",
        "chat",
        "mon-fri 18-20",
    ],
    "ben": ["Europe/Madrid", "bookkeeping", "File my first tax return", "Spanish", "3", "sat 9-12"],
    "nia": [
        "America/New_York",
        "knitting",
        "Open a knitting stall",
        "English",
        "video call",
        "mon-fri 18-20",
    ],
}


@dataclass(slots=True)
class KeepingMessenger(ConsoleMessenger):
    """The console messenger, also keeping the files it was sent (what the organizer gets)."""

    files: list[Attachment] = field(default_factory=list)

    def _print(self, where: str, chat_id: str, kind: ChatKind, message: OutMessage) -> str:
        if message.attachment is not None:
            self.files.append(message.attachment)
        return ConsoleMessenger._print(self, where, chat_id, kind, message)


def driver(core: Core) -> tuple[ChatDriver, KeepingMessenger]:
    """A console chat on this core whose messenger keeps attachments; olga admins the group."""
    chat = ChatDriver(core)
    messenger = KeepingMessenger(chat.output.append)
    chat.console.messenger = messenger
    chat.make_admin("olga", GROUP)
    core.attach(messenger)
    return chat, messenger


async def deliver(core: Core, chat: ChatDriver) -> str:
    """Sends what the outbox has due to the console, and returns what it printed."""
    start = len(chat.output)
    await core.dispatcher.drain_due()
    return "\n".join(chat.output[start:])


async def answer(chat: ChatDriver, who: str, answers: Sequence[str]) -> str:
    """Answers dialog steps one by one in the person's DM; returns the last reply."""
    said = ""
    for text in answers:
        said = await chat.say(who, None, text)
        assert "something went wrong" not in said.casefold(), said
    return said


async def move(core: Core, clock: FakeClock, to: datetime) -> int:
    """Moves the clock and runs the housekeeping the schedule engine runs: lapses, the loop."""
    clock.current = to
    await core.dialog_lapses.sweep()
    return await core.program_sweeps.sweep()


def csv_rows(files: list[Attachment], name: str) -> list[list[str]]:
    """The rows of the newest CSV file whose name ends with `name`.csv."""
    found = [file for file in files if file.filename.endswith(f"-{name}.csv")]
    assert found, [file.filename for file in files]
    return list(csv.reader(io.StringIO(found[-1].data.decode("utf-8-sig"))))


async def test_a_whole_program_walk_through_the_console(
    core: Core, db_url: str, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday, a week before US DST
    chat, _ = driver(core)
    said = await chat.say("olga", GROUP, "/program new Spring circle")
    assert "The mentorship program “Spring circle” is open!" in said

    # Six people join; each intake is answered step by step in the DM.
    for who, answers in MENTORS.items():
        said = await chat.say(who, GROUP, "/program join mentor")
        assert "I've sent you a private message with the first question." in said
        said = await answer(chat, who, answers)
        assert "Your intake is complete." in said, said
        assert "Capacity: 1 mentee at once" in said
    for who in ("ana", "ben"):
        await chat.say(who, GROUP, "/program join mentee")
        said = await answer(chat, who, MENTEES[who])
        assert "Your intake is complete." in said, said
    await chat.say("nia", GROUP, "/program join mentee")
    said = await answer(chat, "nia", MENTEES["nia"][:3])
    assert "Which languages can you meet in?" in said
    said = await chat.say("zed", GROUP, "/program")
    assert "Mentors: 3. Mentees: 2. Pairs: 0. Intakes in progress: 1." in said

    # The bot restarts in the middle of Nia's intake: a new core on the same database.
    restarted = Core(Settings(_env_file=None, database_url=db_url), clock=clock)  # type: ignore[call-arg]
    await restarted.start()
    try:
        await walk_on(restarted, clock)
    finally:
        await restarted.stop()


async def walk_on(core: Core, clock: FakeClock) -> None:
    """Everything after the restart, on the new core."""
    chat, messenger = driver(core)
    said = await chat.say("nia", None, MENTEES["nia"][3])  # answers the pending step
    assert "How do you prefer to meet?" in said
    said = await answer(chat, "nia", MENTEES["nia"][4:])
    assert "Your intake is complete." in said
    assert "Goal: Open a knitting stall" in said
    assert "Weekly availability (America/New_York): Mon–Fri 18:00–20:00" in said
    said = await chat.say("zed", GROUP, "/program")
    assert "Mentors: 3. Mentees: 3. Pairs: 0. Intakes in progress: 0." in said

    # Matching proposes, privately, with reasons; the organizer approves all.
    said = await chat.say("olga", GROUP, "/program match")
    assert said.startswith("[dm olga] mentorbot: Proposed pairs for “Spring circle”:"), said
    for line in (
        "1. Ana with Mia: score 20. Shared topics: pricing. Shared language: English. "
        "Overlap: 5 hours a week.",
        # Ben's goal ("tax return") shares "taxes" with Tom too
        "2. Ben with Tom: score 27. Shared topics: bookkeeping, taxes. Shared language: "
        "Spanish. Overlap: 2 hours a week.",
        # ten hours overlap, eight counted
        "3. Nia with Kai: score 23. Shared topics: knitting. Shared language: English. "
        "Overlap: 10 hours a week.",
    ):
        assert line in said, said
    # proposals are private; the group reads only where they went
    group = [line for line in said.splitlines() if line.startswith("[makers]")]
    assert group == ["[makers] mentorbot: I sent you the matching results privately."]
    assert "unmatched" not in said
    said = await chat.press("olga", "Approve all")
    assert "Approved 3 of 3 proposed pairs, and introduced each by DM." in said
    intros = await deliver(core, chat)
    assert (
        "[dm nia] mentorbot: You have a mentor in “Spring circle”: Kai (@kai on Console)! "
        "You share these topics: knitting. Your goal: Open a knitting stall."
    ) in intros
    assert (
        "[dm kai] mentorbot: You have a new mentee in “Spring circle”: Nia (@nia on Console)!"
    ) in intros
    for who in ("ana", "mia", "ben", "tom"):
        assert f"[dm {who}] mentorbot: You have" in intros

    # Thursday: Nia logs a meeting, Kai confirms, both rate it; Nia answers the fit question.
    clock.current = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
    said = await chat.say("nia", GROUP, "/met we sketched the stall layout")
    assert "Logged your meeting with Kai" in said
    assert "[dm nia]" in said
    asked = await deliver(core, chat)
    assert "[dm kai] mentorbot: Nia logged a meeting with you on 2026-03-05:" in asked
    said = await chat.press("kai", "Confirm")
    assert "Confirmed, thank you" in said
    assert "your rating is saved" in await press_own(chat, "kai", "3 – useful")
    told = await deliver(core, chat)
    assert "[dm nia] mentorbot: Kai confirmed your meeting" in told
    assert "How is the fit?" in told
    assert "your rating is saved" in await press_own(chat, "nia", "4 – very useful")
    said = await press_own(chat, "nia", "Good fit")
    assert "something went wrong" not in said.casefold()
    # Ana and Mia meet too (confirmed, not rated).
    await chat.say("mia", None, "/met coffee")
    await deliver(core, chat)
    assert "Confirmed, thank you" in await press_own(chat, "ana", "Confirm")
    await deliver(core, chat)
    said = await chat.say("nia", None, "/goal open a knitting stall by 2026-05-01")
    assert "Your goal is set" in said
    said = await chat.say("nia", None, "/goal progress 40")
    assert "40%" in said
    told = await deliver(core, chat)
    assert "[dm kai] mentorbot: Nia set a new goal:" in told
    assert "is now at 40%" in told
    said = await chat.say("nia", GROUP, "/mentor")
    assert "[dm nia] mentorbot: In “Spring circle” your mentor is Kai." in said
    assert "Next reflection: 2026-03-09. Last meeting: 2026-03-05." in said

    # The DST week: New York moved to EDT on Sunday 2026-03-08, so Monday 18:00 for Nia is
    # 22:00 UTC (it was 23:00 the week before). A minute earlier, the others' come, not hers.
    await move(core, clock, datetime(2026, 3, 9, 21, 59, tzinfo=UTC))
    early = await deliver(core, chat)
    assert "[dm ben] mentorbot: Time for this week's reflection with Tom." in early
    assert "[dm nia]" not in early
    assert await move(core, clock, datetime(2026, 3, 9, 22, 0, tzinfo=UTC)) == 1
    asked = await deliver(core, chat)
    assert "[dm nia] mentorbot: Time for this week's reflection with Kai." in asked
    said = await answer(
        chat,
        "nia",
        [
            "Bought yarn for the stall",
            "The market fee is high",
            "Ask two markets",
            "Check my prices",
        ],
    )
    assert "I've sent your reflection to Kai" in said
    said = await chat.say("nia", None, "/mentor")  # this week's is done: the next is next week
    assert "Next reflection: 2026-03-16. Last meeting: 2026-03-05." in said
    said = await chat.say("olga", GROUP, "/program pairs")
    assert (
        "Nia with Kai: last meeting 2026-03-05, last reflection 2026-03-09, goal progress 40%, "
        "health: on track."
    ) in said
    assert (
        "Ben with Tom: last meeting none yet, last reflection none yet, goal progress none yet, "
        "health: new."
    ) in said
    told = await deliver(core, chat)
    assert "[dm kai] mentorbot: 📝 Nia's reflection for the week of 2026-03-09:" in told
    for words in ("Bought yarn for the stall", "The market fee is high", "Ask two markets"):
        assert words in told
    assert {line.split("]")[0] for line in told.splitlines() if line.startswith("[")} == {
        "[dm kai"
    }  # the pair only
    assert await move(core, clock, datetime(2026, 3, 9, 22, 30, tzinfo=UTC)) == 0

    # Monday three weeks after pairing: Ben and Tom have neither met nor reflected.
    await move(core, clock, datetime(2026, 3, 23, 9, 0, tzinfo=UTC))
    stuck = await deliver(core, chat)
    assert "[dm olga] mentorbot: 🧭 Pairs in Spring circle with no confirmed meeting" in stuck
    assert "• Ben and Tom" in stuck
    assert "Nia and Kai" not in stuck
    assert "Ana and Mia" not in stuck

    # The report and the export, privately to the organizer.
    said = await chat.say("olga", GROUP, "/program report")
    for line in (
        "[dm olga] mentorbot: 📋 Spring circle: the program report",
        "Active pairs: 3",
        "Meetings this month: 2",
        "Reflections sent / expected: 1 / 3",
        "Goals set / done: 1 / 0",
        "Mean meeting rating: 3.5 of 4",
        "Stuck pairs: 1",
    ):
        assert line in said, said
    assert "(attached image: program-" in said
    assert "I sent you the program report privately." in said
    said = await chat.say("olga", GROUP, "/export")
    for name, count in (("program pairs", 3), ("program meetings", 2), ("program goals", 1)):
        assert f"[dm olga] mentorbot: 📄 makers: {name} (rows: {count})" in said
    assert f"[{GROUP}] mentorbot: 📄" not in said  # the files go privately
    paired = "2026-03-02T08:00:00+00:00"
    assert csv_rows(messenger.files, "program-pairs") == [
        ["mentee", "mentor", "status", "score", "paired", "ended"],
        ["Ana", "Mia", "active", "20", paired, ""],
        ["Ben", "Tom", "active", "27", paired, ""],
        ["Nia", "Kai", "active", "23", paired, ""],
    ]
    met = "2026-03-05T15:00:00+00:00"
    assert csv_rows(messenger.files, "program-meetings") == [
        ["mentee", "mentor", "logged_by", "logged", "confirmed"],
        ["Nia", "Kai", "Nia", met, met],
        ["Ana", "Mia", "Mia", met, met],
    ]
    assert csv_rows(messenger.files, "program-goals") == [
        ["mentee", "mentor", "goal", "target", "progress", "done"],
        ["Nia", "Kai", "open a knitting stall", "2026-05-01", "40", ""],
    ]
    everything = "".join(file.data.decode("utf-8-sig") for file in messenger.files[-3:])
    assert "market fee" not in everything  # reflections never leave the pair

    # Thirty days after pairing: a health pulse to each; Kai answers 2.
    await move(core, clock, datetime(2026, 4, 1, 8, 0, tzinfo=UTC))
    asked = await deliver(core, chat)
    assert "[dm kai] mentorbot: A quick health check" in asked
    said = await chat.say("kai", None, "2")  # typed, not pressed
    assert "Organizers only ever see totals" in said
    told = await deliver(core, chat)
    assert (
        "[dm olga] mentorbot: 🩺 The pair Nia and Kai in Spring circle may need attention: a "
        "health check came back low."
    ) in told
    assert "2" not in told.replace("[dm olga]", "")

    for who in ("ana", "mia", "ben", "tom"):
        assert "Organizers only ever see totals" in await press_own(chat, who, "4")
    assert await deliver(core, chat) == ""  # good answers alert nobody

    # The organizer ends the program; everyone gets the close-out. Nia's pulse is still open,
    # so hers waits until she answers it (one conversation at a time).
    said = await chat.say("olga", GROUP, "/program end")
    assert "has ended. I'm asking each of its 6 participants two close-out" in said
    asked = await deliver(core, chat)
    question = "How useful was it for you, from 1 (not at all) to 5 (very)?"
    assert asked.count(question) == 5
    assert "[dm nia]" not in asked
    said = await press_own(chat, "nia", "5 – very well")
    assert "Organizers only ever see totals" in said
    assert question in said + await deliver(core, chat)
    said = await chat.say("nia", None, "5")
    assert "What is one thing" in said
    said = await chat.say("nia", None, "Meet every week from the start")
    assert "Thank you!" in said
    said = await chat.say("kai", None, "4")
    assert "What is one thing" in said
    said = await chat.say("olga", GROUP, "/program pairs")
    assert "Nia with Kai" in said
    assert "health: ended." in said
