"""Onboarding and profile commands, played through the console adapter on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import Core
from storage.models import Account, Community, Membership, Person, PersonTopic
from tests.harness import ChatDriver, FakeClock


async def count(core: Core, model: type) -> int:
    async with core.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_start_in_group_registers_community_and_in_dm_opts_in(
    chat: ChatDriver, core: Core
) -> None:
    out = await chat.say("alice", "group-a", "/start")
    assert "Hello, group-a!" in out
    assert await count(core, Community) == 1
    out = await chat.say("alice", None, "/start")
    assert "[dm alice]" in out
    assert "Set up your profile" in out
    async with core.database.sessions() as session:
        account = await session.scalar(select(Account).where(Account.user_id == "alice"))
        assert account is not None
        assert account.dm_opted_in


async def test_first_command_joins_and_join_says_already(chat: ChatDriver, core: Core) -> None:
    out = await chat.say("bob", "group-a", "/join")
    assert "Welcome to group-a, Bob!" in out
    out = await chat.say("bob", "group-a", "/join")
    assert "already in group-a as member" in out
    await chat.say("carol", "group-a", "/skills sewing")
    assert await count(core, Membership) == 2


async def test_skills_replace_dedupe_show_and_clear(chat: ChatDriver) -> None:
    out = await chat.say("alice", "group-a", "/skills Pricing, design,  DESIGN , #excel,,")
    assert out.endswith("Your skills: Pricing, design, excel")
    assert "Your skills: Pricing, design, excel" in await chat.say("alice", "group-a", "/skills")
    assert "Your skills: sewing" in await chat.say("alice", None, "/skills sewing")
    assert "list is now empty" in await chat.say("alice", None, "/skills none")
    assert "no skills yet" in await chat.say("alice", None, "/skills")


async def test_skills_bad_input_writes_nothing(chat: ChatDriver, core: Core) -> None:
    await chat.say("alice", "group-a", "/skills design")
    out = await chat.say("alice", "group-a", "/skills " + ", ".join(f"t{i}" for i in range(25)))
    assert "the limit is 20" in out
    assert "Example:" in out
    out = await chat.say("alice", "group-a", "/skills " + "x" * 50)
    assert "too long for a topic" in out
    out = await chat.say("alice", "group-a", "/skills , , ,")
    assert "found no skills" in out
    assert "Your skills: design" in await chat.say("alice", "group-a", "/skills")
    assert await count(core, PersonTopic) == 1


async def test_timezone_unknown_suggests_closest(chat: ChatDriver) -> None:
    out = await chat.say("alice", "group-a", "/timezone Europe/Berln")
    assert "I don't know the timezone “Europe/Berln”. Did you mean one of these?" in out
    assert "Europe/Berlin · 13:00" in out
    out = await chat.say("alice", "group-a", "/timezone america/new_york")
    assert "America/New_York" in out
    assert "07:00" in out
    out = await chat.say("alice", "group-a", "/timezone")
    assert "Your timezone is America/New_York" in out


async def test_language_known_unknown(chat: ChatDriver) -> None:
    out = await chat.say("alice", None, "/language xx")
    assert "I don't know the language “xx”" in out
    out = await chat.say("alice", None, "/language pt-br")
    assert "português (Brasil)" in out
    assert "English until a translation" in out


async def test_away_dates(chat: ChatDriver, clock: FakeClock) -> None:
    out = await chat.say("alice", "group-a", "/away 2026-12-24")
    assert "away until the end of Thu 2026-12-24 (UTC)" in out
    out = await chat.say("alice", "group-a", "/away 2020-01-01")
    assert "in the past" in out
    out = await chat.say("alice", "group-a", "/away someday maybe")
    assert "can't read" in out
    out = await chat.say("alice", "group-a", "/away 2030-01-01")
    assert "more than a year" in out
    assert "Welcome back" in await chat.say("alice", "group-a", "/away off")


async def test_profile_is_private_and_shows_others(chat: ChatDriver) -> None:
    await chat.say("alice", "group-a", "/skills pricing")
    await chat.say("alice", "group-a", "/interests taxes")
    out = await chat.say("bob", "group-a", "/profile @alice")
    assert out.startswith("[dm bob]")
    assert "Skills: pricing" in out
    assert "Interests: taxes" in out
    assert "Role: member" in out
    out = await chat.say("bob", "group-a", "/profile @nobody")
    assert "I don't know @nobody in this community" in out
    out = await chat.say("alice", "group-b", "/profile @bob")
    assert "I don't know @bob" in out


async def test_private_reply_falls_back_when_dm_closed(chat: ChatDriver) -> None:
    chat.console.messenger.unreachable.add("bob")
    out = await chat.say("bob", "group-a", "/profile")
    assert out.startswith("[group-a]")
    assert "@Bob, I have a private message for you, but I can't send it to you by DM yet" in out
    assert "Skills:" not in out


async def test_promote_and_demote_need_organizer(chat: ChatDriver) -> None:
    await chat.say("bob", "group-a", "/join")
    out = await chat.say("bob", "group-a", "/promote @alice mentor")
    assert "Only organizers can use /promote" in out
    await chat.say("alice", "group-a", "/join")
    chat.make_admin("alice", "group-a")
    assert "Bob is now a mentor here" in await chat.say("alice", "group-a", "/promote @bob mentor")
    assert "already a mentor" in await chat.say("alice", "group-a", "/promote @bob mentor")
    out = await chat.say("alice", "group-a", "/promote @bob king")
    assert "must be one of: mentor, organizer" in out
    assert "Role: mentor" in await chat.say("bob", "group-a", "/profile")
    assert "now a member" in await chat.say("alice", "group-a", "/demote @bob")
    out = await chat.say("bob", "group-a", "/demote @alice")
    assert "Only organizers" in out
    out = await chat.say("alice", "group-a", "/demote @alice")
    assert "stays an organizer because they administer this chat" in out


async def test_promoted_organizer_can_change_settings(chat: ChatDriver) -> None:
    await chat.say("bob", "group-a", "/join")
    chat.make_admin("alice", "group-a")
    await chat.say("alice", "group-a", "/promote @bob organizer")
    out = await chat.say("bob", "group-a", "/settings timezone Asia/Kolkata")
    assert "now Asia/Kolkata (local time 17:30)" in out


async def test_settings_view_change_and_refuse(chat: ChatDriver) -> None:
    out = await chat.say("bob", "group-a", "/settings")
    assert "Timezone: UTC" in out
    assert "Members: 1" in out
    out = await chat.say("bob", "group-a", "/settings timezone Europe/Berlin")
    assert "Only organizers can use /settings" in out
    chat.make_admin("alice", "group-a")
    out = await chat.say("alice", "group-a", "/settings timezone Berlin")
    assert "now Europe/Berlin (local time 13:00)" in out
    out = await chat.say("alice", "group-a", "/settings language klingon")
    assert "I don't know the language “klingon”" in out
    out = await chat.say("alice", "group-a", "/settings color blue")
    assert "must be one of: timezone, language" in out
    assert "Timezone: Europe/Berlin" in await chat.say("bob", "group-a", "/settings")
    out = await chat.say("alice", None, "/settings")
    assert "works in a group chat" in out


async def test_help_lists_by_role_and_place_and_explains_one(chat: ChatDriver) -> None:
    out = await chat.say("bob", "group-a", "/help")
    assert "/skills" in out
    assert "/promote" not in out
    chat.make_admin("alice", "group-a")
    assert "/promote" in await chat.say("alice", "group-a", "/help")
    dm = await chat.say("bob", None, "/help")
    assert "/join — Join this community as a member (in a group)" in dm
    assert "/timezone" in dm
    out = await chat.say("bob", None, "/help /timezone")
    assert "/timezone [zone]" in out
    assert "Example: /timezone Europe/Berlin" in out
    assert "Close: /skills" in await chat.say("bob", None, "/help skils")


async def test_unknown_and_misplaced_commands(chat: ChatDriver) -> None:
    assert "Did you mean /skills?" in await chat.say("bob", "group-a", "/skils@mentorbot a")
    assert "I don't know /zzzz" in await chat.say("bob", None, "/zzzz")
    assert "works in a group chat" in await chat.say("bob", None, "/join")
    assert "Too many arguments" in await chat.say("bob", "group-a", "/help a b")
    assert await chat.say("bob", "group-a", "just chatting") == ""
    assert "Send /help" in await chat.say("bob", None, "hello?")


async def test_overlong_message_is_refused_with_the_limit(chat: ChatDriver, core: Core) -> None:
    out = await chat.say("bob", "group-a", "/skills " + "a, " * 2000)
    assert "the limit is 4096" in out
    assert await count(core, PersonTopic) == 0


async def test_forgetme_confirms_then_deletes_everything(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", "group-a", "/skills pricing, design")
    await chat.say("bob", "group-b", "/interests taxes")
    await chat.say("alice", "group-a", "/skills sewing")
    out = await chat.say("bob", "group-a", "/forgetme")
    assert out.startswith("[dm bob]")
    assert "cannot be undone" in out
    assert "someone else" in await chat.press("alice", "Delete everything")
    assert "nothing was deleted" in await chat.press("bob", "Cancel")
    assert await count(core, Person) == 2
    out = await chat.press("bob", "Delete everything")
    assert "Done. I deleted every record of you" in out
    async with core.database.sessions() as session:
        assert await session.scalar(select(Account).where(Account.user_id == "bob")) is None
    assert await count(core, Person) == 1
    assert await count(core, PersonTopic) == 1
    assert await count(core, Membership) == 1
