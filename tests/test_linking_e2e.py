"""Linking end to end: real python-telegram-bot and discord.py, both fakes, one core."""

from __future__ import annotations

import re

from bot.app import Core
from tests.both_platforms import channel_posts, slash
from tests.discord_fake import FakeDiscord
from tests.telegram_fake import FakeBotApi, group, private, user

ALICE = user(1001, "Alice", "alice")
BOB = user(1002, "Bob", "bob")
MAKERS = group(-4001, "Makers")
TIP = "Price by value, not by hours"
CODE = re.compile(r"code: ([A-Z2-9]{4}-[A-Z2-9]{4})")


async def test_linked_person_sees_merged_kudos_and_tip_all_reaches_both_platforms_once(
    core: Core, both: tuple[FakeBotApi, FakeDiscord]
) -> None:
    telegram, discord = both
    d_alice = discord.add_person("600000000000000001", "alice")
    d_bob = discord.add_person("600000000000000002", "bob", organizer=True)

    # Telegram: alice is a mentor in Makers and gets kudos there
    telegram.admins[MAKERS["id"]] = [BOB]
    telegram.say(private(ALICE), ALICE, "/start")
    telegram.say(MAKERS, ALICE, "/join")
    telegram.say(MAKERS, BOB, "/promote @alice mentor")
    telegram.say(MAKERS, BOB, "/kudos @alice thanks for the pricing sheet")
    await telegram.wait_sent(MAKERS["id"], 3)  # welcome, promotion, kudos
    # Discord: a Manage Server organizer makes alice a mentor in the channel
    await slash(discord, d_alice, "join")
    promoted = await slash(discord, d_bob, "promote", {"person": d_alice.user_id, "role": "mentor"})
    assert "now a mentor" in promoted

    telegram.say(private(ALICE), ALICE, "/link")
    await telegram.wait_until(lambda: any(CODE.search(s.text) for s in telegram.sent))
    code = next(m.group(1) for s in telegram.sent if (m := CODE.search(s.text)))

    linked = await slash(discord, d_alice, "link", {"code": code}, dm=True)
    assert "Linked!" in linked
    # Telegram tells the other account, by DM, through the outbox
    await telegram.wait_until(
        lambda: any("just linked" in s.text for s in telegram.sent_to(ALICE["id"]))
    )

    profile = await slash(discord, d_alice, "profile", dm=True)
    assert "Kudos: 1" in profile  # the Telegram kudos, seen from Discord
    assert "Accounts: Discord: Alice · Telegram: Alice" in profile

    answer = await slash(discord, d_alice, "tip", {"tip": f"all {TIP} #pricing"}, dm=True)
    assert "on its way to 2 communities" in answer
    await telegram.wait_until(lambda: any(TIP in s.text for s in telegram.sent_to(MAKERS["id"])))
    await discord.wait_for(lambda: any(TIP in post for post in channel_posts(discord)))
    assert await core.dispatcher.drain_due() == 0  # nothing left to send again
    assert len([s for s in telegram.sent if TIP in s.text]) == 1
    assert len([post for post in channel_posts(discord) if TIP in post]) == 1
