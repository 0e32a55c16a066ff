"""Partner pairs per community and week: the history that stops pairs repeating."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PartnerPair


class PartnerRepository:
    """Reads and writes of weekly partner pairs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def pairs_since(self, community_id: int, since: date) -> list[frozenset[int]]:
        """Every pair made in the community from a week on (the no-repeat window)."""
        rows = await self.session.execute(
            select(PartnerPair.person_a_id, PartnerPair.person_b_id).where(
                PartnerPair.community_id == community_id, PartnerPair.week_start >= since
            )
        )
        return [frozenset((a, b)) for a, b in rows.all()]

    async def has_week(self, community_id: int, week_start: date) -> bool:
        """Whether that week's pairs were already made."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(PartnerPair)
            .where(PartnerPair.community_id == community_id, PartnerPair.week_start == week_start)
        )
        return bool(count)

    async def record(
        self, community_id: int, week_start: date, groups: Sequence[Sequence[int]], now: datetime
    ) -> None:
        """Stores each group as its pairs (a trio is three rows with one group number)."""
        for number, group in enumerate(groups, start=1):
            for index, first in enumerate(group):
                for second in group[index + 1 :]:
                    low, high = sorted((first, second))
                    self.session.add(
                        PartnerPair(
                            community_id=community_id,
                            week_start=week_start,
                            group_number=number,
                            person_a_id=low,
                            person_b_id=high,
                            created_at=now,
                        )
                    )
        await self.session.flush()

    async def current_partners(self, community_id: int, person_id: int) -> tuple[date, set[int]]:
        """The person's partners in the latest week that paired them, and that week."""
        row = (
            await self.session.execute(
                select(PartnerPair.week_start, PartnerPair.group_number)
                .where(
                    PartnerPair.community_id == community_id,
                    (PartnerPair.person_a_id == person_id) | (PartnerPair.person_b_id == person_id),
                )
                .order_by(PartnerPair.week_start.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return date.min, set()
        week, number = row
        pairs = await self.session.execute(
            select(PartnerPair.person_a_id, PartnerPair.person_b_id).where(
                PartnerPair.community_id == community_id,
                PartnerPair.week_start == week,
                PartnerPair.group_number == number,
            )
        )
        people = {p for pair in pairs.all() for p in pair}
        return week, people - {person_id}

    async def latest_week(self, community_id: int) -> date | None:
        """The most recent week that has pairs here."""
        return await self.session.scalar(
            select(func.max(PartnerPair.week_start)).where(PartnerPair.community_id == community_id)
        )
