"""Badge rows: awarded at most once per person and kind (a unique constraint, not a check)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from storage.models import Badge, Tip


@functools.cache
def _award_statement(dialect: str) -> Executable:
    """`INSERT … ON CONFLICT DO NOTHING RETURNING id`, built once per dialect (every check-in
    past a streak badge's threshold runs it)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, Badge.__table__)
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["person_id", "kind"])
        .returning(table.c.id)
    )


class BadgeRepository:
    """Reads and writes of earned badges, and the tip count that one badge needs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def award(
        self, person_id: int, kind: str, community_id: int | None, now: datetime
    ) -> bool:
        """Records a badge unless the person has it; True only for the call that created it."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        values = {"person_id": person_id, "kind": kind, "community_id": community_id}
        values["awarded_at"] = now
        result = await self.session.execute(_award_statement(dialect), values)
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
