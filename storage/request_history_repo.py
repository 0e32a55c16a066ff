"""A request's history: the steps people took on it, for `/request <N>`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import OutboxMessage, OutboxStatus, RequestEvent

_REACHED = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value, OutboxStatus.SENT.value)


@dataclass(frozen=True, slots=True)
class DirectlyTold:
    """A person who got a request by DM, and where."""

    platform: str
    user_id: str
    person_id: int


class RequestStep(StrEnum):
    """What happened to a request; opening and escalation come from its own columns."""

    CLAIMED = "claimed"
    UNCLAIMED = "unclaimed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    EDITED = "edited"
    RELEASED = "released"
    """Open again because the bridge to its helper's community ended (no actor)."""


class RequestHistory:
    """Writes and reads the steps of requests, for one unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self, request_id: int, step: RequestStep, actor_id: int | None, at: datetime
    ) -> None:
        """Notes one step, in the same transaction as the change it describes."""
        self.session.add(
            RequestEvent(request_id=request_id, kind=step.value, actor_id=actor_id, at=at)
        )
        await self.session.flush()

    async def told_about(self, request_id: int) -> list[DirectlyTold]:
        """Everyone who was sent the question by DM (matching helpers, re-announced mentors,
        a claimer), once each, from the outbox rows that carried it."""
        prefixes = (f"ask:{request_id}:", f"escalate:{request_id}:", f"claim:{request_id}:")
        rows = await self.session.execute(
            select(OutboxMessage.platform, OutboxMessage.user_id, OutboxMessage.person_id)
            .where(
                or_(*(OutboxMessage.key.startswith(p, autoescape=True) for p in prefixes)),
                OutboxMessage.user_id.is_not(None),
                OutboxMessage.person_id.is_not(None),
                OutboxMessage.status.in_(_REACHED),
            )
            .order_by(OutboxMessage.id)
        )
        told: dict[int, DirectlyTold] = {}
        for platform, user_id, person_id in rows.all():
            if person_id is not None and user_id is not None and person_id not in told:
                told[person_id] = DirectlyTold(platform, user_id, person_id)
        return list(told.values())

    async def of(self, request_id: int) -> Sequence[RequestEvent]:
        """A request's steps, oldest first, with who took them."""
        found = await self.session.scalars(
            select(RequestEvent)
            .options(selectinload(RequestEvent.actor))
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.at, RequestEvent.id)
        )
        return list(found)
