"""The tables: communities, people, their platform accounts, memberships and topics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC, on every database alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), date: Date()}


class Role(StrEnum):
    """A member's role in one community, lowest first."""

    MEMBER = "member"
    MENTOR = "mentor"
    ORGANIZER = "organizer"

    @property
    def rank(self) -> int:
        """Orders roles so that `at least mentor` is a comparison."""
        return list(Role).index(self)


class TopicKind(StrEnum):
    """Whether a topic is something a person can help with or wants help with."""

    SKILL = "skill"
    INTEREST = "interest"


class Community(Base):
    """One group chat on one platform."""

    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(256), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    escalation_hours: Mapped[int] = mapped_column(Integer, default=24)
    last_request_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    nudge_hours: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    created_at: Mapped[datetime]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="community", cascade="all, delete-orphan", passive_deletes=True
    )


class Person(Base):
    """A human, who may have one account on each platform."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(256))
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    away_until: Mapped[date | None]
    away_since: Mapped[date | None]
    created_at: Mapped[datetime]

    accounts: Mapped[list[Account]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )
    topics: Mapped[list[PersonTopic]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PersonTopic.position",
    )


class Account(Base):
    """A person's identity on one platform; `dm_opted_in` once they /start the bot in a DM."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    display_name: Mapped[str] = mapped_column(String(256))
    dm_opted_in: Mapped[bool] = mapped_column(Boolean, default=False)
    dm_unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    person: Mapped[Person] = relationship(back_populates="accounts")


class Membership(Base):
    """A person's place in one community, with their role there."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("community_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER.value)
    joined_at: Mapped[datetime]

    community: Mapped[Community] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")


class PersonTopic(Base):
    """One skill or interest of a person; `key` is the normalized form used for matching."""

    __tablename__ = "person_topics"
    __table_args__ = (UniqueConstraint("person_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)

    person: Mapped[Person] = relationship(back_populates="topics")


class Schedule(Base):
    """A recurring (or one-off) job of a community; the source of truth for the scheduler."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    local_time: Mapped[str] = mapped_column(String(5))
    days: Mapped[str] = mapped_column(String(7), default="0123456")
    timezone: Mapped[str | None] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    text: Mapped[str | None] = mapped_column(Text)
    run_at: Mapped[datetime | None]
    grace_seconds: Mapped[int] = mapped_column(Integer, default=7200)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    last_fired_at: Mapped[datetime | None]
    paused_until: Mapped[date | None]
    """A repeating schedule skips every local day up to and including this date."""

    community: Mapped[Community] = relationship()


class OutboxStatus(StrEnum):
    """Where a queued message is in its life."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class OutboxMessage(Base):
    """One scheduled or broadcast message; `key` makes every delivery happen at most once."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64))
    fallback_chat_id: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    # Whose words or action the message carries: /forgetme of that person drops it too.
    about_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    grace_seconds: Mapped[int] = mapped_column(Integer, default=7200)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    message_id: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class RequestStatus(StrEnum):
    """A help request's life: open → claimed → resolved, or closed; reopen returns to open."""

    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CLOSED = "closed"


class HelpRequest(Base):
    """A member's request for help, numbered per community."""

    __tablename__ = "help_requests"
    __table_args__ = (UniqueConstraint("community_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    helper_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.OPEN.value, index=True)
    thanks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]

    community: Mapped[Community] = relationship()
    asker: Mapped[Person] = relationship(foreign_keys=[asker_id])
    helper: Mapped[Person | None] = relationship(foreign_keys=[helper_id])
    topics: Mapped[list[RequestTopic]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="RequestTopic.id"
    )


class RequestTopic(Base):
    """A topic of a request, used to route it to members with that skill."""

    __tablename__ = "request_topics"
    __table_args__ = (UniqueConstraint("request_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(64))


class Kudos(Base):
    """Thanks from one person to another: for resolved help (`request_id`) or by /kudos."""

    __tablename__ = "kudos"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    giver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    receiver_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class CheckIn(Base):
    """A person's plan for one local day in one community, maybe done, maybe blocked."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("community_id", "person_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    plan: Mapped[str] = mapped_column(Text, default="")
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_note: Mapped[str | None] = mapped_column(Text)
    blocker: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("help_requests.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Tip(Base):
    """A mentor's tip in one community's library; `/tip all` stores one row per community."""

    __tablename__ = "tips"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    source_request_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]

    author: Mapped[Person] = relationship()
    topics: Mapped[list[TipTopic]] = relationship(
        back_populates="tip",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="TipTopic.id",
    )


class TipTopic(Base):
    """One `#topic` of a tip; `key` is the normalized form that `/tips #topic` matches."""

    __tablename__ = "tip_topics"
    __table_args__ = (UniqueConstraint("tip_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(64))

    tip: Mapped[Tip] = relationship(back_populates="topics")


class TipVote(Base):
    """One person found one tip helpful; at most one per person and tip."""

    __tablename__ = "tip_votes"
    __table_args__ = (UniqueConstraint("tip_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class TipPost(Base):
    """The tip of the day posted a tip in a community, so the drip knows what is new there."""

    __tablename__ = "tip_posts"
    __table_args__ = (Index("ix_tip_posts_community_tip", "community_id", "tip_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    posted_at: Mapped[datetime]


TIP_SEARCH_TABLE = "tips_fts"
TIP_SEARCH_INDEX = "ix_tips_search"


def managed_by_models(name: str | None, type_: str, parent_names: object) -> bool:
    """Keeps the raw-SQL full-text objects (FTS5 table, GIN index) out of autogenerate diffs."""
    if name is None:
        return True
    if type_ == "table":
        return name != TIP_SEARCH_TABLE and not name.startswith(f"{TIP_SEARCH_TABLE}_")
    if type_ == "index":
        return name != TIP_SEARCH_INDEX
    return True


class LinkCode(Base):
    """A one-time code that joins another platform's account to the person who asked for it.

    Only a SHA-256 of the code is stored, so a database leak reveals no usable code.
    """

    __tablename__ = "link_codes"
    __table_args__ = (UniqueConstraint("code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PartnerPair(Base):
    """Two people paired for one week in one community; a trio is three pairs, one group."""

    __tablename__ = "partner_pairs"
    __table_args__ = (UniqueConstraint("community_id", "week_start", "person_a_id", "person_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[date] = mapped_column(Date, index=True)
    group_number: Mapped[int] = mapped_column(Integer)
    person_a_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    person_b_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]


class Badge(Base):
    """A badge a person earned; each kind at most once per person, announced where earned."""

    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL")
    )
    awarded_at: Mapped[datetime]


class Bridge(Base):
    """Two communities (usually one per platform) that share requests, tips and the board."""

    __tablename__ = "bridges"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Requests are numbered per bridge while it lasts, so #N names one request on both sides.
    last_request_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]


class BridgeMember(Base):
    """One community's place in a bridge; a community is in at most one."""

    __tablename__ = "bridge_members"
    __table_args__ = (UniqueConstraint("community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bridge_id: Mapped[int] = mapped_column(ForeignKey("bridges.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime]


class BridgeCode(Base):
    """An organizer's one-time offer to bridge their community; only a SHA-256 is stored."""

    __tablename__ = "bridge_codes"
    __table_args__ = (UniqueConstraint("code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    issued_by: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class RequestEvent(Base):
    """One step in a request's life (claimed, unclaimed, resolved, closed, reopened, edited).

    Opening and escalation are read from the request's own columns; `actor_id` empties when
    the actor uses `/forgetme`.
    """

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime]

    actor: Mapped[Person | None] = relationship()


class PagedQuery(Base):
    """A list's query too long for a button's payload, kept under its hash so pages survive
    restarts."""

    __tablename__ = "paged_queries"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ReminderStatus(StrEnum):
    """A personal reminder's life: pending until its DM goes out (done) or it is cancelled."""

    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class Reminder(Base):
    """A personal reminder; `number` is the person's own #N in `/reminders` and `/remind off`.

    The DM itself waits in the outbox under `outbox_key`; this row is what people manage.
    """

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("person_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=ReminderStatus.PENDING.value)
    outbox_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class DialogStatus(StrEnum):
    """A guided conversation's life: waiting its turn, open, then one of three ends."""

    PENDING = "pending"
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"


class DialogSession(Base):
    """One person's guided conversation: where it runs, its step, answers and context (JSON).

    `open_person_id` is the person's id while the session is open and NULL otherwise; its
    unique constraint keeps one conversation open per person on every database.
    """

    __tablename__ = "dialog_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    open_person_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    answers: Mapped[str] = mapped_column(Text, default="{}")
    context: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), index=True)
    pointed_in_group: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime | None] = mapped_column(index=True)


class SendSlot(Base):
    """The next free moment (epoch seconds, the database's clock) to send on a platform.

    Processes sharing PostgreSQL reserve their sends here one slot at a time, so a
    platform's overall limit holds across all of them, not per process.
    """

    __tablename__ = "send_slots"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_at: Mapped[float] = mapped_column(Double)


# Program and dashboard tables live in their own modules; importing them registers them.
from storage import dashboard_models as dashboard_models  # noqa: E402
from storage import program_models as program_models  # noqa: E402
