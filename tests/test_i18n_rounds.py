"""A community set to Traditional Chinese, end to end on Telegram and Discord (issue #16).

The expected words are read from the catalogs through the Translator, never typed here: each
message must hold every fixed piece of its translated template, and, where the catalog
translates it, none of the English one. A Spanish-speaking member gets her DMs in Spanish.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import Core
from bot.core.i18n import Translator
from storage.models import Schedule
from tests.both_platforms import channel_posts, slash
from tests.discord_fake import FakeDiscord
from tests.harness import FakeClock
from tests.telegram_fake import FakeBotApi, group, private, user

ASKER = user(2101, "Bea", "bea")
HELPER = user(2102, "Max", "max")
OWNER = user(2103, "Olu", "olu")
SOFIA = user(2104, "Sofía", "sofia")
SHOP = group(-5101, "台北小店")

ASKED = (
    "Request **#{number}** is open: “{question}”\n{note}\n"
    "Anyone can offer help with “how can I help?” or the button."
)
CLAIMED = "🤝 {helper} will help {asker} with #{number}: “{question}”"
RESOLVED = (
    "✅ #{number} is resolved. Kudos to {helper}!{thanks}\n"
    "Worth keeping? Save it to the tips library."
)
RECAP_SET = "📊 Weekly recap every **{day} {time}** ({zone}), with a chart.{replaced}"
PING = (
    "☀️ **Check-in for {day}**\nWhat's your plan today? Reply to this message, "
    "send `/checkin <plan>`, or press a button."
)
RECAP = "Check-ins: {total} · done: {done} ({rate}%)"
ROUTED = "**{asker}** asked for help in **{title}** (#{number}, {topics}):\n“{question}”"
_SPLIT = re.compile(r"\{[^}]*\}|\*\*|`|\n|\\")


def pieces(language: str, msgid: str) -> list[str]:
    """The fixed words of a template in a language: what is left around its placeholders."""
    text = Translator().gettext(language, msgid)
    return [piece.strip() for piece in _SPLIT.split(text) if len(piece.strip()) >= 2]


def assert_in(language: str, msgid: str, text: str) -> None:
    """The text is this message in that language (and not English, once translated)."""
    shown = text.replace("\\", "").replace("**", "")
    for piece in pieces(language, msgid):
        assert piece in shown, (piece, text)
    translated = Translator().gettext(language, msgid)
    if language != "en":  # a message the catalog lacks would pass as English otherwise
        assert translated != msgid, ("not in the catalog (`make i18n`?)", msgid)
    if translated != msgid:  # kept words like `/checkin <plan>` are no sign of English
        english = [p for p in pieces("en", msgid) if len(p) >= 8 and p not in translated]
        assert not any(piece in shown for piece in english), (english, text)


def test_the_check_fails_for_a_message_the_catalog_lacks() -> None:
    with pytest.raises(AssertionError, match="not in the catalog"):
        assert_in("zh_Hant", "A sentence no catalog has.", "A sentence no catalog has.")


def test_the_check_can_fail() -> None:
    try:
        assert_in("en", RESOLVED, "#1 is open")
    except AssertionError:
        return
    raise AssertionError("a message without the template's words passed")


async def test_a_chinese_community_on_telegram(
    both: tuple[FakeBotApi, FakeDiscord], core: Core, clock: FakeClock
) -> None:
    telegram, _ = both
    telegram.admins[SHOP["id"]] = [OWNER]
    telegram.say(SHOP, OWNER, "/settings language zh-TW")
    await telegram.wait_sent(SHOP["id"])
    for person in (HELPER, SOFIA):
        telegram.say(private(person), person, "/start")
        await telegram.wait_sent(person["id"])
    telegram.say(private(SOFIA), SOFIA, "/language es")
    await telegram.wait_sent(SOFIA["id"], 2)
    telegram.say(SHOP, HELPER, "/skills pricing")
    telegram.say(SHOP, SOFIA, "/skills pricing")
    await telegram.wait_sent(SHOP["id"], 3)

    telegram.say(SHOP, ASKER, "/ask 蠟燭怎麼定價？ #pricing")
    opened = (await telegram.wait_sent(SHOP["id"], 4))[-1]
    assert_in("zh_Hant", ASKED, opened.text)
    sofia_dm = (await telegram.wait_sent(SOFIA["id"], 3))[-1]  # her DM: Spanish
    assert_in("es", ROUTED, sofia_dm.text)
    max_dm = (await telegram.wait_sent(HELPER["id"], 2))[-1]  # his DM: the community's
    assert_in("zh_Hant", ROUTED, max_dm.text)

    telegram.say(SHOP, HELPER, "我可以怎麼幫忙？")
    listing = (await telegram.wait_sent(SHOP["id"], 5))[-1]
    assert "蠟燭怎麼定價" in listing.text
    telegram.say(SHOP, HELPER, "/claim 1")
    claimed = (await telegram.wait_sent(SHOP["id"], 6))[-1]
    assert_in("zh_Hant", CLAIMED, claimed.text)
    telegram.say(SHOP, ASKER, "/resolve 1 謝謝！")
    resolved = await telegram.wait_text(SHOP["id"], "謝謝")
    assert_in("zh_Hant", RESOLVED, resolved.text)

    telegram.say(SHOP, OWNER, "/schedule checkin 09:00")
    telegram.say(SHOP, OWNER, "/schedule recap tue 10:00")
    confirmed = await telegram.wait_text(SHOP["id"], "10:00")  # the recap's, the later one
    assert_in("zh_Hant", RECAP_SET, confirmed.text)
    async with core.database.sessions() as session:
        schedules = {row.kind: row for row in (await session.scalars(select(Schedule))).all()}
    clock.current = datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert await core.schedules.fire(schedules["checkin"].id, clock.current)
    core.dispatcher.wake()
    ping = await telegram.wait_text(SHOP["id"], pieces("zh_Hant", PING)[-1])
    assert_in("zh_Hant", PING, ping.text)
    clock.current = datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert await core.schedules.fire(schedules["recap"].id, clock.current)
    core.dispatcher.wake()
    recap = await telegram.wait_text(SHOP["id"], pieces("zh_Hant", RECAP)[0])
    assert_in("zh_Hant", RECAP, recap.text)


async def test_a_chinese_community_on_discord(
    both: tuple[FakeBotApi, FakeDiscord], core: Core, clock: FakeClock
) -> None:
    _, discord = both
    owner = discord.add_person("710000000000000001", "olu", organizer=True)
    asker = discord.add_person("710000000000000002", "bea")
    helper = discord.add_person("710000000000000003", "max")
    said = await slash(discord, owner, "settings", {"setting": "language", "value": "zh-TW"})
    assert said
    sofia = discord.add_person("710000000000000004", "sofia")
    await slash(discord, sofia, "language", {"code": "es"}, dm=True)
    await slash(discord, sofia, "skills", {"skills": "pricing"})
    await slash(discord, helper, "skills", {"skills": "pricing"})
    opened = await slash(discord, asker, "ask", {"question": "蠟燭怎麼定價？ #pricing"})
    assert_in("zh_Hant", ASKED, opened)

    def dm_to(user_id: str) -> str | None:
        calls = discord.find("POST", rf"/channels/5{user_id[1:]}/messages")
        return next((str((call.json or {}).get("content", "")) for call in calls), None)

    assert_in("es", ROUTED, await discord.wait_for(lambda: dm_to(sofia.user_id)))
    # Max's Discord app reports en-US on first contact: his DMs are in English (SPEC)
    assert_in("en", ROUTED, await discord.wait_for(lambda: dm_to(helper.user_id)))
    claimed = await slash(discord, helper, "claim", {"number": 1})
    assert_in("zh_Hant", CLAIMED, claimed)
    resolved = await slash(discord, asker, "resolve", {"number": 1, "thanks": "謝謝"})
    assert_in("zh_Hant", RESOLVED, resolved)

    await slash(discord, owner, "schedule", {"what": "checkin", "details": "09:00"})
    await slash(discord, owner, "schedule", {"what": "recap", "details": "tue 10:00"})
    async with core.database.sessions() as session:
        schedules = {row.kind: row for row in (await session.scalars(select(Schedule))).all()}
    clock.current = datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert await core.schedules.fire(schedules["checkin"].id, clock.current)
    core.dispatcher.wake()
    clock.current = datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert await core.schedules.fire(schedules["recap"].id, clock.current)
    core.dispatcher.wake()
    ping_words, recap_words = pieces("zh_Hant", PING)[-1], pieces("zh_Hant", RECAP)[0]

    def posted(words: str) -> str | None:
        return next((post for post in channel_posts(discord) if words in post), None)

    await discord.wait_for(lambda: posted(ping_words) and posted(recap_words))
    assert_in("zh_Hant", PING, posted(ping_words) or "")
    assert_in("zh_Hant", RECAP, posted(recap_words) or "")


async def test_chinese_command_descriptions_are_registered(
    both: tuple[FakeBotApi, FakeDiscord],
) -> None:
    telegram, discord = both
    translator = Translator()
    menus = {
        call.params["scope"]["type"]: {
            c["command"]: c["description"] for c in call.params["commands"]
        }
        for call in telegram.calls_to("setMyCommands")
        if call.params.get("language_code") == "zh"
    }
    assert menus, "no setMyCommands with language_code zh"
    english = {
        call.params["scope"]["type"]: {
            c["command"]: c["description"] for c in call.params["commands"]
        }
        for call in telegram.calls_to("setMyCommands")
        if call.params.get("language_code") is None
    }
    for scope, described in menus.items():
        assert set(described) == set(english[scope])  # names stay the same ASCII names
        for name, text in described.items():
            assert text == translator.gettext("zh_Hant", english[scope][name])[: len(text)]
    synced = {command["name"]: command for command in discord.commands}
    for command in synced.values():
        localized = command.get("description_localizations") or {}
        wanted = translator.gettext("zh_Hant", command["description"])
        if wanted != command["description"]:
            assert localized.get("zh-TW") == wanted[:100], command["name"]
