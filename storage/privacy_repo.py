"""Private messages that wait for a closed DM, and the notices that say so, in the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Community, OutboxMessage, OutboxStatus
from storage.outbox_repo import Delivery, OutboxRepository

WAITING_FOR_DM = "waiting for the person to open a DM"
"""`last_error` of a private row parked until the person opens their DM (or its grace ends)."""


def waiting_until(due_at: datetime, grace: timedelta) -> datetime:
    """When a parked row is looked at again if nobody wakes it: just past its grace."""
    return due_at + grace + timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a private message is for, and the language of the group a notice would go to."""

    person_id: int | None
    display_name: str | None
    community_id: int | None
    language: str | None


class PrivateDeliveryRepository:
    """The outbox rows and account flags behind "private text never goes to a group"."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._outbox = OutboxRepository(session)

    async def recipient(self, platform: str, user_id: str, chat_id: str | None) -> Recipient:
        """The person behind an account, and the group (if any) where a notice would go."""
        account = (
            await self.session.execute(
                select(Account.person_id, Account.display_name).where(
                    Account.platform == platform, Account.user_id == user_id
                )
            )
        ).first()
        group = None
        if chat_id is not None:
            group = (
                await self.session.execute(
                    select(Community.id, Community.language).where(
                        Community.platform == platform, Community.chat_id == chat_id
                    )
                )
            ).first()
        return Recipient(
            account[0] if account else None,
            account[1] if account else None,
            group[0] if group else None,
            group[1] if group else None,
        )

    async def hold(
        self, key: str, delivery: Delivery, payload: str, now: datetime, grace: timedelta
    ) -> bool:
        """Queues a private message that could not be sent now; it waits for the DM to open."""
        created = await self._outbox.enqueue(key, delivery, payload, now, now, grace)
        if created:
            await self.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key == key)
                .values(next_attempt_at=waiting_until(now, grace), last_error=WAITING_FOR_DM)
            )
        return created

    async def claim_notice(self, key: str, delivery: Delivery, payload: str, now: datetime) -> bool:
        """Records a notice the caller sends itself; False when this window already had one."""
        created = await self._outbox.enqueue(key, delivery, payload, now, now, timedelta())
        if created:
            await self.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key == key)
                .values(status=OutboxStatus.SENT.value, sent_at=now)
            )
        return created

    async def dm_opened(self, platform: str, user_id: str, now: datetime) -> int:
        """The person wrote to the bot in a DM: they can be reached; wake what waits for them."""
        await self.session.execute(
            update(Account)
            .where(
                Account.platform == platform,
                Account.user_id == user_id,
                Account.dm_unreachable | ~Account.dm_opted_in,
            )
            .values(dm_unreachable=False, dm_opted_in=True)
        )
        woken = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING.value,
                OutboxMessage.platform == platform,
                OutboxMessage.user_id == user_id,
                OutboxMessage.last_error == WAITING_FOR_DM,
            )
            .values(next_attempt_at=now)
            .returning(OutboxMessage.id)
        )
        return len(woken.all())
