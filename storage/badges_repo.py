"""Badge rows: awarded at most once per person and kind (a unique constraint, not a check)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import dialect_of, insert_if_new
from storage.models import Badge, Tip


class BadgeRepository:
    """Reads and writes of earned badges, and the tip count that one badge needs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def award(
        self, person_id: int, kind: str, community_id: int | None, now: datetime
    ) -> bool:
        """Records a badge unless the person has it; True only for the call that created it."""
        values = {"person_id": person_id, "kind": kind, "community_id": community_id}
        values["awarded_at"] = now
        result = await self.session.execute(
            insert_if_new(Badge, ("person_id", "kind"), dialect_of(self.session)), values
        )
        return result.first() is not None

    async def of_person(self, person_id: int) -> Sequence[Badge]:
        """The person's badges, oldest first."""
        rows = await self.session.scalars(
            select(Badge).where(Badge.person_id == person_id).order_by(Badge.awarded_at, Badge.id)
        )
        return list(rows.all())

    async def tips_by(self, person_id: int) -> int:
        """How many tips the person wrote, in every community."""
        count = await self.session.scalar(
            select(func.count()).select_from(Tip).where(Tip.author_id == person_id)
        )
        return int(count or 0)
