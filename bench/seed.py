"""Bulk data for the scale benchmarks, written with SQLAlchemy Core executemany (not the ORM)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.events import OutMessage
from bot.core.markup import fmt
from bot.delivery.serialize import dump_message
from storage.models import (
    Account,
    CheckIn,
    Community,
    HelpRequest,
    Membership,
    OutboxMessage,
    Person,
    PersonTopic,
    RequestTopic,
    Schedule,
    Tip,
    TipTopic,
)

CHUNK = 20_000
CHAT_BASE = -1_000_000_000
USER_BASE = 5_000_000
TOPICS = ("pricing", "design", "marketing", "sales", "legal")


@dataclass(frozen=True, slots=True)
class Scale:
    """How much data: the issue's figures times `factor`."""

    factor: float = 1.0

    def _of(self, full: int) -> int:
        return max(1, round(full * self.factor))

    @property
    def communities(self) -> int:
        return self._of(10_000)

    @property
    def people(self) -> int:
        return self._of(100_000)

    @property
    def checkins_per_person(self) -> int:
        return 10  # 1,000,000 check-ins at full scale

    @property
    def requests_per_community(self) -> int:
        return 5  # 50,000 requests at full scale

    @property
    def tips_per_community(self) -> int:
        return 2  # 20,000 tips at full scale

    def community_of(self, person: int) -> int:
        """Person ids 1..P spread evenly over community ids 1..C."""
        return (person - 1) % self.communities + 1

    def member(self, community: int, index: int) -> int:
        """The index-th person of a community (0: its organizer)."""
        return community + index * self.communities


def chat_id(community: int) -> str:
    """The Telegram group id of a seeded community."""
    return str(CHAT_BASE - community)


def user_id(person: int) -> str:
    """The Telegram user id of a seeded person."""
    return str(USER_BASE + person)


def role(scale: Scale, person: int) -> str:
    """The first member of each community organizes it, the next two mentor."""
    if person <= scale.communities:
        return "organizer"
    if person <= 3 * scale.communities:
        return "mentor"
    return "member"


async def insert_rows(
    connection: AsyncConnection, table: Any, rows: Iterator[dict[str, Any]]
) -> int:
    target: Table = table.__table__
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            await connection.execute(insert(target), batch)
            count += len(batch)
            batch = []
    if batch:
        await connection.execute(insert(target), batch)
        count += len(batch)
    return count


async def seed(engine: AsyncEngine, scale: Scale, today: date) -> dict[str, float]:
    """Writes every table the commands read; returns rows per table and the seconds it took."""
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=60)
    c, p = scale.communities, scale.people
    counts: dict[str, float] = {}
    started = time.perf_counter()
    async with engine.begin() as connection:
        counts["communities"] = await insert_rows(
            connection,
            Community,
            (
                {
                    "id": i,
                    "platform": "telegram",
                    "chat_id": chat_id(i),
                    "title": f"Makers {i}",
                    "timezone": "UTC",
                    "language": "en",
                    "last_request_number": scale.requests_per_community,
                    "created_at": long_ago,
                }
                for i in range(1, c + 1)
            ),
        )
        counts["people"] = await insert_rows(
            connection,
            Person,
            (
                {"id": i, "display_name": f"Person {i}", "created_at": long_ago}
                for i in range(1, p + 1)
            ),
        )
        counts["accounts"] = await insert_rows(
            connection,
            Account,
            (
                {
                    "id": i,
                    "person_id": i,
                    "platform": "telegram",
                    "user_id": user_id(i),
                    "username": f"user{i}",
                    "display_name": f"Person {i}",
                    "created_at": long_ago,
                }
                for i in range(1, p + 1)
            ),
        )
        counts["memberships"] = await insert_rows(
            connection,
            Membership,
            (
                {
                    "community_id": scale.community_of(i),
                    "person_id": i,
                    "role": role(scale, i),
                    "joined_at": long_ago,
                }
                for i in range(1, p + 1)
            ),
        )
        counts["person_topics"] = await insert_rows(
            connection,
            PersonTopic,
            (
                {
                    "person_id": i,
                    "kind": "skill",
                    "key": TOPICS[(i + k) % len(TOPICS)],
                    "label": TOPICS[(i + k) % len(TOPICS)],
                    "position": k,
                }
                for i in range(1, min(p, 3 * c) + 1)
                for k in range(2)
            ),
        )
        counts["checkins"] = await insert_rows(
            connection,
            CheckIn,
            (
                {
                    "community_id": scale.community_of(i),
                    "person_id": i,
                    "local_date": today - timedelta(days=d),
                    "plan": "ship the landing page",
                    "done": d % 2 == 0,
                    "created_at": now - timedelta(days=d),
                    "updated_at": now - timedelta(days=d),
                }
                for i in range(1, p + 1)
                for d in range(1, scale.checkins_per_person + 1)
            ),
        )
        requests: list[dict[str, Any]] = [
            {
                "id": (community - 1) * scale.requests_per_community + n,
                "community_id": community,
                "number": n,
                "asker_id": scale.member(community, 3 + n % 5),
                "helper_id": scale.member(community, 1) if n > 2 else None,
                "question": f"How do I price my {TOPICS[n % len(TOPICS)]} work?",
                "status": ("open", "open", "claimed", "resolved", "resolved")[n - 1],
                "created_at": now - timedelta(hours=n),
            }
            for community in range(1, c + 1)
            for n in range(1, scale.requests_per_community + 1)
        ]
        counts["help_requests"] = await insert_rows(connection, HelpRequest, iter(requests))
        counts["request_topics"] = await insert_rows(
            connection,
            RequestTopic,
            (
                {
                    "request_id": row["id"],
                    "key": TOPICS[row["number"] % len(TOPICS)],
                    "label": TOPICS[row["number"] % len(TOPICS)],
                }
                for row in requests
            ),
        )
        tips: list[dict[str, Any]] = [
            {
                "id": (community - 1) * scale.tips_per_community + n,
                "community_id": community,
                "author_id": scale.member(community, 1),
                "text": f"{TOPICS[n % len(TOPICS)].capitalize()} tip {n}: charge for outcomes, "
                "not hours; write the price down before the call.",
                "created_at": now - timedelta(days=n),
            }
            for community in range(1, c + 1)
            for n in range(1, scale.tips_per_community + 1)
        ]
        counts["tips"] = await insert_rows(connection, Tip, iter(tips))
        counts["tip_topics"] = await insert_rows(
            connection,
            TipTopic,
            (
                {
                    "tip_id": row["id"],
                    "key": TOPICS[(row["id"] - 1) % 2],
                    "label": TOPICS[(row["id"] - 1) % 2],
                }
                for row in tips
            ),
        )
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in ("communities", "people", "accounts", "help_requests", "tips"):
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            await connection.execute(text("ANALYZE"))
        else:
            await connection.execute(text("ANALYZE"))
    counts["seconds"] = time.perf_counter() - started
    return counts


async def seed_delivery(engine: AsyncEngine, scale: Scale, schedules: int, outbox: int) -> None:
    """Check-in schedules for `schedules` communities and `outbox` reminders due tomorrow."""
    now = datetime.now(UTC)
    tomorrow = now + timedelta(days=1)
    payload = dump_message(OutMessage(fmt("Reminder: the demo is **tomorrow**.", {})))
    async with engine.begin() as connection:
        await insert_rows(
            connection,
            Schedule,
            (
                {
                    "community_id": (i - 1) % scale.communities + 1,
                    "kind": "checkin",
                    "local_time": f"{i % 24:02d}:{i % 60:02d}",
                    "days": "0123456",
                    "created_at": now,
                }
                for i in range(1, schedules + 1)
            ),
        )
        await insert_rows(
            connection,
            OutboxMessage,
            (
                {
                    "key": f"bench-reminder:{i}",
                    "platform": "telegram",
                    "user_id": user_id((i - 1) % scale.people + 1),
                    "person_id": (i - 1) % scale.people + 1,
                    "payload": payload,
                    "due_at": tomorrow,
                    "next_attempt_at": tomorrow,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                }
                for i in range(1, outbox + 1)
            ),
        )
