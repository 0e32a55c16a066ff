"""How the loop reaches people: each in their own language, by DM on their own platform."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.events import OutMessage
from bot.core.i18n import Translator
from bot.core.markup import RichText, fmt
from bot.delivery.outbox import enqueue
from storage.bridge_repo import BridgeRepository
from storage.leave_repo import LeaveRepository
from storage.models import Account, Community, Person
from storage.outbox_repo import Delivery
from storage.program_loop_repo import LoopRepository
from storage.program_models import Program, ProgramPair


@dataclass(frozen=True, slots=True)
class Reader:
    """One person the loop writes to: their account to reach and a translator for them."""

    person: Person
    account: Account
    language: str
    zone: str


class Voice:
    """Builds messages for a reader who is not the actor (jobs, partners, organizers)."""

    def __init__(self, translator: Translator, default_language: str = "en") -> None:
        self._translator = translator
        self._default_language = default_language

    async def reader(
        self, session: AsyncSession, person_id: int, program: Program
    ) -> Reader | None:
        """The person's account on the program's platform, else their first; None if gone."""
        person = await session.get(Person, person_id)
        if person is None:
            return None
        community = await session.get(Community, program.community_id)
        accounts = await LoopRepository(session).accounts(person_id)
        if not accounts:
            return None
        platform = community.platform if community is not None else accounts[0].platform
        account = next((a for a in accounts if a.platform == platform), accounts[0])
        language = (
            person.language
            or (community.language if community is not None else None)
            or self._default_language
        )
        zone = person.timezone or (community.timezone if community is not None else "UTC")
        return Reader(person, account, language, zone)

    def say(
        self, reader: Reader, template: str, values: Mapping[str, object] | None = None
    ) -> RichText:
        """A template in the reader's language, filled safely."""
        return fmt(self._translator.gettext(reader.language, template), values)

    def label(self, reader: Reader, template: str) -> str:
        """A button label in the reader's language."""
        return self._translator.gettext(reader.language, template)


async def send_dm(
    session: AsyncSession,
    reader: Reader,
    key: str,
    message: OutMessage,
    when: datetime,
    about: int | None = None,
) -> bool:
    """Queues a DM to the reader through the outbox (sent after the commit)."""
    delivery = Delivery(
        reader.account.platform,
        user_id=reader.account.user_id,
        person_id=reader.person.id,
        about_person_id=about,
    )
    return await enqueue(session, key, delivery, message, due_at=when, now=when)


async def dm_from(ctx: Ctx, reader: Reader, key: str, message: OutMessage) -> None:
    """A DM caused by the actor; their `/forgetme` drops it while it waits."""
    created = await send_dm(ctx.repo.session, reader, key, message, ctx.now, ctx.person.id)
    ctx.enqueued = ctx.enqueued or created


def partner_of(pair: ProgramPair, person_id: int) -> int:
    """The other side of the pair."""
    return pair.mentor_id if pair.mentee_id == person_id else pair.mentee_id


async def organizer_ids(session: AsyncSession, program: Program) -> list[int]:
    """Who hears about a program privately: its opener (while still a member) and the
    circle's organizers."""
    circle = await BridgeRepository(session).circle_ids(program.community_id)
    found = await LoopRepository(session).organizers(circle)
    opener = program.created_by
    if (
        opener is not None
        and opener not in found
        and await LeaveRepository(session).member_of_any(opener, circle)
    ):
        found.insert(0, opener)
    return found
