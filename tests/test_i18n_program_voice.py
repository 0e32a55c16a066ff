"""The program loop speaks to each reader in the reader's language, and its words stay extracted.

Issue #16 gap: templates passed to `Voice.say`, `say_to` and the dialog engine's `say` were not
in the catalogs, so the reflection reminder, the stuck list, the low-pulse alert and the
partner's `/forgetme` DM always went out in English. Here the community stays English and only
the readers (mentee, mentor, organizer) set a language: every message must be the catalog's
translation (read through the Translator, never typed here), with none of the English words.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import Core
from bot.core.i18n import Translator
from bot.core.i18n_extract import CALL_SITES, templates
from storage.models import Account, Person
from tests.harness import ChatDriver, FakeClock
from tests.program_seed import press_own, seed_running_pair
from tests.test_i18n_rounds import assert_in

GROUP = "g"
LANGUAGES = ("es", "zh_Hant", "hi")
ROOT = Path(__file__).resolve().parent.parent

PULSE = (
    "A quick health check: how is your mentoring with {partner} going, from 1 (not well) to "
    "5 (very well)? Only the organizers see totals; they never see your answer alone."
)
STUCK = (
    "🧭 Pairs in **{program}** with no confirmed meeting and no reflection for 21 days:\n{pairs}"
)
STUCK_LINE = "• {mentee} and {mentor}"
LOW_PULSE = (
    "🩺 The pair {mentee} and {mentor} in **{program}** may need attention: a health check "
    "came back low. A friendly word with them may help."
)
LOGGED = "{name} logged a meeting with you on {date}. Did it happen?"
CONFIRMED = (
    "{name} confirmed your meeting. How useful was it for you? Only the organizers' totals "
    "use your rating."
)
FIT = (
    "You've had your first meeting with {mentor}. How is the fit? Your answer goes only to "
    "the organizers."
)
GOAL_SET = "{mentee} set a new goal: “{goal}”."
LEFT = (
    "Your mentee in **{program}** has left and deleted their data, so your pair has ended. "
    "The organizers can pair you with someone else."
)
REFLECT = "Time for this week's reflection with {mentor}. What did you do this week?"
REMINDER = (
    "A gentle reminder: this week's reflection for your mentor is still open. Send /reflect "
    "when you have five minutes."
)
REFLECTION = (
    "📝 {mentee}'s reflection for the week of {week}:\n**What I did:** {did}\n**What is in the "
    "way:** {blocker}\n**What is next:** {next}\n**How you can help:** {help}"
)
LOOP_MESSAGES = (
    PULSE,
    STUCK,
    STUCK_LINE,
    LOW_PULSE,
    LOGGED,
    CONFIRMED,
    FIT,
    GOAL_SET,
    LEFT,
    REFLECT,
    REMINDER,
    REFLECTION,
)


async def deliver(core: Core, chat: ChatDriver) -> list[str]:
    """Sends whatever the outbox holds that is due; returns each printed message."""
    core.attach(chat.console.messenger)
    start = len(chat.output)
    await core.dispatcher.drain_due()
    return chat.output[start:]


def to(person: str, printed: list[str]) -> str:
    """What one person got by DM, one message after another."""
    prefix = f"[dm {person}] mentorbot: "
    return "\n".join(line.removeprefix(prefix) for line in printed if line.startswith(prefix))


async def speak(core: Core, language: str, *users: str) -> None:
    """The people choose a language; the community stays on the default (English)."""
    async with core.database.sessions() as session, session.begin():
        for user in users:
            account = (
                await session.execute(select(Account).where(Account.user_id == user))
            ).scalar_one()
            person = await session.get(Person, account.person_id)
            assert person is not None
            person.language = language


async def seed(core: Core, chat: ChatDriver, paired_at: datetime, language: str) -> None:
    """olga organizes, mia is max's mentee; all three read `language`, the group English."""
    for name in ("olga", "mia", "max"):
        await chat.say(name, GROUP, "/help")
    await seed_running_pair(core, GROUP, "olga", "mia", "max", paired_at)
    await speak(core, language, "olga", "mia", "max")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_pulses_stuck_list_meetings_goal_and_forgetme_in_each_readers_language(
    chat: ChatDriver, core: Core, clock: FakeClock, language: str
) -> None:
    def t(message: str) -> str:
        return Translator().gettext(language, message)

    await seed(core, chat, clock.now() - timedelta(days=30), language)
    assert await core.program_sweeps.sweep() == 3  # a pulse to each side, and the stuck list
    printed = await deliver(core, chat)
    assert_in(language, PULSE, to("mia", printed))
    assert_in(language, PULSE, to("max", printed))
    assert_in(language, STUCK, to("olga", printed))
    assert_in(language, STUCK_LINE, to("olga", printed))

    await press_own(chat, "mia", "2")
    assert_in(language, LOW_PULSE, to("olga", await deliver(core, chat)))

    await chat.say("mia", GROUP, "/met")
    assert_in(language, LOGGED, to("max", await deliver(core, chat)))
    await press_own(chat, "max", t("Confirm"))
    printed = await deliver(core, chat)
    assert_in(language, CONFIRMED, to("mia", printed))
    assert_in(language, FIT, to("mia", printed))
    await press_own(chat, "mia", t("Good fit"))

    await chat.say("mia", GROUP, "/goal open my online shop")
    assert_in(language, GOAL_SET, to("max", await deliver(core, chat)))

    await chat.say("mia", None, "/forgetme")
    await chat.press("mia", t("Delete everything"))
    assert_in(language, LEFT, to("max", await deliver(core, chat)))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_weekly_reflection_its_reminder_and_the_mentors_copy_in_each_language(
    chat: ChatDriver, core: Core, clock: FakeClock, language: str
) -> None:
    clock.current = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # Sunday; the first Monday is skipped
    await seed(core, chat, clock.now(), language)
    clock.current = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)  # Monday 18:00 in London
    assert await core.program_sweeps.sweep() == 1
    assert_in(language, REFLECT, to("mia", await deliver(core, chat)))
    clock.advance(days=2)
    assert await core.program_sweeps.sweep() == 1
    assert_in(language, REMINDER, to("mia", await deliver(core, chat)))
    for answer in ("ten candles priced", "wax is dear", "open the shop", "check my prices"):
        await chat.say("mia", None, answer)
    assert_in(language, REFLECTION, to("max", await deliver(core, chat)))


def test_each_loop_message_has_a_translation_that_is_not_english() -> None:
    for language in LANGUAGES:
        for message in LOOP_MESSAGES:
            assert Translator().gettext(language, message) != message, (language, message)


# The guard: the program loop's words (and any others) cannot fall out of the catalogs again.

SPEAKERS = {"say", "say_to", "label", "t_in", "t", "reply", "dm_in_reader_language"}
"""Calls whose template argument reaches a person."""


def _sources(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def _extracted() -> set[str]:
    found: set[str] = set()
    for path in _sources("bot", "adapters"):
        for item in templates(path.read_text(encoding="utf-8")):
            found.update(item.messages)
    return found


def test_the_extractor_finds_every_program_loop_message() -> None:
    extracted = _extracted()
    missing = [message for message in LOOP_MESSAGES if message not in extracted]
    assert not missing
    pot = (ROOT / "bot/locales/mentorbot.pot").read_text(encoding="utf-8")
    assert (
        'msgid "Time for this week\'s reflection with {mentor}. What did you do this week?"' in pot
    )


def _unmarked(source: str, where: str) -> list[str]:
    """Literals that reach a speaking call without being extracted: directly, through a local
    variable or a module constant, or as either arm of a conditional."""
    tree = ast.parse(source)
    assigned: dict[str, list[str]] = {}  # module constants and local variables alike
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                assigned.setdefault(target.id, []).extend(_plain_literals(node.value))
    bad: list[str] = []
    extracted = _extracted_here(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else None
        name = name or (node.func.id if isinstance(node.func, ast.Name) else None)
        if name not in SPEAKERS:
            continue
        site = CALL_SITES.get(name)
        positions = site.positions if site is not None else (0, 1, 2)
        for position in positions:
            if position >= len(node.args):
                continue
            argument = node.args[position]
            texts = _plain_literals(argument)
            if isinstance(argument, ast.Name):
                texts = assigned.get(argument.id, [])
            bad.extend(
                f"{where}:{node.lineno}: {text!r}"
                for text in texts
                if text not in extracted and " " in text
            )
    return bad


def _plain_literals(node: ast.expr) -> list[str]:
    """String constants not wrapped in a marker, including both arms of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _plain_literals(node.body) + _plain_literals(node.orelse)
    return []


def _extracted_here(source: str) -> set[str]:
    return {message for item in templates(source) for message in item.messages}


def test_no_speaking_call_passes_an_unextracted_literal() -> None:
    bad = [
        line
        for path in _sources("bot", "adapters")
        for line in _unmarked(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not bad


def test_the_guard_can_fail() -> None:
    sample = (
        'MESSAGE = "Hello there, {name}."\n'
        'MARKED = N_("Hello again, {name}.")\n'
        "def f(voice, reader, late):\n"
        '    template = "You are late." if late else "You are on time."\n'
        "    voice.say(reader, MESSAGE)\n"
        "    voice.say(reader, MARKED)\n"
        '    voice.say(reader, "Said here, so extracted.")\n'
        "    return voice.say(reader, template)\n"
    )
    found = _unmarked(sample, "sample.py")
    assert [line.split(": ", 1)[1] for line in found] == [
        "'Hello there, {name}.'",
        "'You are late.'",
        "'You are on time.'",
    ]
