"""Reads and writes of the dashboard's links, sessions and activity log (hashes only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dashboard_models import DashboardActivity, DashboardLink, DashboardSession
from storage.models import Community, Membership, Person


@dataclass(frozen=True, slots=True)
class ActivityLine:
    """One logged dashboard change with the organizer's name (None: they were forgotten)."""

    who: str | None
    action: str
    detail: str
    at: datetime


class DashboardRepository:
    """Links are spent by one conditional UPDATE, so two tabs can never both log in."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_link(
        self, token_hash: str, person_id: int, now: datetime, expires_at: datetime
    ) -> None:
        """Stores a new login link's hash."""
        self.session.add(
            DashboardLink(
                token_hash=token_hash, person_id=person_id, created_at=now, expires_at=expires_at
            )
        )
        await self.session.flush()

    async def usable_link(self, token_hash: str, now: datetime) -> DashboardLink | None:
        """The link if it is unused and unexpired (reading only: a GET never spends it)."""
        return await self.session.scalar(
            select(DashboardLink).where(
                DashboardLink.token_hash == token_hash,
                DashboardLink.used_at.is_(None),
                DashboardLink.expires_at > now,
            )
        )

    async def spend_link(self, token_hash: str, now: datetime) -> int | None:
        """Marks the link used if it still was usable; the person it logs in, else None."""
        link = await self.usable_link(token_hash, now)
        if link is None:
            return None
        result = await self.session.execute(
            update(DashboardLink)
            .where(DashboardLink.id == link.id, DashboardLink.used_at.is_(None))
            .values(used_at=now)
        )
        return link.person_id if getattr(result, "rowcount", 0) == 1 else None

    async def add_session(
        self, token_hash: str, person_id: int, csrf_token: str, now: datetime
    ) -> None:
        """Starts a server-side session."""
        self.session.add(
            DashboardSession(
                token_hash=token_hash,
                person_id=person_id,
                csrf_token=csrf_token,
                created_at=now,
                last_seen_at=now,
            )
        )
        await self.session.flush()

    async def live_session(self, token_hash: str, idle_since: datetime) -> DashboardSession | None:
        """The session if it was not ended and was seen after `idle_since`."""
        return await self.session.scalar(
            select(DashboardSession).where(
                DashboardSession.token_hash == token_hash,
                DashboardSession.ended_at.is_(None),
                DashboardSession.last_seen_at > idle_since,
            )
        )

    async def end_session(self, session_id: int, now: datetime) -> None:
        """Ends a session on the server (logout)."""
        await self.session.execute(
            update(DashboardSession).where(DashboardSession.id == session_id).values(ended_at=now)
        )

    async def person(self, person_id: int) -> Person | None:
        """The logged-in person."""
        return await self.session.get(Person, person_id)

    async def communities_of(self, person_id: int) -> Sequence[tuple[Community, Membership]]:
        """Every community the person belongs to, with their membership, by title."""
        rows = await self.session.execute(
            select(Community, Membership)
            .join(Membership, Membership.community_id == Community.id)
            .where(Membership.person_id == person_id)
            .order_by(Community.title, Community.id)
        )
        return [(community, membership) for community, membership in rows.all()]

    async def log(
        self, community_id: int, person_id: int, action: str, detail: str, now: datetime
    ) -> None:
        """Records one change made on the dashboard."""
        self.session.add(
            DashboardActivity(
                community_id=community_id,
                person_id=person_id,
                action=action,
                detail=detail,
                created_at=now,
            )
        )
        await self.session.flush()

    async def activity(self, community_id: int, limit: int = 20) -> Sequence[ActivityLine]:
        """The community's latest dashboard changes, newest first."""
        rows = await self.session.execute(
            select(DashboardActivity, Person.display_name)
            .outerjoin(Person, Person.id == DashboardActivity.person_id)
            .where(DashboardActivity.community_id == community_id)
            .order_by(DashboardActivity.created_at.desc(), DashboardActivity.id.desc())
            .limit(limit)
        )
        return [
            ActivityLine(name, entry.action, entry.detail, entry.created_at)
            for entry, name in rows.all()
        ]
