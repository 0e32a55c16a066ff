"""People who leave the community, through the console and the real router: the membership
goes, a running pair ends as "partner left", the partner and organizers are told, the pool
shrinks, an open dialog is dropped, and coming back makes an ordinary member again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import Core
from storage.bridge_repo import BridgeRepository
from storage.models import Community, DialogSession, DialogStatus, Membership, Person
from storage.program_models import IntakeStatus, PairStatus, ProgramPair, ProgramParticipant
from tests.harness import ChatDriver, FakeClock
from tests.test_program_loop import GROUP, deliver, person_id, rows, seed_pair
from tests.test_programs import BEN, DEV, TOM, join, open_program


async def members(core: Core, chat_id: str) -> set[int]:
    async with core.database.sessions() as session:
        found = await session.execute(
            select(Membership.person_id)
            .join(Community, Community.id == Membership.community_id)
            .where(Community.chat_id == chat_id)
        )
        return set(found.scalars())


async def test_a_mentee_who_leaves_ends_the_pair_and_the_mentor_and_organizer_are_told(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_pair(core, chat, paired_at=clock.now() - timedelta(days=5))
    mia = await person_id(core, "mia")
    said = await chat.say("mia", GROUP, "/leave")
    assert said == "(console) mia left g"
    assert mia not in await members(core, GROUP)
    [pair] = await rows(core, ProgramPair)
    assert (pair.status, pair.end_reason) == (PairStatus.ENDED.value, "partner_left")
    told = await deliver(core, chat)
    assert (
        "[dm max] mentorbot: Your mentee Mia has left the community, so your pair in Spring "
        "has ended. The organizers can pair you with someone else."
    ) in told
    assert (
        "[dm olga] mentorbot: Mia has left the community, so they are out of Spring and their "
        "pair with Max has ended. I told Max; you can pair them again with /program match."
    ) in told
    assert "[g]" not in told  # nothing about it in the group
    participants = {row.person_id: row.intake for row in await rows(core, ProgramParticipant)}
    assert participants[mia] == IntakeStatus.WITHDRAWN.value
    # the weekly loop no longer carries the ended pair
    clock.advance(days=30)
    assert await core.program_sweeps.sweep() == 0
    # coming back: an ordinary member again, not re-paired
    said = await chat.say("mia", GROUP, "/mentor")
    assert mia in await members(core, GROUP)
    assert "This pair has ended." in said
    [pair] = await rows(core, ProgramPair)
    assert pair.status == PairStatus.ENDED.value


async def test_a_mentor_who_leaves_takes_their_slots_out_of_matching(
    chat: ChatDriver, core: Core
) -> None:
    await open_program(chat)
    await join(chat, "tom", "mentor", TOM)
    await join(chat, "ben", "mentee", BEN)
    await chat.say("tom", GROUP, "/leave")
    told = await deliver(core, chat)
    assert (
        "[dm olga] mentorbot: Tom has left the community, so they are out of Spring mentoring "
        "and won't be matched."
    ) in told
    said = await chat.say("olga", GROUP, "/program match")
    assert "No mentor has completed an intake yet" in said
    said = await chat.say("zed", GROUP, "/program")
    assert "Mentors: 0. Mentees: 1." in said


async def test_an_unmatched_mentee_leaves_the_pool_and_their_open_intake_is_dropped(
    chat: ChatDriver, core: Core
) -> None:
    await open_program(chat)
    await join(chat, "tom", "mentor", TOM)
    await join(chat, "dev", "mentee", DEV)  # complete, never matched
    said = await chat.say("ben", GROUP, "/program join mentee")
    assert "[dm ben] mentorbot:" in said
    await chat.say("ben", None, BEN[0])  # one step into the intake
    await chat.say("ben", GROUP, "/leave")
    await chat.say("dev", GROUP, "/leave")
    sessions = await rows(core, DialogSession)
    assert [row.status for row in sessions if row.person_id == await person_id(core, "ben")] == [
        DialogStatus.CANCELLED.value
    ]
    # Ben's next DM is not taken as an answer to a dialog that is gone
    said = await chat.say("ben", None, BEN[1])
    assert said == "[dm ben] mentorbot: I answer commands. Send /help to see what I can do."
    said = await chat.say("olga", GROUP, "/program match")
    assert "No mentee has completed an intake yet" in said
    assert "Dev" not in said
    assert "Ben" not in said


async def test_leaving_a_group_one_never_spoke_in_changes_nothing(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("olga", GROUP, "/help")
    before = await members(core, GROUP)
    said = await chat.say("nobody", GROUP, "/leave")
    assert said == "(console) nobody left g"
    assert await members(core, GROUP) == before
    said = await chat.say("olga", None, "/leave")
    assert said == "(console) /leave works in a group: /in GROUP first"
    assert await members(core, GROUP) == before


async def test_an_organizer_who_left_hears_nothing_more_about_the_program(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_pair(core, chat, paired_at=clock.now() - timedelta(days=30))
    await chat.say("olga", GROUP, "/leave")
    assert await core.program_sweeps.sweep() == 2  # the pulses, but no stuck list for olga
    delivered = await deliver(core, chat)
    assert "[dm olga]" not in delivered


async def test_a_helper_who_left_is_not_routed_requests_until_they_come_back(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("mia", GROUP, "/skills Pricing")
    await chat.say("mia", GROUP, "/leave")
    said = await chat.say("bob", GROUP, "/ask price? #pricing")
    assert "Nobody here lists pricing" in said
    await chat.say("mia", GROUP, "hello again")  # chatter leaves no trace (SPEC)
    said = await chat.say("bob", GROUP, "/ask price of wax? #pricing")
    assert "Nobody here lists pricing" in said
    await chat.say("mia", GROUP, "/join")  # a command in the group: a member again
    said = await chat.say("bob", GROUP, "/ask price of soap? #pricing")
    assert "I told 1 member with matching skills (pricing)" in said


async def test_the_partner_is_told_in_their_own_language(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_pair(core, chat, paired_at=clock.now() - timedelta(days=5))
    async with core.database.sessions() as session, session.begin():
        max_ = await session.get(Person, await person_id(core, "max"))
        assert max_ is not None
        max_.language = "es"
    await chat.say("mia", GROUP, "/leave")
    told = await deliver(core, chat)
    assert (
        "[dm max] mentorbot: Tu mentoreada/o Mia salió de la comunidad, así que tu pareja en "
        "Spring terminó."
    ) in told
    assert "[dm olga] mentorbot: Mia has left the community" in told


async def test_leaving_one_side_of_a_bridge_keeps_the_pair_of_someone_still_on_the_other(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await seed_pair(core, chat, paired_at=clock.now() - timedelta(days=5))
    await chat.say("mia", "h", "/help")  # Mia is in a second group too
    async with core.database.sessions() as session, session.begin():
        found = await session.execute(select(Community).where(Community.chat_id.in_(("g", "h"))))
        here, there = sorted(found.scalars(), key=lambda community: community.chat_id)
        await BridgeRepository(session).join(here, there, clock.now())
    await chat.say("mia", "h", "/leave")
    [pair] = await rows(core, ProgramPair)
    assert pair.status == PairStatus.ACTIVE.value  # she is still in the circle, through g
    assert "left the community" not in await deliver(core, chat)
    await chat.say("mia", GROUP, "/leave")
    [pair] = await rows(core, ProgramPair)
    assert pair.status == PairStatus.ENDED.value
