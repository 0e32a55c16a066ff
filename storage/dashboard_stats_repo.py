"""Read-only numbers for the dashboard's community overview; each query reads one community."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import HelpRequest, Membership, RequestStatus


class OverviewRepository:
    """Members, waiting requests and how fast requests move."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def member_count(self, community_id: int) -> int:
        """How many people belong to the community."""
        count = await self.session.scalar(
            select(func.count(Membership.id)).where(Membership.community_id == community_id)
        )
        return int(count or 0)

    async def waiting_requests(self, community_id: int, limit: int = 50) -> Sequence[HelpRequest]:
        """Open (unclaimed) and claimed requests, oldest first, with their topics."""
        rows = await self.session.scalars(
            select(HelpRequest)
            .options(selectinload(HelpRequest.topics))
            .where(
                HelpRequest.community_id == community_id,
                HelpRequest.status.in_([RequestStatus.OPEN.value, RequestStatus.CLAIMED.value]),
            )
            .order_by(HelpRequest.created_at, HelpRequest.id)
            .limit(limit)
        )
        return list(rows.all())

    async def request_times(
        self, community_id: int, since: datetime
    ) -> list[tuple[datetime, datetime | None, datetime | None]]:
        """(created, claimed, resolved) of the requests opened since a moment."""
        rows = await self.session.execute(
            select(HelpRequest.created_at, HelpRequest.claimed_at, HelpRequest.resolved_at).where(
                HelpRequest.community_id == community_id, HelpRequest.created_at >= since
            )
        )
        return [(created, claimed, resolved) for created, claimed, resolved in rows.all()]
