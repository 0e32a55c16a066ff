"""Every read and write of guided-conversation state (`dialog_sessions`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, DialogSession, DialogStatus, OutboxMessage, OutboxStatus

ENDED = (DialogStatus.COMPLETED, DialogStatus.CANCELLED, DialogStatus.LAPSED)


def loads(text: str) -> dict[str, Any]:
    """A stored JSON object (answers or context)."""
    value = json.loads(text or "{}")
    return value if isinstance(value, dict) else {}


def dumps(value: Mapping[str, Any]) -> str:
    """JSON for a column; non-ASCII kept readable."""
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True)


class DialogRepository:
    """Finds, opens, queues, advances and ends dialog sessions."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_for(self, person_id: int) -> DialogSession | None:
        """The person's open conversation, if any."""
        found = await self.session.execute(
            select(DialogSession).where(DialogSession.open_person_id == person_id)
        )
        return found.scalar_one_or_none()

    async def open_for_account(self, platform: str, user_id: str) -> DialogSession | None:
        """The open conversation of whoever owns this platform account (a read-only check)."""
        found = await self.session.execute(
            select(DialogSession)
            .join(Account, Account.person_id == DialogSession.open_person_id)
            .where(Account.platform == platform, Account.user_id == user_id)
        )
        return found.scalar_one_or_none()

    async def by_id(self, session_id: int) -> DialogSession | None:
        """One session by id."""
        return await self.session.get(DialogSession, session_id)

    async def waiting(self, person_id: int, name: str) -> bool:
        """Whether this dialog is already open or queued for the person."""
        found = await self.session.execute(
            select(DialogSession.id).where(
                DialogSession.person_id == person_id,
                DialogSession.name == name,
                DialogSession.status.in_([DialogStatus.OPEN.value, DialogStatus.PENDING.value]),
            )
        )
        return found.first() is not None

    async def next_pending(self, person_id: int) -> DialogSession | None:
        """The person's oldest queued conversation."""
        found = await self.session.execute(
            select(DialogSession)
            .where(
                DialogSession.person_id == person_id,
                DialogSession.status == DialogStatus.PENDING.value,
            )
            .order_by(DialogSession.id)
            .limit(1)
        )
        return found.scalar_one_or_none()

    async def add(
        self,
        *,
        person_id: int,
        platform: str,
        user_id: str,
        community_id: int | None,
        name: str,
        context: Mapping[str, Any],
        now: datetime,
    ) -> DialogSession:
        """A new queued session; `open_session` makes it the open one."""
        row = DialogSession(
            person_id=person_id,
            open_person_id=None,
            platform=platform,
            user_id=user_id,
            community_id=community_id,
            name=name,
            step=None,
            answers="{}",
            context=dumps(context),
            status=DialogStatus.PENDING.value,
            pointed_in_group=False,
            started_at=now,
            updated_at=now,
            expires_at=None,
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def open_session(
        self, row: DialogSession, step: str, now: datetime, expires_at: datetime
    ) -> bool:
        """Makes a queued session the person's open one, at its first step.

        False (the row stays queued) when another transaction opened one for the person first.
        """
        try:
            async with self.session.begin_nested():
                row.status = DialogStatus.OPEN.value
                row.open_person_id = row.person_id
                row.step = step
                row.started_at = now
                row.updated_at = now
                row.expires_at = expires_at
                await self.session.flush()
        except IntegrityError:
            await self.session.refresh(row)
            return False
        return True

    def advance(
        self,
        row: DialogSession,
        answers: Mapping[str, Any],
        step: str,
        now: datetime,
        expires: datetime,
    ) -> None:
        """Stores the answers so far and moves to the next step."""
        row.answers = dumps(answers)
        row.step = step
        row.updated_at = now
        row.expires_at = expires

    async def end(self, row: DialogSession, status: DialogStatus, now: datetime) -> None:
        """Ends a session; its answers are dropped (the feature's `on_*` got them) and the
        person may open another."""
        row.answers = "{}"
        row.status = status.value
        row.open_person_id = None
        row.step = None
        row.updated_at = now
        row.expires_at = None
        await self.session.flush()

    async def drop_waiting_questions(self, row: DialogSession) -> None:
        """Questions of this session still waiting in the outbox are not sent: it asks again."""
        await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.key.startswith(f"dialog:{row.id}:", autoescape=True),
                OutboxMessage.status == OutboxStatus.PENDING.value,
            )
            .values(status=OutboxStatus.SKIPPED.value, last_error="asked again in the DM")
        )

    async def lapsing(self, now: datetime) -> list[int]:
        """Ids of open sessions whose step has waited past its expiry."""
        found = await self.session.execute(
            select(DialogSession.id).where(
                DialogSession.status == DialogStatus.OPEN.value,
                DialogSession.expires_at <= now,
            )
        )
        return list(found.scalars())
