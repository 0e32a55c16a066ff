"""Look-ups for autocomplete: a community's topics and its request numbers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Community,
    HelpRequest,
    Membership,
    PersonTopic,
    RequestStatus,
    RequestTopic,
    TopicKind,
)

LIMIT = 25


class SuggestRepository:
    """Short, scoped lists for typing help; never data of a community outside the bridge."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def community_id(self, platform: str, chat_id: str) -> int | None:
        """The community of a chat, if known."""
        return await self.session.scalar(
            select(Community.id).where(Community.platform == platform, Community.chat_id == chat_id)
        )

    async def topics(self, community_ids: Sequence[int], typed: str) -> list[str]:
        """Skills of members and topics of requests here that contain what was typed."""
        pattern = f"%{typed.strip().lstrip('#').lower()}%"
        skills = (
            select(PersonTopic.label)
            .join(Membership, Membership.person_id == PersonTopic.person_id)
            .where(
                Membership.community_id.in_(community_ids),
                PersonTopic.kind == TopicKind.SKILL.value,
                PersonTopic.key.like(pattern),
            )
        )
        asked = (
            select(RequestTopic.label)
            .join(HelpRequest, HelpRequest.id == RequestTopic.request_id)
            .where(HelpRequest.community_id.in_(community_ids), RequestTopic.key.like(pattern))
        )
        labels: list[str] = []
        for query in (skills, asked):
            labels.extend((await self.session.scalars(query.limit(LIMIT))).all())
        return sorted(dict.fromkeys(labels), key=str.casefold)[:LIMIT]

    async def requests(
        self, community_ids: Sequence[int], statuses: Sequence[RequestStatus] | None
    ) -> list[tuple[int, str]]:
        """(number, question) of the newest requests here, optionally of some statuses."""
        query = (
            select(HelpRequest.number, HelpRequest.question)
            .where(HelpRequest.community_id.in_(community_ids))
            .order_by(HelpRequest.number.desc())
            .limit(LIMIT)
        )
        if statuses is not None:
            query = query.where(HelpRequest.status.in_([s.value for s in statuses]))
        return [
            (int(number), str(question))
            for number, question in (await self.session.execute(query)).all()
        ]
