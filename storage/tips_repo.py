"""The tip library: storage, full-text search, helpful votes and the tip-of-the-day pick.

Search is real full-text search on both databases: SQLite ranks with FTS5's bm25 over the
`tips_fts` table (text and community id, kept in sync by triggers; migration 0009),
PostgreSQL with `ts_rank` over the GIN-indexed `to_tsvector('english', text)` (0005).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, delete, func, literal_column, select
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    OutboxMessage,
    OutboxStatus,
    Schedule,
    Tip,
    TipPost,
    TipTopic,
    TipVote,
)

SCHEDULED_TIP_KIND = "tip"
_SEARCH_CONFIG: ColumnElement[str] = literal_column(
    "'english'"
)  # inline, so PostgreSQL can use the GIN index
# The community_id column only filters: weight 0, so ranking is bm25 over the text alone.
_FTS5_MATCH = sql_text(
    "SELECT rowid AS tip_id, bm25(tips_fts, 1.0, 0.0) AS score FROM tips_fts "
    "WHERE tips_fts MATCH :query"
).columns(tip_id=Integer, score=Float)


def _fts5_query(community_ids: Sequence[int], words: Sequence[str]) -> str:
    """An FTS5 query for any of the words in the text of these communities' tips."""
    communities = " OR ".join(f'"{community_id}"' for community_id in community_ids)
    anywhere = " OR ".join(f'"{word}"' for word in words)
    return f"community_id : ({communities}) AND text : ({anywhere})"


@dataclass(frozen=True, slots=True)
class TipHit:
    """A tip with how many people found it helpful."""

    tip: Tip
    helpful: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The best hits of a search and how many tips matched in all."""

    hits: list[TipHit]
    total: int


def _helpful() -> ColumnElement[int]:
    return (
        select(func.count(TipVote.id))
        .where(TipVote.tip_id == Tip.id)
        .correlate(Tip)
        .scalar_subquery()
    )


class TipLibrary:
    """Every read and write of the tip tables, for one unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.bind.dialect.name if self.session.bind else "sqlite"

    async def add_tip(
        self,
        community_id: int,
        author_person_id: int,
        text: str,
        topics: Sequence[tuple[str, str]],
        now: datetime,
        source_request_id: int | None = None,
    ) -> Tip:
        """Stores a tip in one community's library with its (key, label) topics."""
        tip = Tip(
            community_id=community_id,
            author_id=author_person_id,
            text=text,
            source_request_id=source_request_id,
            created_at=now,
            topics=[TipTopic(key=key[:64], label=label[:64]) for key, label in topics],
        )
        self.session.add(tip)
        await self.session.flush()
        return tip

    async def get(self, tip_id: int) -> Tip | None:
        """One tip with its author and topics."""
        return await self.session.scalar(
            select(Tip)
            .options(selectinload(Tip.author), selectinload(Tip.topics))
            .where(Tip.id == tip_id)
        )

    async def same_tip(self, community_id: int, author_id: int, text: str) -> Tip | None:
        """The author's identical tip already in this library, so a repeat is not stored twice."""
        return await self.session.scalar(
            select(Tip)
            .where(Tip.community_id == community_id, Tip.author_id == author_id, Tip.text == text)
            .limit(1)
        )

    async def count(self, community_ids: Sequence[int]) -> int:
        """How many tips the communities' library holds (a bridge shares one)."""
        number = await self.session.scalar(
            select(func.count(Tip.id)).where(Tip.community_id.in_(community_ids))
        )
        return int(number or 0)

    async def popular_topics(self, community_ids: Sequence[int], limit: int = 8) -> list[str]:
        """The library's most used topic labels, to suggest when a search finds nothing."""
        rows = await self.session.execute(
            select(TipTopic.key, func.min(TipTopic.label), func.count(TipTopic.id).label("uses"))
            .join(Tip, Tip.id == TipTopic.tip_id)
            .where(Tip.community_id.in_(community_ids))
            .group_by(TipTopic.key)
            .order_by(literal_column("uses").desc(), TipTopic.key)
            .limit(limit)
        )
        return [label for _, label, _ in rows.all()]

    async def search(
        self,
        community_ids: Sequence[int],
        words: Sequence[str],
        topic_keys: Sequence[str],
        limit: int,
        offset: int = 0,
    ) -> SearchResult:
        """These communities' tips matching any word and every topic: best match, then helpful.

        On SQLite the FTS5 MATCH itself names the communities (a column filter), so its cost
        follows their tips, not every library's; PostgreSQL's planner starts from the
        community_id index and checks only those rows' text.
        """
        ids = sorted(set(community_ids))
        if not ids:
            return SearchResult([], 0)
        helpful = _helpful().label("helpful")
        in_communities = Tip.community_id == ids[0] if len(ids) == 1 else Tip.community_id.in_(ids)
        query = select(Tip, helpful).where(in_communities)
        for key in topic_keys:
            query = query.where(
                select(TipTopic.id).where(TipTopic.tip_id == Tip.id, TipTopic.key == key).exists()
            )
        order: list[ColumnElement[Any]] = []
        if words:
            if self._dialect == "postgresql":
                document = func.to_tsvector(_SEARCH_CONFIG, Tip.text)
                wanted = func.websearch_to_tsquery(
                    _SEARCH_CONFIG, " or ".join(w for w in words if w != "or")
                )
                query = query.where(document.bool_op("@@")(wanted))
                order.append(func.ts_rank(document, wanted, 1).desc())
            else:
                matches = _FTS5_MATCH.bindparams(query=_fts5_query(ids, words)).subquery()
                query = query.join(matches, matches.c.tip_id == Tip.id)
                order.append(matches.c.score.asc())  # bm25: lower is better
        order += [helpful.desc(), Tip.id.desc()]
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.execute(
            query.options(selectinload(Tip.author)).order_by(*order).offset(offset).limit(limit)
        )
        return SearchResult([TipHit(tip, int(count)) for tip, count in rows.all()], int(total or 0))

    async def edit(self, tip: Tip, text: str, topics: Sequence[tuple[str, str]]) -> None:
        """Replaces a tip's text and topics; the search index follows (FTS5 triggers on
        SQLite, an expression index on PostgreSQL)."""
        await self.session.execute(delete(TipTopic).where(TipTopic.tip_id == tip.id))
        tip.text = text
        for key, label in topics:
            self.session.add(TipTopic(tip_id=tip.id, key=key[:64], label=label[:64]))
        await self.session.flush()
        await self.session.refresh(tip, ["topics"])

    async def remove(self, tip_id: int) -> None:
        """Deletes a tip with its topics, votes and posts (they cascade), and its posts still
        waiting in the outbox."""
        await self.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.key.startswith(f"tip:{tip_id}:", autoescape=True),
                OutboxMessage.status == OutboxStatus.PENDING.value,
            )
        )
        await self.session.execute(delete(Tip).where(Tip.id == tip_id))

    async def helpful_count(self, tip_id: int) -> int:
        """How many people found the tip helpful."""
        number = await self.session.scalar(
            select(func.count(TipVote.id)).where(TipVote.tip_id == tip_id)
        )
        return int(number or 0)

    async def toggle_helpful(self, tip_id: int, person_id: int, now: datetime) -> bool:
        """Adds the person's helpful vote, or takes it back; True when the vote now stands."""
        removed = await self.session.execute(
            delete(TipVote)
            .where(TipVote.tip_id == tip_id, TipVote.person_id == person_id)
            .returning(TipVote.id)
        )
        if removed.all():
            return False
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(TipVote)
            .values(tip_id=tip_id, person_id=person_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["tip_id", "person_id"])
        )
        return True

    async def next_for_the_day(
        self, community_id: int, library_ids: Sequence[int] | None = None
    ) -> Tip | None:
        """The best-rated tip never posted here; once all were, the one posted longest ago.

        `library_ids`: the communities whose tips count (a bridge shares its library).
        """
        last_posted = (
            select(func.max(TipPost.posted_at))
            .where(TipPost.tip_id == Tip.id, TipPost.community_id == community_id)
            .correlate(Tip)
            .scalar_subquery()
        )
        return await self.session.scalar(
            select(Tip)
            .options(selectinload(Tip.author))
            .where(Tip.community_id.in_(library_ids or [community_id]))
            .order_by(last_posted.asc().nulls_first(), _helpful().desc(), Tip.id.asc())
            .limit(1)
        )

    async def record_post(self, tip_id: int, community_id: int, now: datetime) -> None:
        """Notes that the tip of the day posted this tip here."""
        self.session.add(TipPost(tip_id=tip_id, community_id=community_id, posted_at=now))
        await self.session.flush()

    async def forget_author(self, person_id: int) -> dict[str, int]:
        """Deletes a person's votes, tips (with their topics, votes, posts) and scheduled tips."""
        votes = await self.session.execute(
            delete(TipVote).where(TipVote.person_id == person_id).returning(TipVote.id)
        )
        tips = await self.session.execute(
            delete(Tip).where(Tip.author_id == person_id).returning(Tip.id)
        )
        scheduled = await self.session.execute(
            delete(Schedule)
            .where(Schedule.created_by == person_id, Schedule.kind == SCHEDULED_TIP_KIND)
            .returning(Schedule.id)
        )
        counts = {
            "helpful votes": len(votes.all()),
            "tips": len(tips.all()),
            "scheduled tips": len(scheduled.all()),
        }
        return counts
