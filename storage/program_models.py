"""Mentorship program tables: programs, participants, pairs and the pair's weekly loop.

Imported at the end of `storage.models`, so `Base.metadata` (migrations, tests) holds them.
Every row about a person cascades from `people`, so `/forgetme` removes program data.
JSON columns hold small documents (lists of topics, availability windows, dialog answers).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class ProgramStatus(StrEnum):
    """A program's life: open for joining, running (pairs exist), ended."""

    OPEN = "open"
    RUNNING = "running"
    ENDED = "ended"


class PairingMode(StrEnum):
    """Whether proposals wait for an organizer's approval or are approved at once."""

    APPROVE = "approve"
    AUTO = "auto"


class ProgramRole(StrEnum):
    """A participant's side of a program; one per person and program."""

    MENTOR = "mentor"
    MENTEE = "mentee"


class IntakeStatus(StrEnum):
    """Where a participant's intake stands; only complete intakes are matched."""

    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    WITHDRAWN = "withdrawn"


class MeetingWay(StrEnum):
    """How a participant prefers to meet."""

    VIDEO = "video"
    PHONE = "phone"
    CHAT = "chat"
    IN_PERSON = "in_person"


class PairStatus(StrEnum):
    """A pair's life: proposed (awaiting approval), active, ended."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


class ReflectionStatus(StrEnum):
    """One week's reflection: due, sent to the mentee, answered, missed, or undeliverable
    (the mentee's DM failed: blocked the bot or closed DMs; answered later if they return)."""

    DUE = "due"
    SENT = "sent"
    ANSWERED = "answered"
    MISSED = "missed"
    UNDELIVERABLE = "undeliverable"


class FitAnswer(StrEnum):
    """The mentee's answer to the fit question after the first meeting."""

    GOOD = "good"
    NOT_SURE = "not_sure"
    ANOTHER = "another"


class Program(Base):
    """A mentorship program in one community (bridged communities share it).

    `reflection_weekday` is 0 (Monday) to 6 and `reflection_time` a local `HH:MM`, both read
    in each mentee's own zone; `weeks` is 4–52.
    """

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=ProgramStatus.OPEN.value, index=True)
    starts_on: Mapped[date]
    weeks: Mapped[int] = mapped_column(Integer, default=12)
    reflection_weekday: Mapped[int] = mapped_column(Integer, default=0)
    reflection_time: Mapped[str] = mapped_column(String(5), default="18:00")
    pairing: Mapped[str] = mapped_column(String(16), default=PairingMode.APPROVE.value)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class ProgramParticipant(Base):
    """One person's place in a program, with their intake answers.

    `topics` and `languages` are JSON lists; `availability` is JSON
    `{"zone": "Asia/Taipei", "windows": [{"weekday": 0, "start": "18:00", "end": "20:00"}]}`
    in the person's own time. Mentees have `goal`; mentors `capacity` (1–5) and an optional
    `wants`. `wants_new_mentor` puts a mentee in the next round (the fit question).
    """

    __tablename__ = "program_participants"
    __table_args__ = (UniqueConstraint("program_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    intake: Mapped[str] = mapped_column(String(16), default=IntakeStatus.IN_PROGRESS.value)
    topics: Mapped[str] = mapped_column(Text, default="[]")
    goal: Mapped[str | None] = mapped_column(Text)
    wants: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[str] = mapped_column(Text, default="[]")
    meeting_way: Mapped[str | None] = mapped_column(String(16))
    availability: Mapped[str] = mapped_column(Text, default="{}")
    capacity: Mapped[int | None] = mapped_column(Integer)
    wants_new_mentor: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProgramPair(Base):
    """A mentee and a mentor of one program; never the same two twice in a program.

    `reasons` is JSON `{"topics": [...], "language": "en", "overlap_hours": 3}`.
    """

    __tablename__ = "program_pairs"
    __table_args__ = (
        UniqueConstraint("program_id", "mentee_id", "mentor_id"),
        # Every check-in looks up the mentee's active pair, every program command the person's
        # (either side); SQLite without statistics chose the status index (every active pair
        # of every program) over the person's.
        Index("ix_program_pairs_mentee_status", "mentee_id", "status"),
        Index("ix_program_pairs_mentor_status", "mentor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default=PairStatus.PROPOSED.value, index=True)
    proposed_at: Mapped[datetime]
    paired_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(64))
    intro_sent_at: Mapped[datetime | None]


class ProgramMeeting(Base):
    """A meeting one side of a pair logged; it counts once the other confirms."""

    __tablename__ = "program_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("program_pairs.id", ondelete="CASCADE"), index=True
    )
    logged_by: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    note: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class ProgramRating(Base):
    """One person's private 1–4 rating of a meeting; organizers see only aggregates."""

    __tablename__ = "program_ratings"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("program_meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(Integer)
    rated_at: Mapped[datetime]


class ProgramGoal(Base):
    """The pair's goal, set by the mentee: text, optional target date, progress 0–100."""

    __tablename__ = "program_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("program_pairs.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    target_on: Mapped[date | None]
    progress: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProgramReflection(Base):
    """A pair's weekly reflection; at most one per pair and week (`week_start` a Monday).

    `answers` is JSON of the four steps (did, blocker, next, help); seen by the pair only.
    """

    __tablename__ = "program_reflections"
    __table_args__ = (UniqueConstraint("pair_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("program_pairs.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default=ReflectionStatus.DUE.value)
    answers: Mapped[str] = mapped_column(Text, default="{}")
    due_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]


class ProgramPulse(Base):
    """A 1–5 health question to one side of a pair (30 days after pairing, then every 60)."""

    __tablename__ = "program_pulses"
    __table_args__ = (UniqueConstraint("pair_id", "person_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("program_pairs.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    score: Mapped[int | None] = mapped_column(Integer)
    alerted_at: Mapped[datetime | None]


class ProgramFit(Base):
    """A mentee's answer to "how is the fit?" after the pair's first confirmed meeting."""

    __tablename__ = "program_fit"
    __table_args__ = (UniqueConstraint("pair_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("program_pairs.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime]


class ProgramCloseout(Base):
    """A participant's close-out answers (JSON: usefulness 1–5, one thing to keep or change)."""

    __tablename__ = "program_closeouts"
    __table_args__ = (UniqueConstraint("program_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    answers: Mapped[str] = mapped_column(Text, default="{}")
    answered_at: Mapped[datetime]
