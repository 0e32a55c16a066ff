"""Guided conversations through the console and the real router: every dialog rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from adapters.console import ConsoleMessenger
from bot.app import Core
from bot.config import Settings
from bot.core.context import Ctx
from bot.core.events import Address, ButtonPress, ChatKind, Message, Sender
from bot.core.markup import plain
from bot.core.registry import Access, Args, CommandSpec
from bot.dialogs import Answers, Completion, DialogSpec, Kind, Lapse, Option, Step
from bot.dialogs.words import folded, meaning
from storage.dialogs_repo import DialogRepository
from storage.models import Account, Community, DialogSession, DialogStatus
from tests.harness import ChatDriver, FakeClock, deliver


def _enough_words(answer: object, _answers: Answers) -> tuple[str, Mapping[str, object]] | None:
    if isinstance(answer, str) and len(answer) < 3:
        return ("Please write a few words (at least 3 letters).", {})
    return None


def _after_hours(answers: Answers) -> str | None:
    return "sure" if answers.get("pace") == "weekly" else None


DEMO_STEPS = (
    Step(
        "topic",
        "Hi {name}! What would you like to work on?",
        example="pricing my candles",
        max_length=80,
        check=_enough_words,
    ),
    Step(
        "pace",
        "How often would you like to meet?",
        Kind.CHOICE,
        options=(Option("weekly", "Every week"), Option("monthly", "Every month")),
    ),
    Step(
        "skills",
        "Which skills do you bring? List them with commas.",
        Kind.LIST,
        example="pricing, design",
        optional=True,
    ),
    Step("first", "When shall we first meet?", Kind.MOMENT, example="tomorrow 9am"),
    Step(
        "hours",
        "How many hours a week can you give, from 1 to 5?",
        Kind.NUMBER,
        example="2",
        low=1,
        high=5,
        next=_after_hours,
    ),
    Step("sure", "Are you sure you can meet every week?", Kind.CONFIRM, next=None),
)


class Record:
    """What the demo dialogs' ends received."""

    def __init__(self) -> None:
        self.completed: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        self.cancelled: list[dict[str, Any]] = []
        self.lapsed: list[dict[str, Any]] = []


def declare(core: Core) -> Record:
    """Declares the demo dialogs and the commands that start them, as a feature would."""
    record = Record()

    async def done(end: Completion) -> None:
        record.completed.append(("demo", dict(end.answers), dict(end.context)))
        end.ctx.reply("Thanks, that's everything I needed.")

    async def quick_done(end: Completion) -> None:
        record.completed.append(("quick", dict(end.answers), dict(end.context)))

    async def cancelled(end: Completion) -> None:
        record.cancelled.append(dict(end.answers))

    async def lapsed(end: Lapse) -> None:
        record.lapsed.append(dict(end.answers))

    core.dialogs.add(DialogSpec("demo", DEMO_STEPS, done, cancelled, lapsed))
    quick = Step("mood", "How is your week going, in one word?", example="busy", next=None)
    core.dialogs.add(DialogSpec("quick", (quick,), quick_done))

    async def demo(ctx: Ctx, _args: Args) -> None:
        await core.dialogs.start(ctx, "demo", {"name": ctx.person.display_name})

    async def quick_start(ctx: Ctx, _args: Args) -> None:
        await core.dialogs.start(ctx, "quick")

    core.registry.add_command(CommandSpec("demo", "A demo", demo, "/demo", access=Access.ANYONE))
    core.registry.add_command(
        CommandSpec("quick", "A quick one", quick_start, "/quick", access=Access.ANYONE)
    )
    return record


@pytest.fixture
def record(core: Core) -> Record:
    return declare(core)


async def dialog_rows(core: Core) -> list[DialogSession]:
    async with core.database.sessions() as session:
        found = await session.execute(select(DialogSession).order_by(DialogSession.id))
        return list(found.scalars())


async def open_step(core: Core) -> str | None:
    rows = [row for row in await dialog_rows(core) if row.status == DialogStatus.OPEN.value]
    return rows[0].step if rows else None


async def walk_to_hours(chat: ChatDriver) -> None:
    await chat.say("bob", None, "/demo")
    await chat.say("bob", None, "pricing my candles")
    await chat.say("bob", None, "weekly")
    await chat.say("bob", None, "pricing, design")
    await chat.say("bob", None, "tomorrow 9am")


async def test_happy_path_hands_every_answer_to_on_complete(
    chat: ChatDriver, record: Record
) -> None:
    said = await chat.say("bob", None, "/demo")
    assert "Hi Bob! What would you like to work on?" in said
    said = await chat.say("bob", None, "Pricing my candles")
    assert "How often would you like to meet?" in said
    assert "[1] Every week\n    [2] Every month" in said  # one button per row
    said = await chat.press("bob", "Every week")
    assert "Which skills do you bring?" in said
    assert "answer skip to leave it out" in said
    said = await chat.say("bob", None, "pricing, web design")
    assert "When shall we first meet?" in said
    said = await chat.say("bob", None, "tomorrow 9am")
    assert "How many hours a week" in said
    said = await chat.say("bob", None, "3")
    assert "Are you sure you can meet every week?" in said
    said = await chat.press("bob", "Yes")
    assert "Thanks, that's everything I needed." in said
    assert record.completed == [
        (
            "demo",
            {
                "topic": "Pricing my candles",
                "pace": "weekly",
                "skills": ["pricing", "web design"],
                "first": "2026-11-24T09:00:00+00:00",
                "hours": 3,
                "sure": True,
            },
            {"name": "Bob"},
        )
    ]
    assert [(row.status, row.answers) for row in await dialog_rows(chat.core)] == [
        ("completed", "{}")  # the feature has the answers; the session keeps no copy
    ]
    assert "I answer commands" in await chat.say("bob", None, "hello again")


async def test_next_step_can_depend_on_the_answers(chat: ChatDriver, record: Record) -> None:
    await chat.say("bob", None, "/demo")
    await chat.say("bob", None, "pricing my candles")
    await chat.say("bob", None, "monthly")
    await chat.say("bob", None, "skip")
    await chat.say("bob", None, "friday 18:00")
    said = await chat.say("bob", None, "5")
    assert "Are you sure" not in said
    assert record.completed[0][1]["pace"] == "monthly"
    assert record.completed[0][1]["skills"] is None
    assert "sure" not in record.completed[0][1]


@pytest.mark.parametrize(
    ("step_answers", "bad", "reason"),
    [
        ([], "hi", "Please write a few words (at least 3 letters)."),
        ([], "x" * 81, "That answer is too long (81 characters; the limit is 80)."),
        (["pricing my candles"], "daily", "Please pick one of: 1. Every week, 2. Every month."),
        (["pricing my candles"], "3", "Please pick one of"),
        (["pricing my candles", "1", "skip"], "someday", "I couldn't find when."),
        (["pricing my candles", "1", "skip"], "yesterday 9am", "past"),
        (["pricing my candles", "1", "skip", "tomorrow 9am"], "7", "from 1 to 5"),
        (["pricing my candles", "1", "skip", "tomorrow 9am"], "two", "not a number"),
        (["pricing my candles", "1", "skip", "tomorrow 9am"], "2.5", "not a whole number"),
        (["pricing my candles", "1", "skip", "tomorrow 9am", "2"], "maybe", "yes or no"),
        ([], "skip", "This question can't be skipped."),
    ],
)
async def test_invalid_answer_is_refused_with_a_reason_and_asked_again(
    chat: ChatDriver, record: Record, step_answers: list[str], bad: str, reason: str
) -> None:
    await chat.say("bob", None, "/demo")
    for answer in step_answers:
        await chat.say("bob", None, answer)
    step = await open_step(chat.core)
    rows_before = [(row.answers, row.step) for row in await dialog_rows(chat.core)]
    said = await chat.say("bob", None, bad)
    assert reason.casefold() in said.casefold(), said
    question = next(s.question for s in (*DEMO_STEPS,) if s.name == step)
    assert plain_question(question) in said
    assert [(row.answers, row.step) for row in await dialog_rows(chat.core)] == rows_before
    assert "something went wrong" not in said


def plain_question(template: str) -> str:
    return template.replace("{name}", "Bob")


@pytest.mark.parametrize(
    "typed",
    ["weekly", "WEEKLY", "every week", "Every Week!", "1", "2.", " 1 ", "wéékly", "Every Month"],
)
async def test_choice_by_text_or_number(chat: ChatDriver, record: Record, typed: str) -> None:
    await chat.say("bob", None, "/demo")
    await chat.say("bob", None, "pricing my candles")
    said = await chat.say("bob", None, typed)
    assert "Which skills do you bring?" in said
    assert await open_step(chat.core) == "skills"


async def test_choice_by_button_and_skip_by_button(chat: ChatDriver, record: Record) -> None:
    await chat.say("bob", None, "/demo")
    await chat.say("bob", None, "pricing my candles")
    await chat.press("bob", "Every month")
    said = await chat.press("bob", "Skip")
    assert "When shall we first meet?" in said
    rows = await dialog_rows(chat.core)
    assert '"pace": "monthly"' in rows[0].answers
    assert '"skills": null' in rows[0].answers


async def test_cancel_inside_and_outside(chat: ChatDriver, record: Record) -> None:
    said = await chat.say("bob", None, "/cancel")
    assert "There is nothing to cancel" in said
    await chat.say("bob", None, "/demo")
    await chat.say("bob", None, "pricing my candles")
    said = await chat.say("bob", None, "/cancel")
    assert "Cancelled" in said
    assert record.cancelled == [{"topic": "pricing my candles"}]
    assert [row.status for row in await dialog_rows(chat.core)] == ["cancelled"]
    assert "There is nothing to cancel" in await chat.say("bob", None, "/cancel")
    said = await chat.say("bob", None, "weekly")  # no longer an answer
    assert "I answer commands" in said


async def test_typing_cancel_leaves_too(chat: ChatDriver, record: Record) -> None:
    await chat.say("bob", None, "/demo")
    said = await chat.say("bob", None, "Cancel.")
    assert "Cancelled" in said
    assert record.cancelled == [{}]


async def test_unanswered_step_lapses_after_24_hours(
    chat: ChatDriver, core: Core, clock: FakeClock, record: Record
) -> None:
    await chat.say("bob", None, "/demo")
    await chat.say("bob", None, "pricing my candles")
    clock.advance(hours=23, minutes=59)
    assert await core.dialog_lapses.sweep() == 0
    await chat.say("bob", None, "weekly")  # answering restarts the 24 hours
    clock.advance(hours=23, minutes=59)
    assert await core.dialog_lapses.sweep() == 0
    clock.advance(minutes=2)
    assert await core.dialog_lapses.sweep() == 1
    assert await core.dialog_lapses.sweep() == 0
    delivered = await deliver(core, chat)
    assert "[dm bob] mentorbot: I waited 24 hours for your answer" in delivered
    assert record.lapsed == [{"topic": "pricing my candles", "pace": "weekly"}]
    assert [row.status for row in await dialog_rows(core)] == ["lapsed"]
    assert "I answer commands" in await chat.say("bob", None, "pricing")


async def test_one_at_a_time_the_second_waits_then_starts(
    chat: ChatDriver, core: Core, record: Record
) -> None:
    await chat.say("bob", None, "/demo")
    said = await chat.say("bob", None, "/quick")
    assert "I'll ask you this one when it ends" in said
    assert "How is your week going" not in said
    said = await chat.say("bob", None, "/quick")
    assert "already have that conversation going or waiting" in said
    assert [row.status for row in await dialog_rows(core)] == ["open", "pending"]
    said = await chat.say("bob", None, "/cancel")
    assert "How is your week going, in one word?" in said
    said = await chat.say("bob", None, "busy")
    assert record.completed == [("quick", {"mood": "busy"}, {})]
    assert [row.status for row in await dialog_rows(core)] == ["cancelled", "completed"]


async def test_a_due_dialog_waits_and_is_offered_when_the_open_one_lapses(
    chat: ChatDriver, core: Core, clock: FakeClock, record: Record
) -> None:
    await chat.say("bob", None, "/demo")
    async with core.database.sessions() as session, session.begin():
        account = (
            await session.execute(select(Account).where(Account.user_id == "bob"))
        ).scalar_one()
        opened = await core.dialogs.offer(session, account, "quick", {}, clock.now())
    assert opened is False
    clock.advance(hours=25)
    assert await core.dialog_lapses.sweep() == 1
    delivered = await deliver(core, chat)
    assert "I waited 24 hours" in delivered
    assert "[dm bob] mentorbot: How is your week going, in one word?" in delivered
    await chat.say("bob", None, "calm")
    assert record.completed == [("quick", {"mood": "calm"}, {})]


async def test_a_due_dialog_with_nothing_open_is_asked_through_the_outbox(
    chat: ChatDriver, core: Core, clock: FakeClock, record: Record
) -> None:
    await chat.say("bob", None, "/help")
    async with core.database.sessions() as session, session.begin():
        account = (
            await session.execute(select(Account).where(Account.user_id == "bob"))
        ).scalar_one()
        assert await core.dialogs.offer(session, account, "quick", {}, clock.now())
    assert "[dm bob] mentorbot: How is your week going" in await deliver(core, chat)


async def count(core: Core, model: type[Any]) -> int:
    async with core.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_group_text_gets_one_pointer_then_silence_without_writes(
    chat: ChatDriver, core: Core, record: Record
) -> None:
    await chat.say("bob", None, "/demo")
    said = await chat.say("bob", "g", "pricing my candles")
    assert "Please answer me there" in said
    assert await open_step(core) == "topic"
    communities = await count(core, Community)
    rows = [(row.updated_at, row.pointed_in_group) for row in await dialog_rows(core)]
    assert await chat.say("bob", "g", "still here?") == ""
    assert await chat.say("bob", "other", "hello") == ""  # a new group is not even recorded
    assert await count(core, Community) == communities
    assert [(row.updated_at, row.pointed_in_group) for row in await dialog_rows(core)] == rows
    assert "How often" in await chat.say("bob", None, "pricing my candles")


async def test_a_dialog_started_in_a_group_asks_in_the_dm(chat: ChatDriver, record: Record) -> None:
    said = await chat.say("bob", "g", "/demo")
    assert "[g] mentorbot: I've sent you a private message with the first question." in said
    assert "[dm bob] mentorbot: Hi Bob! What would you like to work on?" in said


async def test_restart_resumes_at_the_same_step_with_fresh_buttons(
    db_url: str, clock: FakeClock
) -> None:
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    first = Core(settings, clock=clock)
    await first.start()
    declare(first)
    before = ChatDriver(first)
    await before.say("bob", None, "/demo")
    await before.say("bob", None, "pricing my candles")
    await first.stop()
    second = Core(settings, clock=clock)
    await second.start()
    record = declare(second)
    try:
        after = ChatDriver(second)
        said = await after.say("bob", None, "what was the question?")
        assert "Please pick one of" in said
        assert "How often would you like to meet?" in said
        said = await after.press("bob", "Every week")  # a fresh button from the new process
        assert "Which skills do you bring?" in said
        await after.say("bob", None, "skip")
        await after.say("bob", None, "tomorrow 9am")
        await after.say("bob", None, "1")
        await after.say("bob", None, "yes")
        assert record.completed[0][1]["topic"] == "pricing my candles"
    finally:
        await second.stop()


async def test_stale_and_foreign_buttons_are_refused_without_change(
    chat: ChatDriver, core: Core, record: Record
) -> None:
    await chat.say("bob", None, "/demo")
    await chat.say("bob", None, "pricing my candles")
    said = await chat.press("eve", "Every week")
    assert "belongs to someone else's conversation" in said
    assert await open_step(core) == "pace"
    await chat.say("bob", None, "monthly")
    rows = [(row.answers, row.step) for row in await dialog_rows(core)]
    said = await chat.press("bob", "Every week")  # the old step's button
    assert "no longer open" in said
    assert [(row.answers, row.step) for row in await dialog_rows(core)] == rows
    await chat.say("bob", None, "/cancel")
    said = await chat.press("bob", "Skip")  # a button of a dialog that has ended
    assert "no longer open" in said
    assert [row.status for row in await dialog_rows(core)] == ["cancelled"]


@pytest.mark.parametrize(
    ("typed", "word"),
    [("yes", "yes"), ("Yes!", "yes"), ("OK", "yes"), ("nope", "no"), ("Skip", "skip")],
)
def test_dialog_words(typed: str, word: str) -> None:
    assert meaning(typed, "en") == word
    assert meaning(typed, "es") == word  # a language without its own words falls back


def test_folding_ignores_case_and_accents() -> None:
    assert folded("  Crème Brûlée! ") == "creme brulee"


arbitrary = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=120
) | st.sampled_from(["", "skip", "cancel", "1", "0", "#9", "tomorrow 9am", "\x00", "{name}"])


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(step=st.sampled_from([step.name for step in DEMO_STEPS]), text=arbitrary)
async def test_any_text_to_any_step_never_raises(core: Core, step: str, text: str) -> None:
    if core.dialogs.spec("demo") is None:
        declare(core)
    messenger = ConsoleMessenger(lambda _line: None)
    address = Address("console", "dm:zed", "zed")
    sender = Sender("Zed", "zed")
    if await open_step(core) is None:
        await core.router.handle(Message(address, ChatKind.DM, sender, "/demo"), messenger)
    async with core.database.sessions() as session, session.begin():
        await session.execute(
            update(DialogSession)
            .where(DialogSession.status == DialogStatus.OPEN.value)
            .values(step=step)
        )
    outbound = await core.router.handle(Message(address, ChatKind.DM, sender, text), messenger)
    said = "\n".join(plain(item.message.text) for item in outbound)
    assert "something went wrong" not in said, (step, text, said)
    if text.replace("\x00", "").strip():
        assert said


@pytest.mark.parametrize("payload", ["", "x", "|||", "999|topic|1", "1|nostep|1", "1|topic|9"])
async def test_malformed_or_unknown_button_payloads_change_nothing(
    chat: ChatDriver, core: Core, record: Record, payload: str
) -> None:
    await chat.say("bob", None, "/demo")
    rows = [(row.answers, row.step) for row in await dialog_rows(core)]
    event = ButtonPress(
        Address("console", "dm:bob", "bob"), ChatKind.DM, Sender("Bob", "bob"), "dlg", payload
    )
    outbound = await core.router.handle(event, ConsoleMessenger(lambda _line: None))
    said = "\n".join(plain(item.message.text) for item in outbound)
    if payload == "1|topic|9":  # the open step's own button: its text is read as an answer
        assert "Please write a few words" in said
    else:
        assert "no longer open" in said
    assert [(row.answers, row.step) for row in await dialog_rows(core)] == rows


async def test_forgetme_deletes_the_persons_conversations(
    chat: ChatDriver, core: Core, record: Record
) -> None:
    await chat.say("bob", None, "/demo")
    await chat.say("bob", None, "/quick")
    await chat.say("bob", None, "/forgetme")
    await chat.press("bob", "Delete everything")
    assert await count(core, DialogSession) == 0


async def test_a_concurrent_second_open_stays_queued(
    chat: ChatDriver, core: Core, clock: FakeClock, record: Record
) -> None:
    """The unique index is the backstop when two transactions both saw nothing open."""
    await chat.say("bob", None, "/help")
    async with core.database.sessions() as session, session.begin():
        account = (
            await session.execute(select(Account).where(Account.user_id == "bob"))
        ).scalar_one()
        repo = DialogRepository(session)
        late = await repo.add(
            person_id=account.person_id,
            platform="console",
            user_id="bob",
            community_id=None,
            name="quick",
            context={},
            now=clock.now(),
        )
        assert await core.dialogs.offer(session, account, "demo", {"name": "Bob"}, clock.now())
        assert not await repo.open_session(late, "mood", clock.now(), clock.now())
        assert late.status == DialogStatus.PENDING.value
    assert [row.status for row in await dialog_rows(core)] == ["pending", "open"]


ZH_WAYS = ["視訊通話", "電話", "文字聊天", "面對面"]
HI_WAYS = ["वीडियो कॉल", "फ़ोन", "चैट", "आमने-सामने"]
EN_WAYS = ["Video call", "Phone", "Every week", "Every month"]


@pytest.mark.parametrize(
    ("labels", "typed", "picked"),
    [
        (ZH_WAYS, "視訊", "video"),  # the start of one label: 視訊通話
        (ZH_WAYS, "面對面", "person"),
        (HI_WAYS, "वीडियो", "video"),
        (EN_WAYS, "video", "video"),
        (EN_WAYS, "every", None),  # the start of two labels: refused, never guessed
        (EN_WAYS, "v", None),  # one letter is too little
    ],
)
def test_choice_by_the_start_of_exactly_one_label(
    labels: list[str], typed: str, picked: str | None
) -> None:
    from bot.core.errors import UsageError
    from bot.dialogs.answers import choice

    values = (
        ("video", "phone", "chat", "person")
        if labels is not EN_WAYS
        else ("video", "phone", "weekly", "monthly")
    )
    step = Step("way", "How?", Kind.CHOICE, options=tuple(Option(v, v) for v in values))
    if picked is None:
        with pytest.raises(UsageError):
            choice(step, typed, labels)
    else:
        assert choice(step, typed, labels) == picked
