"""Help requests and kudos: numbering, atomic claims, listings and monthly counts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from storage.bridge_repo import BridgeRepository
from storage.models import (
    Account,
    Community,
    HelpRequest,
    Kudos,
    Membership,
    PersonTopic,
    RequestStatus,
    RequestTopic,
    Role,
    Tip,
    TopicKind,
)
from storage.request_history_repo import RequestHistory, RequestStep


@dataclass(frozen=True, slots=True)
class MemberReach:
    """A community member as notifications see them: their account there and their skills."""

    person_id: int
    account: Account
    role: str
    skills: tuple[str, ...]
    away: bool


class MentoringRepository:
    """Every read and write of requests and kudos."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_request(
        self,
        community_id: int,
        asker_id: int,
        question: str,
        topics: Sequence[tuple[str, str]],
        now: datetime,
    ) -> HelpRequest:
        """Creates request #N, N counted atomically per community (per bridge, when bridged)."""
        request = HelpRequest(
            community_id=community_id,
            number=await self._next_number(community_id),
            asker_id=asker_id,
            question=question,
            status=RequestStatus.OPEN.value,
            created_at=now,
            topics=[RequestTopic(key=key, label=label) for key, label in topics],
        )
        self.session.add(request)
        await self.session.flush()
        return request

    async def _next_number(self, community_id: int) -> int:
        """The next request number; a bridge counts for both sides so #N is unambiguous."""
        bridge_id = await BridgeRepository(self.session).bridge_of(community_id)
        if bridge_id is not None:
            return await BridgeRepository(self.session).next_number(bridge_id)
        number = await self.session.scalar(
            update(Community)
            .where(Community.id == community_id)
            .values(last_request_number=Community.last_request_number + 1)
            .returning(Community.last_request_number)
        )
        return int(number or 1)

    async def release_claims_across(
        self, community_ids: Sequence[int], at: datetime | None = None
    ) -> int:
        """Reopens claims whose helper is not a member of the request's community.

        Run when a bridge ends: such a helper could no longer reach the request. With `at`,
        each request's history notes it.
        """
        member = (
            select(Membership.id)
            .where(
                Membership.community_id == HelpRequest.community_id,
                Membership.person_id == HelpRequest.helper_id,
            )
            .exists()
        )
        released = await self.session.execute(
            update(HelpRequest)
            .where(
                HelpRequest.community_id.in_(community_ids),
                HelpRequest.status == RequestStatus.CLAIMED.value,
                ~member,
            )
            .values(status=RequestStatus.OPEN.value, helper_id=None, claimed_at=None)
            .returning(HelpRequest.id)
            .execution_options(synchronize_session=False)
        )
        ids = list(released.scalars())
        if at is not None:
            history = RequestHistory(self.session)
            for request_id in ids:
                await history.record(request_id, RequestStep.RELEASED, None, at)
        return len(ids)

    def _loaded(self) -> tuple[ExecutableOption, ...]:
        return (
            selectinload(HelpRequest.topics),
            selectinload(HelpRequest.asker),
            selectinload(HelpRequest.helper),
            selectinload(HelpRequest.community),
        )

    async def by_number(self, community_id: int, number: int) -> HelpRequest | None:
        """Request #N of a community."""
        return await self.session.scalar(
            select(HelpRequest)
            .options(*self._loaded())
            .where(HelpRequest.community_id == community_id, HelpRequest.number == number)
            .execution_options(populate_existing=True)
        )

    async def numbered(self, community_ids: Sequence[int], number: int) -> list[HelpRequest]:
        """Requests #N among these communities, in the order the ids are given."""
        found = await self.session.scalars(
            select(HelpRequest)
            .options(*self._loaded())
            .where(HelpRequest.community_id.in_(community_ids), HelpRequest.number == number)
            .execution_options(populate_existing=True)
        )
        return sorted(found, key=lambda request: list(community_ids).index(request.community_id))

    async def by_id(self, request_id: int) -> HelpRequest | None:
        """A request by its global id (button payloads carry it)."""
        return await self.session.scalar(
            select(HelpRequest)
            .options(*self._loaded())
            .where(HelpRequest.id == request_id)
            .execution_options(populate_existing=True)
        )

    async def listing(
        self,
        community_ids: Sequence[int],
        statuses: Sequence[RequestStatus] | None,
        person_id: int | None = None,
        limit: int = 20,
        offset: int = 0,
        topic: str | None = None,
    ) -> Sequence[HelpRequest]:
        """Requests of these communities, newest first; `person_id` keeps asked-or-helping,
        `topic` (a topic key) keeps those tagged with it."""
        query = (
            _listed(community_ids, statuses, person_id, topic)
            .options(*self._loaded())
            .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return list((await self.session.scalars(query)).all())

    async def count_listed(
        self,
        community_ids: Sequence[int],
        statuses: Sequence[RequestStatus] | None,
        person_id: int | None = None,
        topic: str | None = None,
    ) -> int:
        """How many requests `listing` would show in all, for its pages."""
        listed = _listed(community_ids, statuses, person_id, topic).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(listed)) or 0)

    async def try_claim(self, request_id: int, helper_id: int, now: datetime) -> bool:
        """Claims an open request; exactly one of two racing claims wins."""
        result = await self.session.execute(
            update(HelpRequest)
            .where(HelpRequest.id == request_id, HelpRequest.status == RequestStatus.OPEN.value)
            .values(status=RequestStatus.CLAIMED.value, helper_id=helper_id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def active_claims(self, helper_id: int) -> int:
        """How many requests the person is helping with right now."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(HelpRequest)
            .where(
                HelpRequest.helper_id == helper_id,
                HelpRequest.status == RequestStatus.CLAIMED.value,
            )
        )
        return int(count or 0)

    async def reach(
        self,
        community_id: int,
        platform: str,
        today: date,
        only: Collection[int] | None = None,
    ) -> list[MemberReach]:
        """Every member of the community (or `only` these people) with their account on its
        platform and their skills."""
        query = (
            select(Membership, Account)
            .join(Account, Account.person_id == Membership.person_id)
            .options(selectinload(Membership.person))
            .where(Membership.community_id == community_id, Account.platform == platform)
        )
        if only is None:
            members = list((await self.session.execute(query)).all())
        else:
            wanted, members = sorted(only), []
            for start in range(0, len(wanted), _ID_BATCH):
                batch = wanted[start : start + _ID_BATCH]
                rows = await self.session.execute(query.where(Membership.person_id.in_(batch)))
                members.extend(rows.all())
        person_ids = [membership.person_id for membership, _ in members]
        skills: dict[int, list[str]] = {}
        if person_ids:
            topic_rows = await self.session.execute(
                select(PersonTopic.person_id, PersonTopic.label)
                .where(
                    PersonTopic.person_id.in_(person_ids),
                    PersonTopic.kind == TopicKind.SKILL.value,
                )
                .order_by(PersonTopic.position)
            )
            for person_id, label in topic_rows.all():
                skills.setdefault(person_id, []).append(label)
        return [
            MemberReach(
                person_id=membership.person_id,
                account=account,
                role=membership.role,
                skills=tuple(skills.get(membership.person_id, ())),
                away=membership.person.away_until is not None
                and membership.person.away_until >= today,
            )
            for membership, account in members
        ]

    async def add_kudos(
        self,
        community_id: int,
        giver_id: int,
        receiver_id: int,
        note: str,
        now: datetime,
        request_id: int | None = None,
    ) -> None:
        """Records thanks."""
        self.session.add(
            Kudos(
                community_id=community_id,
                giver_id=giver_id,
                receiver_id=receiver_id,
                note=note,
                request_id=request_id,
                created_at=now,
            )
        )
        await self.session.flush()

    async def kudos_given_since(self, giver_id: int, since: datetime) -> int:
        """How many /kudos the person gave since a moment (the daily limit)."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(Kudos)
            .where(
                Kudos.giver_id == giver_id, Kudos.created_at >= since, Kudos.request_id.is_(None)
            )
        )
        return int(count or 0)

    async def drop_help_kudos(self, request_id: int) -> None:
        """Takes back the kudos of a resolution that was reopened."""
        kudos = await self.session.scalars(select(Kudos).where(Kudos.request_id == request_id))
        for row in kudos:
            await self.session.delete(row)

    async def totals(self, person_id: int, community_id: int | None = None) -> tuple[int, int]:
        """(requests resolved as helper, kudos received), in one community or everywhere."""
        helped = (
            select(func.count())
            .select_from(HelpRequest)
            .where(
                HelpRequest.helper_id == person_id,
                HelpRequest.status == RequestStatus.RESOLVED.value,
            )
        )
        kudos = select(func.count()).select_from(Kudos).where(Kudos.receiver_id == person_id)
        if community_id is not None:
            helped = helped.where(HelpRequest.community_id == community_id)
            kudos = kudos.where(Kudos.community_id == community_id)
        return int(await self.session.scalar(helped) or 0), int(
            await self.session.scalar(kudos) or 0
        )

    async def monthly_givers(
        self, community_id: int, since: datetime
    ) -> list[tuple[int, int, int, int]]:
        """(person, help resolved, kudos received, tips posted) for everyone active since then."""
        helped_rows = await self.session.execute(
            select(HelpRequest.helper_id, func.count())
            .where(
                HelpRequest.community_id == community_id,
                HelpRequest.status == RequestStatus.RESOLVED.value,
                HelpRequest.resolved_at >= since,
                HelpRequest.helper_id.is_not(None),
            )
            .group_by(HelpRequest.helper_id)
        )
        kudos_rows = await self.session.execute(
            select(Kudos.receiver_id, func.count())
            .where(
                Kudos.community_id == community_id,
                Kudos.created_at >= since,
                Kudos.request_id.is_(None),
            )
            .group_by(Kudos.receiver_id)
        )
        tip_rows = await self.session.execute(
            select(Tip.author_id, func.count())
            .where(Tip.community_id == community_id, Tip.created_at >= since)
            .group_by(Tip.author_id)
        )
        table: dict[int, list[int]] = {}
        for column, rows in enumerate((helped_rows, kudos_rows, tip_rows)):
            for person_id, count in rows.all():
                table.setdefault(int(person_id or 0), [0, 0, 0])[column] = int(count)
        return [(person_id, *counts) for person_id, counts in table.items()]  # type: ignore[misc]

    async def due_for_escalation(self, now: datetime) -> Sequence[HelpRequest]:
        """Open requests never escalated whose community's delay has passed."""
        # Checks the delay on three plain columns first and loads only the due requests:
        # loading every open request with its relations, every sweep, cost ~50 MB of RSS
        # with 20,000 open requests (bench startup).
        candidates = await self.session.execute(
            select(HelpRequest.id, HelpRequest.created_at, Community.escalation_hours)
            .join(Community, Community.id == HelpRequest.community_id)
            .where(
                and_(
                    HelpRequest.status == RequestStatus.OPEN.value,
                    HelpRequest.escalated_at.is_(None),
                )
            )
        )
        due_ids = [
            request_id
            for request_id, created_at, hours in candidates
            if (now - created_at).total_seconds() >= hours * 3600
        ]
        due: list[HelpRequest] = []
        for start in range(0, len(due_ids), _ID_BATCH):
            batch = due_ids[start : start + _ID_BATCH]
            loaded = await self.session.scalars(
                select(HelpRequest)
                .options(*self._loaded())
                .where(HelpRequest.id.in_(batch))
                .order_by(HelpRequest.id)
            )
            due.extend(loaded)
        return due


_ID_BATCH = 500


def _listed(
    community_ids: Sequence[int],
    statuses: Sequence[RequestStatus] | None,
    person_id: int | None,
    topic: str | None = None,
) -> Select[HelpRequest]:
    """The requests a listing shows, unordered."""
    query = select(HelpRequest).where(HelpRequest.community_id.in_(community_ids))
    if statuses is not None:
        query = query.where(HelpRequest.status.in_([s.value for s in statuses]))
    if person_id is not None:
        query = query.where(
            or_(HelpRequest.asker_id == person_id, HelpRequest.helper_id == person_id)
        )
    if topic is not None:
        tagged = select(RequestTopic.request_id).where(RequestTopic.key == topic)
        query = query.where(HelpRequest.id.in_(tagged))
    return query


MENTOR_ROLES = (Role.MENTOR.value, Role.ORGANIZER.value)
