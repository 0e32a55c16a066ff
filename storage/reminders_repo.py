"""Reminder rows: numbered per person, listed while their DM still waits, cancelled with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxStatus, Reminder, ReminderStatus

_IN_QUEUE = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


class ReminderRepository:
    """Every read and write of the reminders table."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, person_id: int, community_id: int | None, text: str, due_at: datetime, now: datetime
    ) -> Reminder:
        """A new pending reminder with the person's next number (numbers are never reused)."""
        last = await self.session.scalar(
            select(func.max(Reminder.number)).where(Reminder.person_id == person_id)
        )
        number = int(last or 0) + 1
        reminder = Reminder(
            person_id=person_id,
            number=number,
            community_id=community_id,
            text=text,
            due_at=due_at,
            status=ReminderStatus.PENDING.value,
            outbox_key=f"remind:{person_id}:{number}",
            created_at=now,
        )
        self.session.add(reminder)
        await self.session.flush()
        return reminder

    async def count_pending(self, person_id: int) -> int:
        """How many of the person's reminders still wait."""
        return len(await self.pending(person_id))

    async def pending(self, person_id: int) -> Sequence[Reminder]:
        """The person's reminders whose DM still waits, soonest first; fired ones become done."""
        rows = await self.session.execute(
            select(Reminder, OutboxMessage.status)
            .outerjoin(OutboxMessage, OutboxMessage.key == Reminder.outbox_key)
            .where(
                Reminder.person_id == person_id,
                Reminder.status == ReminderStatus.PENDING.value,
            )
            .order_by(Reminder.due_at, Reminder.number)
        )
        waiting: list[Reminder] = []
        for reminder, outbox_status in rows.all():
            if outbox_status in _IN_QUEUE:  # a send in flight may still be retried later
                waiting.append(reminder)
            else:  # sent, failed, skipped or gone: no longer pending
                reminder.status = ReminderStatus.DONE.value
        return waiting

    async def numbered(self, person_id: int, number: int) -> Reminder | None:
        """The person's reminder #number."""
        return await self.session.scalar(
            select(Reminder).where(Reminder.person_id == person_id, Reminder.number == number)
        )

    async def get(self, reminder_id: int) -> Reminder | None:
        """A reminder by its row id (what a Cancel button carries)."""
        return await self.session.get(Reminder, reminder_id)

    async def cancel(self, reminder: Reminder) -> str:
        """Cancels a reminder whose DM has not gone out: `cancelled`, `sending` or `sent`."""
        if reminder.status != ReminderStatus.PENDING.value:
            return "sent"
        skipped = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.key == reminder.outbox_key,
                OutboxMessage.status == OutboxStatus.PENDING.value,
            )
            .values(status=OutboxStatus.SKIPPED.value, last_error="reminder cancelled")
            .returning(OutboxMessage.id)
        )
        if skipped.all():
            reminder.status = ReminderStatus.CANCELLED.value
            return "cancelled"
        now_status = await self.session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.key == reminder.outbox_key)
        )
        if now_status == OutboxStatus.SENDING.value:
            return "sending"
        reminder.status = ReminderStatus.DONE.value
        return "sent"
