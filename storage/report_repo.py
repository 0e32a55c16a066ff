"""Read-only queries for community numbers: weekly stats and CSV exports of one community."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from storage.models import CheckIn, HelpRequest, Person, RequestStatus, Tip

Row = tuple[object, ...]


class ReportRepository:
    """Every query reads one community only; nothing here writes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def daily_checkins(
        self, community_id: int, first: date, last: date
    ) -> dict[date, tuple[int, int]]:
        """(checked in, done) per local day in a range; skipped days do not count."""
        rows = await self.session.execute(
            select(CheckIn.local_date, func.count(), func.sum(cast(CheckIn.done, Integer)))
            .where(
                CheckIn.community_id == community_id,
                CheckIn.skipped.is_(False),
                CheckIn.local_date >= first,
                CheckIn.local_date <= last,
            )
            .group_by(CheckIn.local_date)
        )
        return {day: (int(count), int(done or 0)) for day, count, done in rows.all()}

    async def helpers_since(self, community_id: int, since: datetime) -> list[tuple[int, int]]:
        """(helper, requests resolved) since a moment, most first."""
        rows = await self.session.execute(
            select(HelpRequest.helper_id, func.count())
            .where(
                HelpRequest.community_id == community_id,
                HelpRequest.status == RequestStatus.RESOLVED.value,
                HelpRequest.resolved_at >= since,
                HelpRequest.helper_id.is_not(None),
            )
            .group_by(HelpRequest.helper_id)
            .order_by(func.count().desc(), HelpRequest.helper_id)
        )
        return [(int(helper or 0), int(count)) for helper, count in rows.all()]

    async def resolved_since(self, community_id: int, since: datetime) -> int:
        """How many requests were resolved since a moment."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(HelpRequest)
            .where(
                HelpRequest.community_id == community_id,
                HelpRequest.status == RequestStatus.RESOLVED.value,
                HelpRequest.resolved_at >= since,
            )
        )
        return int(count or 0)

    async def request_rows(self, community_id: int) -> list[Row]:
        """Every request of the community with asker and helper names."""
        asker, helper = aliased(Person), aliased(Person)
        rows = await self.session.execute(
            select(
                HelpRequest.number,
                HelpRequest.status,
                asker.display_name,
                helper.display_name,
                HelpRequest.question,
                HelpRequest.thanks,
                HelpRequest.created_at,
                HelpRequest.resolved_at,
            )
            .join(asker, asker.id == HelpRequest.asker_id)
            .outerjoin(helper, helper.id == HelpRequest.helper_id)
            .where(HelpRequest.community_id == community_id)
            .order_by(HelpRequest.number)
        )
        return [tuple(row) for row in rows.all()]

    async def tip_rows(self, community_id: int) -> list[Row]:
        """Every tip in the community's library with author and topics."""
        tips = await self.session.scalars(
            select(Tip)
            .options(selectinload(Tip.author), selectinload(Tip.topics))
            .where(Tip.community_id == community_id)
            .order_by(Tip.id)
        )
        return [
            (
                tip.id,
                tip.author.display_name,
                tip.text,
                " ".join(f"#{t.label}" for t in tip.topics),
                tip.created_at,
            )
            for tip in tips.all()
        ]

    async def checkin_rows(
        self,
        community_id: int,
        span: tuple[date, date] | None = None,
        person_id: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Row]:
        """The community's check-ins by day, maybe only in [first, last], of one person, a page."""
        query = (
            select(
                CheckIn.local_date,
                Person.display_name,
                CheckIn.plan,
                CheckIn.done,
                CheckIn.skipped,
                CheckIn.done_note,
                CheckIn.blocker,
            )
            .join(Person, Person.id == CheckIn.person_id)
            .where(*_checkins(community_id, span, person_id))
        )
        rows = await self.session.execute(
            query.order_by(CheckIn.local_date, CheckIn.id).offset(offset).limit(limit)
        )
        return [tuple(row) for row in rows.all()]

    async def count_checkins(
        self, community_id: int, span: tuple[date, date] | None, person_id: int | None
    ) -> int:
        """How many rows `checkin_rows` would give in all, for its pages."""
        query = (
            select(func.count())
            .select_from(CheckIn)
            .where(*_checkins(community_id, span, person_id))
        )
        return int(await self.session.scalar(query) or 0)

    async def checkin_totals(
        self, community_id: int, span: tuple[date, date]
    ) -> list[tuple[int, str, int, int, int]]:
        """Per person in [first, last]: (id, name, days checked in, days done, days skipped)."""
        skipped = cast(CheckIn.skipped, Integer)
        rows = await self.session.execute(
            select(
                Person.id,
                Person.display_name,
                func.count() - func.sum(skipped),
                func.sum(cast(CheckIn.done, Integer)),
                func.sum(skipped),
            )
            .join(Person, Person.id == CheckIn.person_id)
            .where(*_checkins(community_id, span, None))
            .group_by(Person.id, Person.display_name)
            .order_by(Person.display_name, Person.id)
        )
        return [
            (int(pid), str(name), int(days or 0), int(done or 0), int(skips or 0))
            for pid, name, days, done, skips in rows.all()
        ]


def _checkins(
    community_id: int, span: tuple[date, date] | None, person_id: int | None
) -> list[ColumnElement[bool]]:
    """The check-in filters that the list, its count and the totals share."""
    found = [CheckIn.community_id == community_id]
    if span is not None:
        found += [CheckIn.local_date >= span[0], CheckIn.local_date <= span[1]]
    if person_id is not None:
        found.append(CheckIn.person_id == person_id)
    return found
