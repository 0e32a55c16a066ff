"""Check-in rows: one per person, community and local day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple, cast

from sqlalchemy import (
    Boolean,
    Integer,
    Table,
    bindparam,
    insert,
    literal_column,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CheckIn, Membership, OutboxMessage
from storage.program_loop_repo import OPEN_GOAL_OF, OpenGoal


class Touched(NamedTuple):
    """What a board or a nudge needs of a day's check-in: plain columns, no ORM object (a
    1,000-member group's board built 1,000 of them)."""

    id: int
    person_id: int
    plan: str
    done: bool
    skipped: bool
    created_at: datetime


class DayRow(NamedTuple):
    """The day's check-in row in one community, as a `/checkin` needs it before writing."""

    id: int
    plan: str
    skipped: bool


class DayContext(NamedTuple):
    """What a check-in reads before it writes, in one round trip."""

    today: DayRow | None  # the day's row in this community, if it was started
    days: list[date]  # every local day (any community) checked in since the date asked
    goal: OpenGoal | None  # the mentee's open mentoring goal, shown under the check-in


# Built once: every check-in, /streak and /board runs them (building cost about what running does).
# The hot ones are built on the table, not the mapped class: a Core statement skips the ORM's
# per-statement work (compile state, autoflush, loading objects), a third of a /checkin.
_TABLE = cast(Table, CheckIn.__table__)
_NEW_PLAN = insert(_TABLE)
_NEW_PLAN_OF = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(plan=bindparam("plan"), skipped=False, updated_at=bindparam("now"))
)
_DAYS_OF = (
    select(_TABLE.c.local_date)
    .where(
        _TABLE.c.person_id == bindparam("person_id"),
        _TABLE.c.skipped.is_(False),
        _TABLE.c.local_date >= bindparam("since"),
    )
    .distinct()
)
# A check-in's three reads as one statement (each was a round trip of its own, and the ORM's
# per-statement cost is most of a /checkin): rows tagged 0 the day's row here, 1 a day checked
# in, 2 the open goal. NULLs are cast: PostgreSQL types a column by the branches before it.
_TODAY, _DAY, _GOAL = 0, 1, 2
_NO_INT, _NO_TEXT, _NO_FLAG = null().cast(Integer), null(), null().cast(Boolean)
_GOAL_ROW = OPEN_GOAL_OF.subquery("goal")
_DAY_CONTEXT = union_all(
    select(
        literal_column(str(_TODAY)).label("kind"),
        _TABLE.c.local_date,
        _TABLE.c.id,
        _TABLE.c.plan,
        _TABLE.c.skipped,
        _NO_INT.label("progress"),
    ).where(
        _TABLE.c.community_id == bindparam("community_id"),
        _TABLE.c.person_id == bindparam("person_id"),
        _TABLE.c.local_date == bindparam("day"),
    ),
    select(
        literal_column(str(_DAY)),
        _DAYS_OF.subquery().c.local_date,
        _NO_INT,
        _NO_TEXT,
        _NO_FLAG,
        _NO_INT,
    ),
    select(
        literal_column(str(_GOAL)),
        _GOAL_ROW.c.target_on,
        _NO_INT,
        _GOAL_ROW.c.text,
        _NO_FLAG,
        _GOAL_ROW.c.progress,
    ),
)
_ON = select(CheckIn).where(
    CheckIn.community_id == bindparam("community_id"),
    CheckIn.person_id == bindparam("person_id"),
    CheckIn.local_date == bindparam("day"),
)

_TOUCHED_BETWEEN = (
    select(
        CheckIn.id,
        CheckIn.person_id,
        CheckIn.plan,
        CheckIn.done,
        CheckIn.skipped,
        CheckIn.created_at,
    )
    .where(
        CheckIn.community_id == bindparam("community_id"),
        CheckIn.updated_at >= bindparam("start"),
        CheckIn.updated_at < bindparam("end"),
    )
    .order_by(CheckIn.updated_at, CheckIn.id)
)
_ACTIVE_PEOPLE = (
    select(CheckIn.person_id)
    .join(
        Membership,
        (Membership.person_id == CheckIn.person_id)
        & (Membership.community_id == CheckIn.community_id),
    )
    .where(
        CheckIn.community_id == bindparam("community_id"),
        CheckIn.local_date >= bindparam("since"),
    )
    .distinct()
)


class CheckInRepository:
    """Reads and writes of check-ins."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def on(self, community_id: int, person_id: int, day: date) -> CheckIn | None:
        """The person's check-in for that local day in that community."""
        return await self.session.scalar(
            _ON, {"community_id": community_id, "person_id": person_id, "day": day}
        )

    async def ensure(
        self, community_id: int, person_id: int, day: date, now: datetime, plan: str = ""
    ) -> tuple[CheckIn, bool]:
        """Finds or starts the day's check-in (a new one with `plan`: one INSERT, no UPDATE
        after it); the flag tells whether it is new."""
        found = await self.on(community_id, person_id, day)
        if found is not None:
            return found, False
        created = CheckIn(
            community_id=community_id,
            person_id=person_id,
            local_date=day,
            plan=plan,
            created_at=now,
            updated_at=now,
        )
        self.session.add(created)
        await self.session.flush()
        return created, True

    async def day_context(
        self, community_id: int, person_id: int, day: date, since: date
    ) -> DayContext:
        """The day's row here, the person's checked-in days since `since` and their open goal."""
        await self._flush_pending()  # a Core read does not autoflush
        key = {"community_id": community_id, "person_id": person_id, "day": day, "since": since}
        today, days, goal = None, [], None
        for kind, when, row_id, text, skipped, progress in await self.session.execute(
            _DAY_CONTEXT, key
        ):
            if kind == _TODAY:
                today = DayRow(row_id, text, skipped)
            elif kind == _DAY:
                days.append(when)
            else:
                goal = OpenGoal(text, progress, when)
        return DayContext(today, days, goal)

    async def set_plan(
        self,
        community_id: int,
        person_id: int,
        day: date,
        row: DayRow | None,
        plan: str,
        now: datetime,
    ) -> bool:
        """Sets the day's plan on its row (`day_context` read it) or starts the row; True when it
        replaced a plan.

        A Core statement on a path no ORM object of the row is loaded on (`/checkin`, a reply
        to the ping), so no loaded copy goes stale.
        """
        if row is None:
            values = {"community_id": community_id, "person_id": person_id, "local_date": day}
            await self.session.execute(
                _NEW_PLAN, {**values, "plan": plan, "created_at": now, "updated_at": now}
            )
            return False
        await self.session.execute(_NEW_PLAN_OF, {"row_id": row.id, "plan": plan, "now": now})
        return bool(row.plan) and not row.skipped

    async def days_of(self, person_id: int, since: date) -> list[date]:
        """Every local day (any community) the person checked in, since a date."""
        await self._flush_pending()  # a Core read does not autoflush
        rows = await self.session.scalars(_DAYS_OF, {"person_id": person_id, "since": since})
        return list(rows.all())

    async def _flush_pending(self) -> None:
        """Writes pending ORM changes before a Core statement (which never autoflushes)."""
        session = self.session
        if session.new or session.dirty or session.deleted:
            await session.flush()

    async def touched_between(
        self, community_id: int, start: datetime, end: datetime
    ) -> Sequence[Touched]:
        """A community's check-ins last touched in `[start, end)` (its local day), one per person.

        A check-in belongs to the community's day on which it was last made, updated or marked
        done, whatever the member's own zone calls that day: a member in Taipei counts on New
        York's board, and re-checking in moves them onto the board of the day they did it.
        """
        rows = await self.session.execute(
            _TOUCHED_BETWEEN, {"community_id": community_id, "start": start, "end": end}
        )
        latest = {row.person_id: Touched(*row) for row in rows}
        return sorted(latest.values(), key=lambda entry: (entry.created_at, entry.id))

    async def active_people(self, community_id: int, since: date) -> set[int]:
        """Members who checked in here at least once since a date (the ones nudges are for)."""
        rows = await self.session.scalars(
            _ACTIVE_PEOPLE, {"community_id": community_id, "since": since}
        )
        return set(rows.all())

    async def is_checkin_ping(self, chat_id: str, platform: str, message_id: str) -> bool:
        """Whether a message the bot sent in that chat was a check-in ping."""
        found = await self.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.platform == platform,
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.message_id == message_id,
                OutboxMessage.key.startswith("checkin:"),
            )
        )
        return found is not None
