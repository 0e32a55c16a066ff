"""Outbox rows: enqueue once per key, claim with a lease, record each outcome."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import dialect_of, insert_if_new
from storage.models import Account, OutboxMessage, OutboxStatus

KEY_LENGTH = 200
"""The width of `outbox.key`."""
_DIGEST = 64


def storable_key(key: str) -> str:
    """The key as stored: unchanged when it fits, else its start and a hash of all of it.

    Cutting a long key would make two different messages share one key (and one of them
    would never be sent); the hash keeps them apart, the start keeps prefix queries working.
    """
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{key[: KEY_LENGTH - _DIGEST - 1]}~{digest}"


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where one queued message goes: a chat, or a user's DM (with a group to fall back to)."""

    platform: str
    chat_id: str | None = None
    user_id: str | None = None
    fallback_chat_id: str | None = None
    person_id: int | None = None
    community_id: int | None = None
    about_person_id: int | None = None


class OutboxRepository:
    """Every read and write of the outbox table."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        key: str,
        delivery: Delivery,
        payload: str,
        due_at: datetime,
        now: datetime,
        grace: timedelta,
    ) -> bool:
        """Adds a row unless the key exists; True when this call created it."""
        values = {
            "key": storable_key(key),
            "platform": delivery.platform,
            "chat_id": delivery.chat_id,
            "user_id": delivery.user_id,
            "fallback_chat_id": delivery.fallback_chat_id,
            "person_id": delivery.person_id,
            "community_id": delivery.community_id,
            "about_person_id": delivery.about_person_id,
            "payload": payload,
            "due_at": due_at,
            "next_attempt_at": due_at,
            "grace_seconds": int(grace.total_seconds()),
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "created_at": now,
        }
        statement = insert_if_new(OutboxMessage, ("key",), dialect_of(self.session))
        result = await self.session.execute(statement, values)
        return result.first() is not None

    async def claim_due(
        self,
        now: datetime,
        worker: str,
        lease: timedelta,
        limit: int,
        dead: Sequence[str] = (),
    ) -> Sequence[OutboxMessage]:
        """Leases up to `limit` due rows to this worker; other workers skip leased rows.

        Rows leased by a `dead` worker are claimable at once, without waiting out the lease.
        """
        sending = OutboxMessage.status == OutboxStatus.SENDING.value
        claimable = or_(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            and_(sending, OutboxMessage.lease_until < now),
            and_(sending, OutboxMessage.leased_by.in_(list(dead))) if dead else false(),
        )
        query = (
            select(OutboxMessage.id)
            .where(claimable, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if self.session.bind is not None and self.session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list((await self.session.scalars(query)).all())
        if not ids:
            return []
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), claimable)
            .values(
                status=OutboxStatus.SENDING.value,
                lease_until=now + lease,
                leased_by=worker,
            )
            .execution_options(synchronize_session=False)
        )
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.leased_by == worker)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
        return list(rows.all())

    async def finish(
        self,
        row_id: int,
        worker: str,
        status: OutboxStatus,
        now: datetime,
        *,
        message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        """Records a final outcome, if this worker still holds the lease."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.leased_by == worker)
            .values(
                status=status.value,
                sent_at=now if status is OutboxStatus.SENT else None,
                message_id=message_id,
                last_error=error[:500] if error else None,
                lease_until=None,
            )
        )

    async def retry_later(
        self, row_id: int, worker: str, at: datetime, error: str, *, count_attempt: bool
    ) -> None:
        """Puts a row back in the queue for a later attempt."""
        values: dict[str, object] = {
            "status": OutboxStatus.PENDING.value,
            "next_attempt_at": at,
            "last_error": error[:500],
            "lease_until": None,
            "leased_by": None,
        }
        if count_attempt:
            values["attempts"] = OutboxMessage.attempts + 1
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.leased_by == worker)
            .values(**values)
        )

    async def mark_unreachable(self, platform: str, user_id: str) -> None:
        """Remembers that this account can't receive DMs until they /start the bot again."""
        await self.session.execute(
            update(Account)
            .where(Account.platform == platform, Account.user_id == user_id)
            .values(dm_unreachable=True)
        )

    async def next_due(self) -> datetime | None:
        """When the earliest pending row becomes due, to sleep exactly until then."""
        ready_at = case(
            (OutboxMessage.status == OutboxStatus.SENDING.value, OutboxMessage.lease_until),
            else_=OutboxMessage.next_attempt_at,
        )
        due: datetime | None = await self.session.scalar(
            select(func.min(ready_at)).where(
                OutboxMessage.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value])
            )
        )
        return due

    async def counts(self) -> dict[str, int]:
        """Rows per status, for /stats-like checks and tests."""
        rows = await self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {status: int(number) for status, number in rows.all()}
