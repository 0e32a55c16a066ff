"""Messages queued to someone other than the actor are in the reader's language (issue #16).

An English-speaking actor; readers who chose Spanish or Traditional Chinese with `/language`;
a Telegram group (English) bridged with a Discord channel (Traditional Chinese). Each kind of
message is checked against its translated template (read from the catalogs, never typed here),
within one platform and across the bridge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from bot.app import Core
from bot.core.i18n import Translator
from bot.core.markup import plain
from tests.harness import DiscordSpeaker
from tests.test_i18n_rounds import ROUTED, assert_in, pieces

CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")
BRIDGED = (
    "🌉 This community is now bridged with **{there}** (its organizer redeemed "
    "the code from here). Requests, tips and the check-in board are shared. Not "
    "what you meant? `/settings bridge off` undoes it."
)
EDITED = "✏️ {asker} corrected request #{number} in **{title}**. It now reads:\n“{question}”"
CLAIM_DM = "{helper} will help you with #{number}: “{question}”. Say hello!"
CLAIMED = "🤝 {helper} will help {asker} with #{number}: “{question}”"
KUDOS_DM = "✅ {asker} marked #{number} resolved in **{there}**. Kudos to you!{thanks}"
HELP_BUTTON = "I'll help #{number}"


@dataclass(frozen=True)
class Expect:
    """One message someone other than the actor receives, and the language it must be in."""

    kind: str
    platform: str
    where: str  # "dm" or "chat"
    target: str
    language: str
    msgid: str


def said(speaker: DiscordSpeaker, where: str, target: str) -> list[str]:
    """Every text the bot sent to one DM or chat on the speaker's platform, in order."""
    return [
        plain(m.text) for kind, to, m, _ in speaker.messenger.sent if (kind, to) == (where, target)
    ]


def buttons(speaker: DiscordSpeaker, target: str) -> list[str]:
    """The labels of every button sent in one DM."""
    return [
        button.label
        for kind, to, message, _ in speaker.messenger.sent
        if (kind, to) == ("dm", target)
        for row in message.buttons
        for button in row
    ]


async def deliver(core: Core, *speakers: DiscordSpeaker) -> None:
    for speaker in speakers:
        core.attach(speaker.messenger)
    await core.dispatcher.drain_due()


@pytest.fixture
async def bridged(core: Core) -> tuple[DiscordSpeaker, DiscordSpeaker]:
    """Telegram group `tg` (English) bridged with Discord channel `dc` (Traditional Chinese)."""
    tg, dc = DiscordSpeaker(core, "telegram"), DiscordSpeaker(core)
    assert "中文 (繁體)" in await dc.group("dora", "dc", "/settings language zh-TW", admin=True)
    offered = await dc.group("dora", "dc", "/settings bridge", admin=True)
    code = CODE.search(offered)
    assert code is not None, offered
    await tg.dm("olga", "/language en")
    assert "bridged with" in await tg.group(
        "olga", "tg", f"/settings bridge {code.group(1)}", admin=True
    )
    for speaker, user, language in (
        (dc, "max", "es"),  # across the bridge from Telegram
        (tg, "lin", "zh_Hant"),  # on Telegram, like the actors
        (tg, "sofia", "es"),
        (dc, "ned", "en"),  # actors: English
        (tg, "ted", "en"),
        (tg, "bea", "en"),
    ):
        await speaker.dm(user, "/start")  # Telegram DMs need it first
        await speaker.dm(user, f"/language {language}")
    await dc.group("max", "dc", "/skills pricing")
    await tg.group("lin", "tg", "/skills pricing")
    await deliver(core, tg, dc)
    return tg, dc


async def test_each_message_to_another_person_is_in_the_readers_language(
    core: Core, bridged: tuple[DiscordSpeaker, DiscordSpeaker]
) -> None:
    tg, dc = bridged
    assert "#1" in await tg.group("bea", "tg", "/ask How should I price candles? #pricing")
    await deliver(core, tg, dc)
    await tg.group("bea", "tg", "/request edit 1 How should I price candles for a fair?")
    assert "#2" in await tg.group("lin", "tg", "/ask 蠟燭要怎麼包裝？")
    assert "#3" in await tg.group("sofia", "tg", "/ask ¿Cómo cobro un taller?")
    await deliver(core, tg, dc)
    await dc.group("max", "dc", "/claim 1")  # Spanish reader in a Chinese group, across
    await dc.group("ned", "dc", "/claim 2")  # English actor across the bridge
    await tg.group("ted", "tg", "/claim 3")  # English actor on the same platform
    await deliver(core, tg, dc)
    await tg.group("bea", "tg", "/resolve 1 Thanks!")
    await deliver(core, tg, dc)

    table = [
        Expect("bridge notice", "discord", "chat", "dc", "zh_Hant", BRIDGED),
        Expect("new request", "discord", "dm", "max", "es", ROUTED),
        Expect("new request", "telegram", "dm", "lin", "zh_Hant", ROUTED),
        Expect("request edited", "discord", "dm", "max", "es", EDITED),
        Expect("request edited", "telegram", "dm", "lin", "zh_Hant", EDITED),
        Expect("claim intro", "telegram", "chat", "tg", "en", CLAIMED),
        Expect("claim notice", "telegram", "dm", "lin", "zh_Hant", CLAIM_DM),
        Expect("claim notice", "telegram", "dm", "sofia", "es", CLAIM_DM),
        Expect("kudos", "discord", "dm", "max", "es", KUDOS_DM),
    ]
    speakers = {"telegram": tg, "discord": dc}
    translator = Translator()
    for row in table:
        texts = said(speakers[row.platform], row.where, row.target)
        wanted = pieces(row.language, row.msgid)
        found = [text for text in texts if all(piece in text for piece in wanted)]
        assert found, (row.kind, row.target, row.language, texts)
        assert_in(row.language, row.msgid, found[-1])
    for speaker, reader, language in ((dc, "max", "es"), (tg, "lin", "zh_Hant")):
        label = translator.gettext(language, HELP_BUTTON).replace("{number}", "1")
        assert label in buttons(speaker, reader), (reader, buttons(speaker, reader))


async def test_a_refused_reminder_shows_an_example_in_the_readers_words(core: Core) -> None:
    tg = DiscordSpeaker(core, "telegram")
    await tg.dm("lin", "/language zh_Hant")
    refused = await tg.dm("lin", "/remind xyz")
    example = Translator().gettext("zh_Hant", "/remind tomorrow 9am send the invoice")
    assert example in refused, refused
    assert "tomorrow 9am" not in refused, refused
    helped = await tg.dm("lin", "/help remind")
    assert example in helped, helped


async def test_a_dm_without_language_speaks_the_persons_community_language(core: Core) -> None:
    """An intake begun in a zh_Hant group goes on in Chinese in the DM, step after step."""
    tg = DiscordSpeaker(core, "telegram")
    await tg.group("olga", "g", "/settings language zh-TW", admin=True)
    await tg.group("olga", "g", "/program new 春季導師", admin=True)
    await tg.dm("bea", "/start")
    await tg.group("bea", "g", "/join")
    await tg.group("bea", "g", "/program join mentee")
    asked = await tg.dm("bea", "Taipei")
    topics = "Which topics do you want help with in “{program}”? List them with commas."
    assert_in("zh_Hant", topics, asked)
    goal = await tg.dm("bea", "定價")
    assert_in("zh_Hant", "What is the one goal you want to reach in this program?", goal)
    await tg.dm("sam", "/start")  # in no community: the default language
    assert "/help" in await tg.dm("sam", "/help")
    greeted = await tg.dm("bea", "/help")
    assert greeted != await tg.dm("sam", "/help")
