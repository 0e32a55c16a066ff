"""Linking: one-time codes, and merging or splitting a person's platform accounts.

Merge rule: the person of the account that redeems a code (the keeper) absorbs the person
who asked for it. The keeper's profile fields win; empty ones are filled from the other.
Every row that points at the absorbed person is re-pointed at the keeper; where a unique
constraint would then hold twice (same community membership, same tip vote, same topic,
same community and local day of a check-in) the two rows become one. Kudos between the two
accounts are dropped: after the merge they would be thanks to oneself.

Split rule (`/link off`): the leaving account becomes a new person with a copy of the
profile fields, skills and interests, and takes its memberships (and roles) in the
communities on its own platform; history (check-ins, kudos, requests, tips, votes) stays
with the original person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Table, UniqueConstraint, and_, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Account,
    Base,
    CheckIn,
    Community,
    Kudos,
    LinkCode,
    Membership,
    Person,
    PersonTopic,
    Role,
)

_PEOPLE = Person.__table__
_Row = TypeVar("_Row", Membership, CheckIn)


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What a merge joined, for the reply and the tests."""

    accounts: int
    merged_checkins: int
    merged_memberships: int
    dropped_kudos: int


class LinkRepository:
    """Reads and writes of link codes, and the merge and split of people."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue_code(
        self, account_id: int, code_hash: str, now: datetime, expires_at: datetime
    ) -> None:
        """Stores a new code for the account; its earlier unused codes stop working."""
        await self.session.execute(
            delete(LinkCode).where(LinkCode.account_id == account_id, LinkCode.used_at.is_(None))
        )
        self.session.add(
            LinkCode(
                code_hash=code_hash, account_id=account_id, created_at=now, expires_at=expires_at
            )
        )
        await self.session.flush()

    async def code(self, code_hash: str) -> tuple[LinkCode, Account] | None:
        """The code with that hash (locked until commit) and the account that asked for it."""
        row = (
            await self.session.execute(
                select(LinkCode, Account)
                .join(Account, Account.id == LinkCode.account_id)
                .where(LinkCode.code_hash == code_hash)
                .with_for_update(of=LinkCode)  # two redemptions at once: the second waits
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def accounts_of(self, person_id: int) -> list[Account]:
        """Every platform account of the person, by platform name."""
        result = await self.session.scalars(
            select(Account).where(Account.person_id == person_id).order_by(Account.platform)
        )
        return list(result)

    async def merge(self, keeper_id: int, absorbed_id: int) -> MergeReport:
        """Joins the absorbed person into the keeper, in the caller's transaction."""
        keeper = await self.session.get(Person, keeper_id)
        absorbed = await self.session.get(Person, absorbed_id)
        if keeper is None or absorbed is None or keeper_id == absorbed_id:
            raise ValueError("merge needs two different existing people")
        for name in ("timezone", "language", "away_until", "away_since"):
            if getattr(keeper, name) is None:
                setattr(keeper, name, getattr(absorbed, name))
        await self._append_topics(keeper_id, absorbed_id)
        memberships = await self._merge_memberships(keeper_id, absorbed_id)
        checkins = await self._merge_checkins(keeper_id, absorbed_id)
        dropped = await self._drop_kudos_between(keeper_id, absorbed_id)
        accounts = await self._count(Account, Account.person_id == absorbed_id)
        await self.session.flush()
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if any(fk.column.table is _PEOPLE for fk in column.foreign_keys):
                    await self._repoint(table, column.name, keeper_id, absorbed_id)
        await self.session.execute(
            delete(Person).where(Person.id == absorbed_id),
            execution_options={"synchronize_session": False},
        )
        self.session.expunge(absorbed)
        for loaded in list(self.session.identity_map.values()):  # the updates bypassed the ORM
            if isinstance(loaded, Account) and loaded.__dict__.get("person_id") == absorbed_id:
                await self.session.refresh(loaded, ["person_id", "person"])
        return MergeReport(accounts, checkins, memberships, dropped)

    async def split(self, account: Account, now: datetime) -> Person:
        """Makes the account its own person again with a copy of the profile."""
        old = await self.session.get(Person, account.person_id)
        assert old is not None
        fresh = Person(
            display_name=account.display_name,
            timezone=old.timezone,
            language=old.language,
            away_until=old.away_until,
            away_since=old.away_since,
            created_at=now,
        )
        self.session.add(fresh)
        await self.session.flush()
        topics = await self.session.scalars(
            select(PersonTopic).where(PersonTopic.person_id == old.id)
        )
        for topic in topics:
            self.session.add(
                PersonTopic(
                    person_id=fresh.id,
                    kind=topic.kind,
                    key=topic.key,
                    label=topic.label,
                    position=topic.position,
                )
            )
        here = select(Community.id).where(Community.platform == account.platform)
        await self.session.execute(
            update(Membership)
            .where(Membership.person_id == old.id, Membership.community_id.in_(here))
            .values(person_id=fresh.id),
            execution_options={"synchronize_session": False},
        )
        account.person = fresh
        await self.session.flush()
        return fresh

    async def _append_topics(self, keeper_id: int, absorbed_id: int) -> None:
        """Puts the absorbed person's new skills and interests after the keeper's."""
        result = await self.session.scalars(
            select(PersonTopic)
            .where(PersonTopic.person_id.in_((keeper_id, absorbed_id)))
            .order_by(PersonTopic.person_id != keeper_id, PersonTopic.position)
        )
        seen: dict[str, int] = {}
        keys: set[tuple[str, str]] = set()
        for topic in result:
            if topic.person_id == absorbed_id and (topic.kind, topic.key) in keys:
                await self.session.delete(topic)
                continue
            keys.add((topic.kind, topic.key))
            topic.position = seen.get(topic.kind, 0)
            seen[topic.kind] = topic.position + 1
        await self.session.flush()

    async def _merge_memberships(self, keeper_id: int, absorbed_id: int) -> int:
        """In a community both belong to, the keeper gets the higher role and earlier join."""
        rows = await self.session.scalars(
            select(Membership).where(Membership.person_id.in_((keeper_id, absorbed_id)))
        )
        pairs = _pairs(list(rows), lambda row: (row.community_id,), keeper_id)
        for kept, other in pairs:
            if Role(other.role).rank > Role(kept.role).rank:
                kept.role = other.role
            kept.joined_at = min(kept.joined_at, other.joined_at)
        return len(pairs)

    async def _merge_checkins(self, keeper_id: int, absorbed_id: int) -> int:
        """Two check-ins for one community and local day become the keeper's one."""
        rows = await self.session.scalars(
            select(CheckIn).where(CheckIn.person_id.in_((keeper_id, absorbed_id)))
        )
        pairs = _pairs(list(rows), lambda row: (row.community_id, row.local_date), keeper_id)
        for kept, other in pairs:
            if other.plan and other.plan != kept.plan:
                kept.plan = f"{kept.plan}; {other.plan}" if kept.plan else other.plan
            kept.done = kept.done or other.done
            kept.skipped = kept.skipped and other.skipped
            kept.done_note = kept.done_note or other.done_note
            kept.blocker = kept.blocker or other.blocker
            kept.request_id = kept.request_id or other.request_id
            kept.created_at = min(kept.created_at, other.created_at)
            kept.updated_at = max(kept.updated_at, other.updated_at)
        return len(pairs)

    async def _drop_kudos_between(self, keeper_id: int, absorbed_id: int) -> int:
        """Thanks between the two accounts would become thanks to oneself."""
        between = ((Kudos.giver_id == keeper_id) & (Kudos.receiver_id == absorbed_id)) | (
            (Kudos.giver_id == absorbed_id) & (Kudos.receiver_id == keeper_id)
        )
        number = await self._count(Kudos, between)
        await self.session.execute(
            delete(Kudos).where(between), execution_options={"synchronize_session": False}
        )
        return number

    async def _repoint(self, table: Table, column: str, keeper_id: int, absorbed_id: int) -> None:
        """Moves rows to the keeper, first dropping those a unique constraint would reject."""
        for columns in _unique_column_sets(table):
            if column not in columns:
                continue
            kept = table.alias("kept")
            same = [kept.c[name] == table.c[name] for name in columns if name != column]
            clash = exists().where(kept.c[column] == keeper_id, *same)
            await self.session.execute(
                delete(table).where(and_(table.c[column] == absorbed_id, clash))
            )
        await self.session.execute(
            update(table).where(table.c[column] == absorbed_id).values({column: keeper_id})
        )

    async def _count(self, model: type[Base], condition: object) -> int:
        number = await self.session.scalar(
            select(func.count()).select_from(model).where(condition)  # type: ignore[arg-type]
        )
        return int(number or 0)


def _pairs(
    rows: Sequence[_Row], key: Callable[[_Row], tuple[object, ...]], keeper_id: int
) -> list[tuple[_Row, _Row]]:
    """Rows of the two people that share a key, as (keeper's, absorbed's)."""
    by_key: dict[tuple[object, ...], dict[bool, _Row]] = {}
    for row in rows:
        by_key.setdefault(key(row), {})[row.person_id == keeper_id] = row
    return [(both[True], both[False]) for both in by_key.values() if len(both) == 2]


def _unique_column_sets(table: Table) -> list[list[str]]:
    """The column names of every unique constraint and unique index of a table."""
    found = [
        [column.name for column in constraint.columns]
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    found += [[column.name for column in index.columns] for index in table.indexes if index.unique]
    return found
