"""`/promote` and `/demote` say exactly what changed, and write nothing when nothing did."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import Core
from storage.models import Account, Membership
from tests.harness import ChatDriver


async def roles(core: Core) -> dict[str, str]:
    async with core.database.sessions() as session:
        rows = await session.execute(
            select(Account.user_id, Membership.role).join(
                Membership, Membership.person_id == Account.person_id
            )
        )
        return {user: role for user, role in rows.all()}


# (who, command, what the reply says, roles afterwards of bob / olga / mia)
STEPS = [
    ("olga", "/promote @bob mentor", "Bob is now a mentor here.", ("mentor", "member", "member")),
    (
        "olga",
        "/promote @bob mentor",
        "Bob is already a mentor here. Nothing changed.",
        ("mentor", "member", "member"),
    ),
    (
        "olga",
        "/promote @bob organizer",
        "Bob is now an organizer here.",
        ("organizer", "member", "member"),
    ),
    (
        "olga",
        "/promote @bob mentor",
        "Bob is an organizer here, which already includes everything a mentor can do. "
        "Nothing changed.",
        ("organizer", "member", "member"),
    ),
    (
        "bob",
        "/promote @olga organizer",
        "Olga administers this chat, so they are an organizer here already. Nothing changed.",
        ("organizer", "member", "member"),
    ),
    (
        "bob",
        "/promote @olga mentor",
        "Olga administers this chat, so they are an organizer here already. Nothing changed.",
        ("organizer", "member", "member"),
    ),
    (
        "olga",
        "/promote @olga organizer",
        "You can't change your own role; another organizer can. Nothing changed.",
        ("organizer", "member", "member"),
    ),
    (
        "bob",
        "/promote @bob organizer",
        "You can't change your own role; another organizer can. Nothing changed.",
        ("organizer", "member", "member"),
    ),
    (
        "olga",
        "/promote @ghost mentor",
        "I don't know @ghost in this community.",
        ("organizer", "member", "member"),
    ),
    (
        "olga",
        "/demote @mia",
        "Mia is already a member. Nothing changed.",
        ("organizer", "member", "member"),
    ),
    (
        "bob",
        "/demote @olga",
        "Olga is already a member in my records, and stays an organizer because they "
        "administer this chat. Nothing changed.",
        ("organizer", "member", "member"),
    ),
    (
        "olga",
        "/demote @bob",
        "Bob was an organizer and is now a member.",
        ("member", "member", "member"),
    ),
]


async def test_role_changes_say_truthfully_what_changed(chat: ChatDriver, core: Core) -> None:
    chat.make_admin("olga", "g")
    for person in ("olga", "bob", "mia"):
        await chat.say(person, "g", "/join")
    for who, command, expected, after in STEPS:
        out = await chat.say(who, "g", command)
        assert expected in out, (command, out)
        found = await roles(core)
        assert (found["bob"], found["olga"], found["mia"]) == after, command
    assert "ghost" not in await roles(core)


async def test_demoting_a_mentor_who_administers_the_chat(chat: ChatDriver, core: Core) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("bob", "g", "/join")
    await chat.say("olga", "g", "/promote @bob mentor")
    chat.make_admin("bob", "g")
    out = await chat.say("olga", "g", "/demote @bob")
    assert (
        "Bob was a mentor and is now a member in my records, but stays an organizer because "
        "they administer this chat." in out
    )
    assert (await roles(core))["bob"] == "member"
