"""Bridges through the real router: a console group and a Discord channel share requests."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import select

from bot.app import Core
from bot.core.markup import plain
from bot.core.registry import Suggest
from bot.delivery.serialize import load_message
from storage.models import Account, BridgeCode, HelpRequest, Kudos, OutboxMessage, Tip
from tests.harness import ChatDriver, DiscordSpeaker, FakeClock

CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")


async def offer(chat: ChatDriver) -> str:
    """Olga, an organizer of console group g, asks for a bridge code (sent to her privately)."""
    chat.make_admin("olga", "g")
    out = await chat.say("olga", "g", "/settings bridge")
    assert "[dm olga]" in out, out  # the code never shows in the group
    found = CODE.search(out)
    assert found is not None, out
    return found.group(1)


async def bridged(chat: ChatDriver, discord: DiscordSpeaker) -> None:
    code = await offer(chat)
    out = await discord.group("dora", "dc", f"/settings bridge {code}", admin=True)
    assert "is now bridged with" in out, out


async def deliver(core: Core, chat: ChatDriver, discord: DiscordSpeaker) -> str:
    """Runs the outbox once; returns what reached the console (Discord's is in its messenger)."""
    core.attach(chat.console.messenger)
    core.attach(discord.messenger)
    start = len(chat.output)
    await core.dispatcher.drain_due()
    return "\n".join(chat.output[start:])


def discord_sent(discord: DiscordSpeaker) -> list[tuple[str, str, str]]:
    """(kind, target, text) of everything sent to Discord."""
    return [
        (kind, target, plain(message.text)) for kind, target, message, _ in discord.messenger.sent
    ]


async def test_bridge_codes_need_an_organizer_on_each_side(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    discord = DiscordSpeaker(core)
    await chat.say("bob", "g", "/join")
    refused = await chat.say("bob", "g", "/settings bridge")
    assert "Only organizers can use /settings bridge" in refused
    code = await offer(chat)

    assert "Only organizers" in await discord.group("dan", "dc", f"/settings bridge {code}")
    typo = await discord.group("dora", "dc", "/settings bridge ZZZZ-ZZZZ", admin=True)
    assert "I don't know the bridge code “ZZZZ-ZZZZ”" in typo
    odd = await discord.group("dora", "dc", "/settings bridge <b>@everyone</b>", admin=True)
    assert "I don't know the bridge code" in odd

    joined = await discord.group("dora", "dc", f"/settings bridge {code.lower()}", admin=True)
    assert "dc is now bridged with the console · g" in joined
    again = await discord.group("dora", "dc", f"/settings bridge {code}", admin=True)
    assert "already used" in again
    announced = await deliver(core, chat, discord)
    assert "now bridged with Discord · dc (its organizer redeemed the code from here)" in (
        announced
    )
    assert "Bridge: shared with Discord · dc" in await chat.say("olga", "g", "/settings")
    assert "already bridged with Discord · dc" in await chat.say("olga", "g", "/settings bridge")
    await discord.group("dora", "dc", "/settings bridge off", admin=True)

    shown = await offer(chat)  # pasted into its own group by mistake: cancelled at once
    assert "so I cancelled it" in await chat.say("olga", "g", f"/settings bridge {shown}")
    stolen = await discord.group("eve", "eves-server", f"/settings bridge {shown}", admin=True)
    assert "already used" in stolen

    late = await offer(chat)
    clock.advance(minutes=11)
    expired = await discord.group("dora", "dc2", f"/settings bridge {late}", admin=True)
    assert "has expired" in expired
    async with core.database.sessions() as session:
        stored = (await session.scalars(select(BridgeCode.code_hash))).all()
    assert all(late.replace("-", "") not in digest for digest in stored)  # only hashes


async def test_discord_mentor_claims_a_console_request_and_gets_the_kudos(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await discord.group("max", "dc", "/skills pricing")
    await chat.say("ned", "g", "/skills pricing")

    asked = await chat.say("bea", "g", "/ask How should I price candles? #pricing")
    assert "Request #1 is open" in asked
    assert "I told 2 members with matching skills" in asked
    await deliver(core, chat, discord)
    dms = [text for kind, target, text in discord_sent(discord) if kind == "dm" and target == "max"]
    assert dms == [
        "Bea (the console) asked for help in the console · g (#1, pricing):\n"
        "“How should I price candles?”"
    ]

    listing = await discord.group("max", "dc", "how can I help?")
    assert "#1 “How should I price candles?” #pricing — Bea, open · the console · g" in listing
    claimed = await discord.group("max", "dc", "/claim 1")
    assert "You're helping Bea (the console) with #1" in claimed
    assert "I told them in the console · g" in claimed
    introduced = await deliver(core, chat, discord)
    assert "🤝 Max (Discord) will help @Bea with #1" in introduced  # only Bea is pinged
    assert "[dm bea] mentorbot: Max (Discord) will help you with #1" in introduced
    helper_dm = [text for kind, target, text in discord_sent(discord) if target == "max"][-1]
    assert helper_dm.startswith("You're helping Bea (the console) with #1")

    resolved = await chat.say("bea", "g", "/resolve 1 Thanks, it worked!")
    assert "Kudos to Max (Discord)!" in resolved
    await deliver(core, chat, discord)
    thanked = [text for kind, target, text in discord_sent(discord) if target == "max"][-1]
    assert "Bea marked #1 resolved in the console · g. Kudos to you!" in thanked
    async with core.database.sessions() as session:
        max_account = await session.scalar(select(Account).where(Account.user_id == "max"))
        kudos = (await session.scalars(select(Kudos))).all()
    assert max_account is not None
    assert [(k.receiver_id, k.note) for k in kudos] == [
        (max_account.person_id, "Thanks, it worked!")
    ]


async def test_numbers_are_shared_and_lists_show_where_requests_live(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    await chat.say("bea", "g", "/ask Before the bridge, in g")  # g's #1
    await discord.group("dan", "dc", "/ask Before the bridge, in dc")  # dc's #1
    await bridged(chat, discord)
    assert "Request #2 is open" in await discord.group("dan", "dc", "/ask After, from dc")
    assert "Request #3 is open" in await chat.say("bea", "g", "/ask After, from g")
    listing = await discord.group("max", "dc", "/requests")
    assert "#3 “After, from g” — Bea, open · the console · g" in listing
    assert "#2 “After, from dc” — Dan, open\n" in listing + "\n"  # its own: no place named
    # #1 exists on both sides (made before the bridge): each side's own comes first.
    claimed = await chat.say("ned", "g", "/claim 1")
    assert "@Ned will help @Bea with #1" in claimed
    assert "There is also a #1 in Discord · dc, from before the bridge" in claimed
    async with core.database.sessions() as session:
        rows = (
            await session.execute(
                select(HelpRequest.question, HelpRequest.number, HelpRequest.helper_id)
            )
        ).all()
    assert sorted((number, question) for question, number, _ in rows) == [
        (1, "Before the bridge, in dc"),
        (1, "Before the bridge, in g"),
        (2, "After, from dc"),
        (3, "After, from g"),
    ]
    helped = {question for question, _, helper in rows if helper is not None}
    assert helped == {"Before the bridge, in g"}


async def test_leaving_the_bridge_stops_sharing(chat: ChatDriver, core: Core) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await chat.say("bea", "g", "/ask Shared while bridged")
    assert "Shared while bridged" in await discord.group("max", "dc", "how can I help?")
    refused = await discord.group("max", "dc", "/settings bridge off")
    assert "Only organizers" in refused
    left = await discord.group("dora", "dc", "/settings bridge off", admin=True)
    assert "no longer shares with the console · g" in left
    assert "Nothing is open" in await discord.group("max", "dc", "how can I help?")
    assert "There is no request #1 here" in await discord.group("max", "dc", "/claim 1")
    told = await deliver(core, chat, discord)
    assert "Discord · dc left the bridge" in told
    again = await discord.group("dora", "dc", "/settings bridge off", admin=True)
    assert "isn't bridged" in again
    async with core.database.sessions() as session:
        queued = (await session.scalars(select(OutboxMessage.payload))).all()
    assert any("left the bridge" in plain(load_message(p).text) for p in queued)


async def test_board_shows_each_bridged_community_on_its_own_day(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    empty = await discord.group("max", "dc", "/board")
    assert "Nobody has checked in yet. Be the first" in empty.partition("the console · g")[0]
    assert "Nobody has checked in there yet." in empty.partition("the console · g")[2]
    await chat.say("bea", "g", "/checkin write the pricing page")
    await discord.group("max", "dc", "/checkin record the demo")
    board = await discord.group("max", "dc", "/board")
    mine, _, theirs = board.partition("the console · g")
    assert "Max: record the demo" in mine
    assert "Bea: write the pricing page" in theirs


async def test_a_bridge_joins_exactly_two_communities(chat: ChatDriver, core: Core) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)  # g and dc
    chat.make_admin("olga", "h")
    third = CODE.search(await chat.say("olga", "h", "/settings bridge"))
    assert third is not None
    refused = await discord.group("dora", "dc", f"/settings bridge {third.group(1)}", admin=True)
    assert "This community is already bridged with the console · g" in refused
    # dc2 may take h's code: h and dc2 are a second, separate bridge.
    second = await discord.group("dora", "dc2", f"/settings bridge {third.group(1)}", admin=True)
    assert "dc2 is now bridged with the console · h" in second
    await chat.say("bea", "h", "/ask Only for h and dc2")
    assert "Only for h and dc2" not in await discord.group("max", "dc", "how can I help?")
    assert "Only for h and dc2" in await discord.group("max", "dc2", "how can I help?")


async def test_only_the_requests_own_organizers_moderate_it(chat: ChatDriver, core: Core) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await chat.say("bea", "g", "/ask Is my logo readable?")
    closed = await discord.group("dora", "dc", "/close 1", admin=True)  # dc's admin, not g's
    assert "Only the asker or an organizer can use /close on #1" in closed
    assert "#1 is closed" in await chat.say("olga", "g", "/close 1")  # g's admin may


async def test_leaving_releases_claims_across_and_keeps_numbers_unique(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await chat.say("bea", "g", "/ask One")
    await discord.group("dan", "dc", "/ask Two")
    assert "You're helping" in await discord.group("max", "dc", "/claim 1")
    left = await discord.group("dora", "dc", "/settings bridge off", admin=True)
    assert "1 request claimed from the other side is open again" in left
    assert "#1 “One” — Bea, open" in await chat.say("bea", "g", "/requests")
    assert "Request #3 is open" in await chat.say("bea", "g", "/ask Three")
    assert "Request #3 is open" in await discord.group("dan", "dc", "/ask Three there")


async def test_first_asks_on_both_sides_at_once_both_get_numbers(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    console = DiscordSpeaker(core, platform="console")  # speaks at the same time as discord
    await bridged(chat, discord)
    for round_number in range(4):  # new members each time: their first command joins them
        results = await asyncio.gather(
            discord.group(f"d{round_number}", "dc", f"/ask From dc {round_number}"),
            console.group(f"c{round_number}", "g", f"/ask From g {round_number}"),
        )
        assert all("is open" in result for result in results), results
    async with core.database.sessions() as session:
        numbers = (await session.scalars(select(HelpRequest.number))).all()
    assert sorted(numbers) == list(range(1, 9))


async def test_tips_reach_both_sides_once_and_take_votes_from_either(
    chat: ChatDriver, core: Core
) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    posted = await chat.say("olga", "g", "/tip Price by value, not by hours #pricing")
    assert "Tip #1 from Olga" in posted
    await deliver(core, chat, discord)
    shared = [(target, text) for kind, target, text in discord_sent(discord) if kind == "chat"]
    assert [t for t, text in shared if "Tip #1 from Olga (the console)" in text] == ["dc"]
    found = await discord.group("max", "dc", "/tips value")
    assert "#1 Price by value, not by hours #pricing — Olga" in found
    assert "Price by value" in await discord.group("max", "dc", "/tips #pricing")
    voted = await discord.press("max", "dc", "tip-helpful", "1")
    assert "Tip #1 is marked helpful (1 so far)" in voted

    everywhere = await discord.group("dora", "dc", "/tip all Keep every receipt #tax", admin=True)
    assert "on its way to 1 community: dc" in everywhere
    reached = await deliver(core, chat, discord)
    assert reached.count("Keep every receipt") == 1
    assert "Tip #2 from Dora (Discord)" in reached
    async with core.database.sessions() as session:
        texts = (await session.scalars(select(Tip.text).order_by(Tip.id))).all()
    assert texts == ["Price by value, not by hours #pricing", "Keep every receipt #tax"]


async def test_saving_and_autocomplete_work_across_the_bridge(chat: ChatDriver, core: Core) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await chat.say("bea", "g", "/ask Which invoice app? #invoicing")
    choices = await core.router.suggest("discord", "dc", Suggest.OPEN_REQUEST, "invoice")
    assert choices == [("#1 Which invoice app?", 1)]
    topics = await core.router.suggest("discord", "dc", Suggest.TOPIC, "invo")
    assert topics == [("invoicing", "invoicing")]
    assert await core.router.suggest("discord", "elsewhere", Suggest.OPEN_REQUEST, "") == []
    await discord.group("max", "dc", "/claim 1")
    await chat.say("bea", "g", "/resolve 1 Use the free tier of Wave")
    saved = await discord.group("max", "dc", "/savetip 1")
    assert "Saved #1 as a tip" in saved
    found = await discord.group("max", "dc", "/savetip 1")
    assert "#1 is already tip #1" in found


async def test_escalation_asks_the_mentors_of_both_sides_once(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    discord = DiscordSpeaker(core)
    await bridged(chat, discord)
    await discord.group("mo", "dc", "/join")
    await discord.group("dora", "dc", "/promote @mo mentor", admin=True)
    await chat.say("bea", "g", "/ask Anyone know bookkeeping?")
    clock.advance(hours=25)
    assert await core.escalation.sweep() == 1
    told = await deliver(core, chat, discord)
    assert "Nobody has claimed #1 yet" in told  # the asker, at home
    to_mo = [text for kind, target, text in discord_sent(discord) if target == "mo"]
    assert to_mo == [
        "Still waiting for a helper in the console · g after 24 h — #1: “Anyone know bookkeeping?”"
    ]
    assert await core.escalation.sweep() == 0
