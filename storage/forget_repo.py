"""What `/forgetme` removes beyond the person's own rows: their words wherever they were copied."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    BridgeMember,
    CheckIn,
    HelpRequest,
    Kudos,
    Membership,
    OutboxMessage,
    Tip,
)

REMOVED = "(removed)"
"""What a saved tip's question reads once its asker is forgotten (the answer stays)."""


@dataclass(frozen=True, slots=True)
class ForgottenWords:
    """How many of each kind went, and the texts to look for in copies."""

    requests: int
    checkins: int
    kudos: int
    tip_questions: int
    texts: tuple[str, ...]


class ForgetRepository:
    """Deletes a person's requests, check-ins and kudos, and blanks copies of their words."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def forget_words(self, person_id: int) -> ForgottenWords:
        """Deletes requests, check-ins and kudos; saved tips keep the answer, not the question."""
        requests = (
            await self.session.execute(
                select(HelpRequest.id, HelpRequest.question, HelpRequest.thanks).where(
                    HelpRequest.asker_id == person_id
                )
            )
        ).all()
        checkins = (
            await self.session.execute(
                select(CheckIn.plan, CheckIn.done_note, CheckIn.blocker).where(
                    CheckIn.person_id == person_id
                )
            )
        ).all()
        notes = (
            await self.session.scalars(select(Kudos.note).where(Kudos.giver_id == person_id))
        ).all()
        blanked = await self._blank_tip_questions(
            person_id,
            {row[0]: row[1] for row in requests},
            {row[0]: row[2] for row in requests if row[2]},
        )
        either = or_(Kudos.giver_id == person_id, Kudos.receiver_id == person_id)
        kudos = await self.session.scalar(select(func.count()).select_from(Kudos).where(either))
        await self.session.execute(delete(Kudos).where(either))
        await self.session.execute(delete(CheckIn).where(CheckIn.person_id == person_id))
        await self.session.execute(delete(HelpRequest).where(HelpRequest.asker_id == person_id))
        texts = [text for _, question, thanks in requests for text in (question, thanks)]
        texts += [text for row in checkins for text in row]
        texts += list(notes)
        return ForgottenWords(
            requests=len(requests),
            checkins=len(checkins),
            kudos=int(kudos or 0),
            tip_questions=blanked,
            texts=tuple(text for text in texts if text),
        )

    async def _blank_tip_questions(
        self, person_id: int, questions: dict[int, str], notes: dict[int, str]
    ) -> int:
        """Someone else's tip saved from the person's request: the question becomes "(removed)".

        A tip whose answer was the person's own resolve note is all their words: it goes whole.
        """
        if not questions:
            return 0
        tips = await self.session.scalars(
            select(Tip).where(
                Tip.source_request_id.in_(list(questions)), Tip.author_id != person_id
            )
        )
        blanked = 0
        for tip in tips:
            question = questions.get(tip.source_request_id or 0, "")
            note = notes.get(tip.source_request_id or 0, "")
            if note and tip.text.endswith(f"\nA: {note}"):
                await self.session.delete(tip)
                blanked += 1
                continue
            if question and question in tip.text:
                tip.text = tip.text.replace(question, REMOVED)
                blanked += 1
        await self.session.flush()
        return blanked

    async def tip_texts(self, person_id: int) -> list[str]:
        """The person's own tips, to find their copies before the tips themselves go."""
        return list(
            (await self.session.scalars(select(Tip.text).where(Tip.author_id == person_id))).all()
        )

    async def outbox_of(self, person_id: int) -> list[tuple[int, str]]:
        """Outgoing messages, pending or sent, in the person's communities and the communities
        bridged with them (where their requests travel): (id, payload)."""
        mine = select(Membership.community_id).where(Membership.person_id == person_id)
        bridges = select(BridgeMember.bridge_id).where(BridgeMember.community_id.in_(mine))
        shared = select(BridgeMember.community_id).where(BridgeMember.bridge_id.in_(bridges))
        communities = mine.union(shared)
        rows = await self.session.execute(
            select(OutboxMessage.id, OutboxMessage.payload).where(
                or_(
                    OutboxMessage.community_id.in_(communities),
                    OutboxMessage.community_id.is_(None),
                    OutboxMessage.person_id == person_id,
                    OutboxMessage.about_person_id == person_id,
                )
            )
        )
        return [(row[0], row[1]) for row in rows.all()]

    async def drop_messages(self, person_id: int, quoting: Iterable[int]) -> int:
        """Deletes outgoing messages to, about or quoting the person, whatever their status."""
        ids: Sequence[int] = list(quoting)
        condition = or_(
            OutboxMessage.person_id == person_id,
            OutboxMessage.about_person_id == person_id,
            OutboxMessage.id.in_(ids),
        )
        deleted = await self.session.execute(
            delete(OutboxMessage).where(condition).returning(OutboxMessage.id)
        )
        return len(deleted.all())
