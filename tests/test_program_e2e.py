"""The mentoring loop end to end through the real python-telegram-bot and discord.py against
their fakes: the weekly reflection on each platform, and a bridged pair across both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import Core
from storage.models import Account, Community, Person
from storage.programs_repo import ProgramRepository
from tests.both_platforms import slash
from tests.discord_fake import CHANNEL_ID, FakeDiscord
from tests.discord_fake import Person as DiscordPerson
from tests.harness import FakeClock
from tests.program_seed import running_pair
from tests.telegram_fake import FakeBotApi, group, private, user
from tests.test_bridges_e2e import telegram_code

OLGA = user(3001, "Olga", "olga")
MIA = user(3002, "Mia", "mia")
MAX = user(3003, "Max", "max")
MAKERS = group(-6001, "Makers")
DUE = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday 18:00 in Taipei
ANSWERS = ("Priced ten candles", "Wax is too dear", "Open the shop", "Look at my price list")


async def seed_pair(
    core: Core, platform: str, chat_id: str, mentee: str, mentor: str, zone: str
) -> None:
    """Makes the open program here running, with one pair introduced a week ago."""
    paired = DUE - timedelta(days=7)
    async with core.database.sessions() as session, session.begin():
        community = (
            await session.execute(
                select(Community).where(
                    Community.platform == platform, Community.chat_id == chat_id
                )
            )
        ).scalar_one()
        ids = {}
        for who in (mentee, mentor):
            account = (
                await session.execute(
                    select(Account).where(Account.platform == platform, Account.user_id == who)
                )
            ).scalar_one()
            ids[who] = account.person_id
        person = await session.get(Person, ids[mentee])
        assert person is not None
        person.timezone = zone
        programs = ProgramRepository(session)
        program = await programs.latest([community.id])
        assert program is not None
        await running_pair(programs, program, ids[mentee], ids[mentor], paired, score=20)


def dm_channel(person: DiscordPerson) -> str:
    """The fake's DM channel id for a person."""
    return f"5{person.user_id[1:]}"


def dm_posts(discord: FakeDiscord, person: DiscordPerson) -> list[dict[str, Any]]:
    """What the bot posted in one person's Discord DM, as sent."""
    return [call.json for call in discord.find("POST", rf"/channels/{dm_channel(person)}/messages")]


async def wait_dm(discord: FakeDiscord, person: DiscordPerson, fragment: str) -> dict[str, Any]:
    """Waits for a DM to the person that contains the fragment; returns it."""
    found: dict[str, Any] = await discord.wait_for(
        lambda: next(
            (post for post in dm_posts(discord, person) if fragment in (post.get("content") or "")),
            None,
        )
    )
    return found


async def wait_dm_count(discord: FakeDiscord, person: DiscordPerson, count: int) -> None:
    """Waits until the bot has posted `count` messages in the person's DM."""
    await discord.wait_for(lambda: len(dm_posts(discord, person)) >= count)


async def discord_dm(discord: FakeDiscord, person: DiscordPerson, text: str) -> None:
    """The person writes in their DM with the bot."""
    payload = discord.message_payload(dm_channel(person), text, author=person.user)
    await discord.dispatch("MESSAGE_CREATE", payload)


async def test_weekly_reflection_on_telegram_reaches_the_mentor(
    core: Core, both: tuple[FakeBotApi, FakeDiscord], clock: FakeClock
) -> None:
    telegram, _ = both
    clock.current = DUE - timedelta(hours=1)
    telegram.admins[MAKERS["id"]] = [OLGA]
    telegram.say(MAKERS, OLGA, "/program new Spring")
    await telegram.wait_text(MAKERS["id"], "The mentorship program “Spring” is open!")
    for person in (MIA, MAX):
        telegram.say(private(person), person, "/start")
        await telegram.wait_sent(person["id"])
        telegram.say(MAKERS, person, "/program")
    await telegram.wait_until(
        lambda: sum("Spring" in s.text for s in telegram.sent_to(MAKERS["id"])) >= 3
    )
    await seed_pair(
        core, "telegram", str(MAKERS["id"]), str(MIA["id"]), str(MAX["id"]), "Asia/Taipei"
    )

    clock.current = DUE - timedelta(minutes=1)
    assert await core.program_sweeps.sweep() == 0
    clock.current = DUE
    assert await core.program_sweeps.sweep() == 1
    asked = await telegram.wait_text(MIA["id"], "Time for this week's reflection with Max.")
    assert asked.chat_id == MIA["id"]
    for text in ANSWERS:
        before = len(telegram.sent_to(MIA["id"]))
        telegram.say(private(MIA), MIA, text)
        await telegram.wait_sent(MIA["id"], before + 1)
    done = await telegram.wait_text(MIA["id"], "I've sent your reflection to Max")
    assert "Ask the group for help" in [button["text"] for button in done.buttons]
    told = await telegram.wait_text(MAX["id"], "Mia's reflection for the week of 2026-11-23")
    for text in ANSWERS[:3]:
        assert text in told.text
    assert all("Wax is too dear" not in sent.text for sent in telegram.sent_to(MAKERS["id"]))


async def test_weekly_reflection_on_discord_reaches_the_mentor(
    core: Core, both: tuple[FakeBotApi, FakeDiscord], clock: FakeClock
) -> None:
    _, discord = both
    clock.current = DUE - timedelta(hours=1)
    dora = discord.add_person("600000000000000021", "dora", organizer=True)
    mia = discord.add_person("600000000000000022", "mia")
    max_ = discord.add_person("600000000000000023", "max")
    opened = await slash(discord, dora, "program", {"action": "new", "details": "Spring"})
    assert "The mentorship program “Spring” is open!" in opened
    for person in (mia, max_):
        assert "Spring" in await slash(discord, person, "program")
    await seed_pair(core, "discord", CHANNEL_ID, mia.user_id, max_.user_id, "Asia/Taipei")

    clock.current = DUE
    assert await core.program_sweeps.sweep() == 1
    await wait_dm(discord, mia, "Time for this week's reflection with Max.")
    for number, text in enumerate(ANSWERS, start=2):
        await discord_dm(discord, mia, text)
        await wait_dm_count(discord, mia, number)
    done = await wait_dm(discord, mia, "I've sent your reflection to Max")
    labels = [part["label"] for row in done.get("components", []) for part in row["components"]]
    assert "Ask the group for help" in labels
    told = await wait_dm(discord, max_, "reflection for the week of 2026-11-23")
    for text in ANSWERS[:3]:
        assert text in told["content"]
    channel = discord.find("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert all("Wax is too dear" not in (call.json.get("content") or "") for call in channel)


MIA_INTAKE = (
    "Taipei",
    "pricing",
    "Sell my candles in two shops",
    "English",
    "chat",
    "mon-fri 18-20",
)
MAX_INTAKE = ("Taipei", "pricing, etsy", "skip", "English", "chat", "mon-fri 19-21", "2")


def button_id(post: dict[str, Any], label: str) -> str:
    """The custom id of the button with this label on a Discord message the bot posted."""
    for row in post.get("components", []):
        for part in row["components"]:
            if part.get("label") == label:
                return str(part["custom_id"])
    raise AssertionError(f"no button {label!r}")


async def test_a_bridged_pair_telegram_mentee_with_a_discord_mentor(
    core: Core, both: tuple[FakeBotApi, FakeDiscord], clock: FakeClock
) -> None:
    telegram, discord = both
    dora = discord.add_person("600000000000000031", "dora", organizer=True)
    max_ = discord.add_person("600000000000000032", "max")

    # Olga bridges her Telegram group with Dora's Discord server.
    telegram.admins[MAKERS["id"]] = [OLGA]
    telegram.say(private(OLGA), OLGA, "/start")
    telegram.say(MAKERS, OLGA, "/settings bridge")
    code = await telegram_code(telegram, OLGA["id"])
    accepted = await slash(discord, dora, "settings", {"setting": "bridge", "value": code})
    assert "now bridged with **Telegram · Makers**" in accepted
    telegram.say(MAKERS, OLGA, "/program new Spring")
    await telegram.wait_text(MAKERS["id"], "The mentorship program “Spring” is open!")

    # Mia joins as a mentee on Telegram, Max as a mentor on Discord: one program.
    telegram.say(private(MIA), MIA, "/start")
    await telegram.wait_sent(MIA["id"])
    telegram.say(MAKERS, MIA, "/program join mentee")
    await telegram.wait_text(MIA["id"], "Welcome to “Spring”!")
    for text in MIA_INTAKE:
        before = len(telegram.sent_to(MIA["id"]))
        telegram.say(private(MIA), MIA, text)
        await telegram.wait_sent(MIA["id"], before + 1)
    await telegram.wait_text(MIA["id"], "Your intake is complete.")
    joined = await slash(discord, max_, "program", {"action": "join", "details": "mentor"})
    assert "I've sent you a private message with the first question." in joined
    await wait_dm(discord, max_, "Welcome to “Spring”!")
    for number, text in enumerate(MAX_INTAKE, start=2):
        await discord_dm(discord, max_, text)
        await wait_dm_count(discord, max_, number)
    await wait_dm(discord, max_, "Your intake is complete.")
    shown = await slash(discord, dora, "program")
    assert "Mentors: 1. Mentees: 1. Pairs: 0." in shown

    # Olga matches and approves on Telegram; each is introduced on their own platform.
    telegram.say(MAKERS, OLGA, "/program match")
    proposed = await telegram.wait_text(OLGA["id"], "Proposed pairs for “Spring”")
    # the group reads only where the proposals went
    await telegram.wait_text(MAKERS["id"], "I sent you the matching results privately.")
    assert "1. Mia with Max: score 20." in proposed.text
    telegram.say(MAKERS, OLGA, "/program approve all")
    await telegram.wait_text(OLGA["id"], "Approved 1 of 1 proposed pair, and introduced it by DM.")
    intro = await telegram.wait_text(MIA["id"], "You have a mentor in “Spring”")
    assert "Max (@max on Discord)" in intro.text
    told = await wait_dm(discord, max_, "You have a new mentee in “Spring”")
    assert "Mia (@mia on Telegram)" in told["content"]

    # Mia logs a meeting on Telegram; Max confirms it on Discord; Mia hears on Telegram.
    telegram.say(MAKERS, MIA, "/met we priced the candles")
    await telegram.wait_text(MIA["id"], "Logged your meeting with Max")
    asked = await wait_dm(discord, max_, "Mia logged a meeting with you")
    message = discord.message_payload(
        dm_channel(max_), asked["content"], components=asked["components"]
    )
    token = await discord.press(max_, message, button_id(asked, "Confirm"), dm=True)
    calls = await discord.wait_call("POST", rf"/interactions/\d+/{token}/callback")
    thanked = calls[0].json["data"]
    assert "Confirmed, thank you" in str(thanked["content"])
    rated = discord.message_payload(
        dm_channel(max_), thanked["content"], components=thanked["components"]
    )
    token = await discord.press(max_, rated, button_id(thanked, "3 – useful"), dm=True)
    calls = await discord.wait_call("POST", rf"/interactions/\d+/{token}/callback")
    assert "your rating is saved" in str(calls[0].json["data"]["content"])
    confirmed = await telegram.wait_text(MIA["id"], "Max confirmed your meeting")
    four = next(b for b in confirmed.buttons if b["text"] == "4 – very useful")
    telegram.press(MIA, confirmed, four["callback_data"])
    await telegram.wait_text(MIA["id"], "your rating is saved")
    fit = await telegram.wait_text(MIA["id"], "How is the fit?")
    assert [button["text"] for button in fit.buttons] == [
        "Good fit",
        "Not sure",
        "I'd like another mentor",
    ]
    telegram.say(MAKERS, MIA, "/mentor")
    mentor = await telegram.wait_text(MIA["id"], "your mentor is Max")
    assert "Last meeting: 2026-11-23." in mentor.text
    telegram.say(MAKERS, OLGA, "/program report")
    report = await telegram.wait_text(OLGA["id"], "the program report")
    for line in ("Active pairs: 1", "Meetings this month: 1", "Mean meeting rating: 3.5 of 4"):
        assert line in report.text

    # Next Monday 18:00 in Taipei, Mia's reflection on Telegram reaches Max on Discord.
    clock.current = DUE + timedelta(days=7)
    assert await core.program_sweeps.sweep() == 1
    await telegram.wait_text(MIA["id"], "Time for this week's reflection with Max.")
    for text in ANSWERS:
        before = len(telegram.sent_to(MIA["id"]))
        telegram.say(private(MIA), MIA, text)
        await telegram.wait_sent(MIA["id"], before + 1)
    await telegram.wait_text(MIA["id"], "I've sent your reflection to Max")
    told = await wait_dm(discord, max_, "reflection for the week of 2026-11-30")
    for text in ANSWERS[:3]:
        assert text in told["content"]
