"""Seeds a running program with one active pair among people the bot already knows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.app import Core
from storage.models import Account, Community, Membership, Role
from storage.program_models import (
    IntakeStatus,
    PairStatus,
    Program,
    ProgramRole,
    ProgramStatus,
)
from storage.programs_repo import ProgramRepository
from tests.harness import ChatDriver


async def seed_running_pair(
    core: Core, chat_id: str, organizer: str, mentee: str, mentor: str, paired_at: datetime
) -> int:
    """Makes `organizer` (a user id) an organizer of the chat's community and pairs the two."""
    async with core.database.sessions() as session, session.begin():
        community = (
            await session.execute(select(Community).where(Community.chat_id == chat_id))
        ).scalar_one()
        ids = {}
        for user_id in (organizer, mentee, mentor):
            account = (
                await session.execute(select(Account).where(Account.user_id == user_id))
            ).scalar_one()
            ids[user_id] = account.person_id
        membership = (
            await session.execute(
                select(Membership).where(
                    Membership.person_id == ids[organizer],
                    Membership.community_id == community.id,
                )
            )
        ).scalar_one()
        membership.role = Role.ORGANIZER.value
        programs = ProgramRepository(session)
        program = await programs.create(
            community.id, "Spring", ids[organizer], paired_at.date(), paired_at
        )
        return await running_pair(programs, program, ids[mentee], ids[mentor], paired_at)


async def running_pair(
    programs: ProgramRepository,
    program: Program,
    mentee_id: int,
    mentor_id: int,
    paired_at: datetime,
    score: int = 3,
) -> int:
    """Runs the program with the two as complete participants, paired and introduced."""
    program.status = ProgramStatus.RUNNING.value
    for person_id, role in ((mentee_id, ProgramRole.MENTEE), (mentor_id, ProgramRole.MENTOR)):
        participant = await programs.join(program.id, person_id, role, paired_at)
        participant.intake = IntakeStatus.COMPLETE.value
    pair = await programs.add_pair(
        program.id, mentee_id, mentor_id, score, {"topics": ["pricing"]}, paired_at
    )
    pair.status = PairStatus.ACTIVE.value
    pair.paired_at = pair.intro_sent_at = paired_at
    return pair.id


async def press_own(chat: ChatDriver, person: str, label: str) -> str:
    """Presses the newest button with this label in the person's own DM; returns what followed."""
    buttons = chat.console.messenger.buttons
    for number in sorted(buttons, reverse=True):
        pressable = buttons[number]
        if pressable.chat_id == f"dm:{person}" and pressable.button.label == label:
            start = len(chat.output)
            chat.console.person = person
            await chat.console.feed(f"/press {number}")
            return "\n".join(chat.output[start:])
    raise AssertionError(f"no button {label!r} in {person}'s DM")
