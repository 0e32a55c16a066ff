"""Which topics are already in use, so a typed list can be read the way a community reads it."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import and_, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import HelpRequest, Membership, PersonTopic, RequestTopic, TopicKind


class TopicsRepository:
    """Look-ups of topic keys among a person's communities; never beyond them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def community_ids_of(self, person_id: int) -> list[int]:
        """Every community the person belongs to."""
        found = await self.session.scalars(
            select(Membership.community_id).where(Membership.person_id == person_id)
        )
        return list(found)

    async def known_keys(
        self,
        person_id: int,
        kind: TopicKind,
        community_ids: Sequence[int],
        keys: Collection[str],
    ) -> set[str]:
        """Those of `keys` used by members of these communities or their requests.

        The person's own list of this kind is left out: it is the list being replaced.
        """
        if not keys:
            return set()
        wanted = sorted(keys)
        members = select(Membership.person_id).where(Membership.community_id.in_(community_ids))
        people = select(PersonTopic.key).where(
            PersonTopic.key.in_(wanted),
            or_(PersonTopic.person_id == person_id, PersonTopic.person_id.in_(members)),
            not_(and_(PersonTopic.person_id == person_id, PersonTopic.kind == kind.value)),
        )
        asked = (
            select(RequestTopic.key)
            .join(HelpRequest, HelpRequest.id == RequestTopic.request_id)
            .where(HelpRequest.community_id.in_(community_ids), RequestTopic.key.in_(wanted))
        )
        found: set[str] = set()
        for query in (people, asked):
            found.update((await self.session.scalars(query)).all())
        return found
