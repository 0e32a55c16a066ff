"""`/link` through the real router: the console is one platform, "discord" events the other."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.app import Core
from bot.features.linking import code_hash, normalize_code
from storage.link_repo import LinkRepository
from storage.models import (
    Account,
    CheckIn,
    Community,
    Kudos,
    LinkCode,
    Membership,
    OutboxMessage,
    Person,
    PersonTopic,
    TipVote,
)
from tests.harness import ChatDriver, FakeClock
from tests.harness import DiscordSpeaker as Discord

CODE = re.compile(r"code: ([A-Z2-9]{4}-[A-Z2-9]{4})")


async def count(core: Core, model: type, *where: object) -> int:
    async with core.database.sessions() as session:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(await session.scalar(query) or 0)


async def console_code(chat: ChatDriver, person: str = "alice") -> str:
    out = await chat.say(person, None, "/link")
    found = CODE.search(out)
    assert found is not None, out
    return found.group(1)


async def linked_alice(chat: ChatDriver, discord: Discord) -> None:
    out = await discord.dm("alice", f"/link {await console_code(chat)}")
    assert "Linked!" in out, out


async def test_code_shape_and_only_a_hash_is_stored(chat: ChatDriver, core: Core) -> None:
    code = await console_code(chat)
    assert len(normalize_code(code)) == 8
    assert not set(normalize_code(code)) & set("01OIL")
    async with core.database.sessions() as session:
        stored = list(await session.scalars(select(LinkCode.code_hash)))
    assert stored == [code_hash(code)]
    assert normalize_code(code) not in stored[0]


async def test_link_joins_profiles_and_profile_shows_both_accounts(
    chat: ChatDriver, core: Core
) -> None:
    discord = Discord(core)
    await chat.say("alice", None, "/skills pricing, design")
    await chat.say("alice", None, "/timezone Europe/Berlin")
    await discord.dm("alice", "/skills design, sewing")
    await discord.dm("alice", "/language es")
    assert await count(core, Person) == 2

    code = await console_code(chat)
    out = await discord.dm("alice", f"/link {code.lower().replace('-', ' ')}")  # as typed
    assert "¡Vinculadas!" in out  # she chose Spanish on this account
    assert await count(core, Person) == 1
    assert await count(core, Account) == 2

    profile = await discord.dm("alice", "/profile")  # in her language, Spanish
    assert "Habilidades: design, sewing, pricing" in profile  # keeper's first, no duplicates
    assert "Zona horaria: Europe/Berlin" in profile  # filled from the other account
    assert "Idioma: español" in profile
    assert "Cuentas: the console: Alice · Discord: Alice" in profile
    assert "Cuentas: the console: Alice · Discord" in await chat.say("alice", None, "/profile")
    # the other account is told, on its own platform, through the outbox
    async with core.database.sessions() as session:
        queued = list(await session.scalars(select(OutboxMessage)))
        person = await session.scalar(select(Person.id))
    assert [(row.platform, row.user_id, row.person_id) for row in queued] == [
        ("console", "alice", person)
    ]


async def test_profile_of_someone_else_does_not_reveal_linked_accounts(
    chat: ChatDriver, core: Core
) -> None:
    discord = Discord(core)
    await chat.say("alice", "makers", "/join")
    await linked_alice(chat, discord)
    out = await chat.say("bob", "makers", "/profile @alice")
    assert "Alice" in out
    assert "Accounts:" not in out


async def test_mistyped_reused_and_expired_codes(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    discord = Discord(core)
    out = await discord.dm("alice", "/link ZZZZ-ZZZZ")
    assert "I don't know the code “ZZZZ-ZZZZ”" in out
    assert "Example: /link" in out

    code = await console_code(chat)
    assert "Linked!" in await discord.dm("alice", f"/link {code}")
    out = await discord.dm("bob", f"/link {code}")
    assert "already used" in out

    late = await console_code(chat, "carol")
    clock.advance(minutes=10)
    out = await discord.dm("carol", f"/link {late}")
    assert "expired" in out
    assert await count(core, Account, Account.user_id == "carol") == 1
    assert await count(core, Person) == 2  # linked alice and console carol; refusals write nothing


async def test_a_new_code_replaces_the_unused_one(chat: ChatDriver, core: Core) -> None:
    discord = Discord(core)
    first = await console_code(chat)
    second = await console_code(chat)
    assert "I don't know the code" in await discord.dm("alice", f"/link {first}")
    assert "Linked!" in await discord.dm("alice", f"/link {second}")


async def test_same_platform_same_profile_and_group_are_refused(
    chat: ChatDriver, core: Core
) -> None:
    code = await console_code(chat)
    out = await chat.say("bob", None, f"/link {code}")
    assert "Both accounts are on the console" in out
    out = await chat.say("alice", None, f"/link {code}")
    assert "from this same profile" in out
    out = await chat.say("alice", "makers", "/link")
    assert "works in a private chat" in out
    assert await count(core, LinkCode) == 1  # the group attempt issued nothing
    assert await count(core, Person) == 1  # a refusal writes nothing, not even bob


async def test_account_already_linked_elsewhere_is_refused(chat: ChatDriver, core: Core) -> None:
    discord = Discord(core)
    await linked_alice(chat, discord)
    # another console account tries to join alice's Discord account
    out = await discord.dm("alice", f"/link {await console_code(chat, 'dave')}")
    assert "already has a the console account linked" in out
    # and alice's console account tries to join another Discord account
    out = await discord.dm("zed", "/link")
    found = CODE.search(out)
    assert found is not None
    out = await chat.say("alice", None, f"/link {found.group(1)}")
    assert "already has a Discord account linked" in out
    assert await count(core, Person) == 3


async def test_link_off_splits_and_history_stays(chat: ChatDriver, core: Core) -> None:
    discord = Discord(core)
    await chat.say("alice", "makers", "/skills pricing")
    await chat.say("bob", "makers", "/kudos @alice thanks for the pricing sheet")
    await discord.group("alice", "guild-chan", "/join")
    await linked_alice(chat, discord)
    assert "Kudos: 1" in await discord.dm("alice", "/profile")

    out = await discord.dm("alice", "/link off")
    assert "Unlinked" in out
    assert "the console: Alice" in out
    assert await count(core, Person) == 3
    profile = await discord.dm("alice", "/profile")
    assert "Skills: pricing" in profile  # a copy of the profile
    assert "Kudos: 0" in profile  # history stayed with the console account
    assert "Accounts:" not in profile
    assert "Kudos: 1" in await chat.say("alice", None, "/profile")
    async with core.database.sessions() as session:
        guild_member = await session.scalar(
            select(Account.platform)
            .join(Membership, Membership.person_id == Account.person_id)
            .join(Community, Community.id == Membership.community_id)
            .where(Community.chat_id == "guild-chan")
        )
    assert guild_member == "discord"  # the Discord membership left with the Discord account

    out = await discord.dm("alice", "/link off")
    assert "isn't linked" in out


async def test_forgetme_removes_every_linked_account(chat: ChatDriver, core: Core) -> None:
    discord = Discord(core)
    await chat.say("alice", "makers", "/join")
    await discord.group("alice", "guild-chan", "/skills knitting")
    await linked_alice(chat, discord)
    await chat.say("alice", None, "/forgetme")
    out = await chat.press("alice", "Delete everything")
    assert "Done. I deleted every record of you" in out
    assert await count(core, Account) == 0
    assert await count(core, Membership) == 0
    assert await count(core, PersonTopic) == 0
    assert await count(core, LinkCode) == 0
    assert "Linked!" not in await discord.dm("alice", "/profile")  # a fresh, unlinked person
    assert await count(core, Person) == 1


async def test_tip_all_from_a_linked_mentor_reaches_both_platforms_once(
    chat: ChatDriver, core: Core
) -> None:
    discord = Discord(core)
    await chat.say("alice", "makers", "/join")
    chat.make_admin("bob", "makers")
    await chat.say("bob", "makers", "/promote @alice mentor")
    await discord.group("alice", "guild-chan", "/join")
    out = await discord.group("carol", "guild-chan", "/promote alice mentor", admin=True)
    assert "now a mentor" in out
    await linked_alice(chat, discord)
    core.attach(chat.console.messenger)
    core.attach(discord.messenger)
    await core.dispatcher.drain_due()  # the link notice

    out = await discord.dm("alice", "/tip all Price by value, not by hours #pricing")
    assert "on its way to 2 communities" in out
    await core.dispatcher.drain_due()
    await core.dispatcher.drain_due()
    console_posts = [line for line in chat.output if "Price by value" in line]
    assert len(console_posts) == 1
    assert console_posts[0].startswith("[makers]")
    discord_posts = [sent for sent in discord.messenger.sent if sent[0] == "chat"]
    assert [target for _, target, _, _ in discord_posts] == ["guild-chan"]
    assert "Already in the library of: makers, guild-chan" in await chat.say(
        "alice", None, "/tip all Price by value, not by hours #pricing"
    )


async def test_merge_rules_same_day_checkins_roles_topics_votes_and_kudos(
    chat: ChatDriver, core: Core
) -> None:
    """Two people in one community (not reachable by /link yet, but by bridges) merge cleanly."""
    await chat.say("alice", "makers", "/checkin write the pricing page")
    await chat.say("alice", "makers", "/skills pricing, design")
    await chat.say("bob", "makers", "/checkin call two customers")
    await chat.say("bob", "makers", "/done")
    await chat.say("bob", "makers", "/skills Design, sales")
    chat.make_admin("carol", "makers")
    await chat.say("carol", "makers", "/promote @bob mentor")
    await chat.say("alice", "makers", "/kudos @bob thanks")
    await chat.say("bob", "makers", "/kudos @alice thanks too")
    await chat.say("carol", "makers", "/kudos @bob great call")
    await chat.say("carol", "makers", "/tip Price by value #pricing")
    await chat.say("alice", "makers", "/tips pricing")
    await chat.press("alice", "Helpful")
    await chat.say("bob", "makers", "/tips pricing")
    await chat.press("bob", "Helpful")
    async with core.database.sessions() as session:
        ids = dict(
            (row[0], row[1])
            for row in await session.execute(select(Account.user_id, Account.person_id))
        )
    async with core.database.sessions() as session, session.begin():
        report = await LinkRepository(session).merge(ids["alice"], ids["bob"])
    assert report.merged_checkins == 1
    assert report.merged_memberships == 1
    assert report.dropped_kudos == 2  # thanks between the two would be thanks to oneself
    async with core.database.sessions() as session:
        checkins = list(await session.scalars(select(CheckIn)))
        roles = list(
            await session.scalars(
                select(Membership.role).where(Membership.person_id == ids["alice"])
            )
        )
        topics = list(
            await session.scalars(
                select(PersonTopic.label)
                .where(PersonTopic.person_id == ids["alice"])
                .order_by(PersonTopic.position)
            )
        )
        votes = list(await session.scalars(select(TipVote.person_id)))
        kudos = list(await session.scalars(select(Kudos.receiver_id)))
        accounts = list(
            await session.scalars(
                select(Account.person_id).where(Account.user_id.in_(("alice", "bob")))
            )
        )
    assert [(c.person_id, c.plan, c.done) for c in checkins] == [
        (ids["alice"], "write the pricing page; call two customers", True)
    ]
    assert roles == ["mentor"]  # the higher role of the two
    assert topics == ["pricing", "design", "sales"]
    assert votes == [ids["alice"]]  # two Helpful votes on one tip become one
    assert kudos == [ids["alice"]]  # carol's kudos to bob now counts for the one person
    assert accounts == [ids["alice"], ids["alice"]]
    assert await count(core, Person, Person.id == ids["bob"]) == 0
