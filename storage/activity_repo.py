"""How much a person recently did that notifies others (the abuse limits' source of truth)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dashboard_models import DashboardLink
from storage.models import HelpRequest, Tip


class ActivityRepository:
    """Counts recent requests and tips by one person; counted in the database, so restarts
    and several processes see the same numbers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def requests_since(self, person_id: int, since: datetime) -> list[datetime]:
        """When the person opened requests since a moment, oldest first."""
        rows = await self.session.scalars(
            select(HelpRequest.created_at)
            .where(HelpRequest.asker_id == person_id, HelpRequest.created_at > since)
            .order_by(HelpRequest.created_at)
        )
        return list(rows.all())

    async def tips_since(self, person_id: int, since: datetime) -> list[datetime]:
        """When the person posted tips since a moment (one per `/tip all` post), oldest first."""
        rows = await self.session.execute(
            select(Tip.created_at, Tip.text)  # one `/tip all` = the same text at the same time
            .where(Tip.author_id == person_id, Tip.created_at > since)
            .distinct()
            .order_by(Tip.created_at)
        )
        return [created for created, _ in rows.all()]

    async def dashboard_links_since(self, person_id: int, since: datetime) -> list[datetime]:
        """When the person asked for dashboard login links since a moment, oldest first."""
        rows = await self.session.scalars(
            select(DashboardLink.created_at)
            .where(DashboardLink.person_id == person_id, DashboardLink.created_at > since)
            .order_by(DashboardLink.created_at)
        )
        return list(rows.all())
