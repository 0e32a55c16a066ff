"""Queries of paged lists that are too long for a button's payload, kept under their hash."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PagedQuery

KEY_LENGTH = 20


def query_key(query: str) -> str:
    """A short, stable name for a query: the same text always gets the same key."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()[:KEY_LENGTH]


class PagedQueries:
    """Stores and finds long list queries, for one unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def keep(self, query: str, now: datetime) -> str:
        """Stores the query (once, however often it is listed) and returns its key."""
        key = query_key(query)
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(PagedQuery)
            .values(key=key, query=query, created_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        return key

    async def find(self, key: str) -> str | None:
        """The query stored under a key, or None when it is unknown."""
        return await self.session.scalar(select(PagedQuery.query).where(PagedQuery.key == key))
