"""Reads and writes for someone leaving a community: their membership and open dialogs."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Community, DialogSession, DialogStatus, Membership


class LeaveRepository:
    """Finds the membership a platform's "member left" signal is about, and removes it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def member(
        self, platform: str, chat_id: str, user_id: str
    ) -> tuple[Account, Community, Membership] | None:
        """The account, community and membership, or None when the bot never saw them there."""
        found = await self.session.execute(
            select(Account, Community, Membership)
            .join(Membership, Membership.person_id == Account.person_id)
            .join(Community, Community.id == Membership.community_id)
            .where(
                Account.platform == platform,
                Account.user_id == user_id,
                Community.platform == platform,
                Community.chat_id == chat_id,
            )
        )
        row = found.first()
        return None if row is None else (row[0], row[1], row[2])

    async def member_of_any(self, person_id: int, community_ids: Collection[int]) -> bool:
        """Whether the person still belongs to one of these communities."""
        found = await self.session.execute(
            select(Membership.id).where(
                Membership.person_id == person_id,
                Membership.community_id.in_(list(community_ids)),
            )
        )
        return found.first() is not None

    async def remove(self, membership: Membership) -> None:
        """The person is no longer a member: no pings, boards, routing or matching here.

        Coming back (a message or a join) makes them an ordinary member again.
        """
        await self.session.delete(membership)
        await self.session.flush()

    async def dialogs_in(
        self, person_id: int, community_ids: Collection[int]
    ) -> list[DialogSession]:
        """The person's open and waiting conversations that belong to these communities."""
        found = await self.session.execute(
            select(DialogSession)
            .where(
                DialogSession.person_id == person_id,
                DialogSession.community_id.in_(list(community_ids)),
                DialogSession.status.in_([DialogStatus.OPEN.value, DialogStatus.PENDING.value]),
            )
            .order_by(DialogSession.id)
        )
        return list(found.scalars())
