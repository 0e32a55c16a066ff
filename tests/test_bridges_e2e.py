"""A bridge end to end: real python-telegram-bot and discord.py, both fakes, one core.

A Telegram member asks; a Discord mentor (who also linked a Telegram account) is told by
DM on Discord, claims from the Discord channel, is thanked when the asker resolves on
Telegram, and the kudos land on the one person both accounts belong to.
"""

from __future__ import annotations

import re

from bot.app import Core
from tests.both_platforms import slash
from tests.discord_fake import FakeDiscord
from tests.telegram_fake import FakeBotApi, group, private, user

ALICE = user(2001, "Alice", "alice")
OWNER = user(2002, "Olga", "olga")
MAX_TG = user(2003, "Max", "max")
MAKERS = group(-5001, "Makers")
CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")


def dm_posts(discord: FakeDiscord, user_id: str) -> list[str]:
    """What the bot sent to one person's Discord DM channel (the fake names it 5…)."""
    return [
        call.json.get("content") or ""
        for call in discord.find("POST", rf"/channels/5{user_id[1:]}/messages")
    ]


async def telegram_code(telegram: FakeBotApi, chat_id: int) -> str:
    """The newest code the bot sent to a Telegram chat."""
    await telegram.wait_until(lambda: any(CODE.search(s.text) for s in telegram.sent_to(chat_id)))
    found = [m.group(1) for s in telegram.sent_to(chat_id) if (m := CODE.search(s.text))]
    return found[-1]


async def test_telegram_member_asks_discord_mentor_claims_and_gets_the_kudos(
    core: Core, both: tuple[FakeBotApi, FakeDiscord]
) -> None:
    telegram, discord = both
    d_max = discord.add_person("600000000000000011", "max")
    d_dora = discord.add_person("600000000000000012", "dora", organizer=True)

    # Max links his Telegram and Discord accounts: one person.
    telegram.say(private(MAX_TG), MAX_TG, "/start")
    telegram.say(private(MAX_TG), MAX_TG, "/link")
    linked = await slash(
        discord, d_max, "link", {"code": await telegram_code(telegram, MAX_TG["id"])}, dm=True
    )
    assert "Linked!" in linked

    # Olga (Telegram admin) offers a bridge; the code comes to her privately.
    telegram.admins[MAKERS["id"]] = [OWNER]
    telegram.say(private(OWNER), OWNER, "/start")
    telegram.say(MAKERS, OWNER, "/settings bridge")
    code = await telegram_code(telegram, OWNER["id"])
    assert not any(CODE.search(s.text) for s in telegram.sent_to(MAKERS["id"]))
    # A Discord member who is not an organizer cannot accept it; Dora (Manage Server) can.
    refused = await slash(discord, d_max, "settings", {"setting": "bridge", "value": code})
    assert "Only organizers" in refused
    accepted = await slash(discord, d_dora, "settings", {"setting": "bridge", "value": code})
    assert "now bridged with **Telegram · Makers**" in accepted
    await telegram.wait_text(MAKERS["id"], "now bridged with Discord")

    mentor = await slash(discord, d_max, "skills", {"skills": "pricing, etsy"})
    assert "pricing" in mentor.lower()
    telegram.say(MAKERS, ALICE, "/ask How do I price <candles>? #pricing")
    opened = await telegram.wait_text(MAKERS["id"], "Request #1 is open")
    assert "I told 1 member with matching skills (pricing)" in opened.text
    # Max hears of it on Discord, his own platform, by DM.
    routed = await discord.wait_for(
        lambda: next((p for p in dm_posts(discord, d_max.user_id) if "asked for" in p), None)
    )
    assert "**Alice (Telegram)** asked for help in **Telegram · Makers** (#1, pricing)" in routed

    offered = await slash(discord, d_max, "canhelp")
    assert "**\\#1** “How do I price <candles>?” #pricing — Alice, open · Telegram · Makers" in (
        offered
    )
    claimed = await slash(discord, d_max, "claim", {"number": 1})
    assert "You're helping Alice (Telegram) with #1" in claimed
    intro = await telegram.wait_text(MAKERS["id"], "will help")
    assert intro.text.startswith("🤝 Max will help Alice with #1")
    assert f"tg://user?id={ALICE['id']}" in intro.html  # the asker is pinged on Telegram

    telegram.say(MAKERS, ALICE, "/resolve 1 Thanks, that worked!")
    resolved = await telegram.wait_text(MAKERS["id"], "#1 is resolved")
    assert "Kudos to Max!" in resolved.text

    # The kudos landed on the one person: both accounts show them.
    telegram.say(private(MAX_TG), MAX_TG, "/profile")
    profile = await telegram.wait_text(MAX_TG["id"], "Kudos:")
    assert "Kudos: 1" in profile.text
    on_discord = await slash(discord, d_max, "profile", dm=True)
    assert "Kudos: 1" in on_discord
    assert "Accounts: Discord: Max · Telegram: Max" in on_discord
