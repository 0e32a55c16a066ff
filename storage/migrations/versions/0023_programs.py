"""mentorship programs

`programs`, `program_participants` (intake answers), `program_pairs` (never the same two
twice in a program), and the pair's loop: `program_meetings`, `program_ratings`,
`program_goals`, `program_reflections` (one per pair and week), `program_pulses`,
`program_fit`, `program_closeouts`. Rows about a person cascade from `people`.

Self-contained (new tables only), so it can be re-chained when branches merge.

Revision ID: 0023
Revises: 0020
Create Date: 2026-11-29 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0023"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("reflection_weekday", sa.Integer(), nullable=False),
        sa.Column("reflection_time", sa.String(length=5), nullable=False),
        sa.Column("pairing", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("ended_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_programs_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["people.id"],
            name=op.f("fk_programs_created_by_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
    )
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programs_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_programs_status"), ["status"], unique=False)

    op.create_table(
        "program_closeouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("answered_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_program_closeouts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_closeouts_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_closeouts")),
        sa.UniqueConstraint(
            "program_id", "person_id", name=op.f("uq_program_closeouts_program_id")
        ),
    )
    with op.batch_alter_table("program_closeouts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_closeouts_program_id"), ["program_id"], unique=False
        )

    op.create_table(
        "program_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("paired_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("ended_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=64), nullable=True),
        sa.Column("intro_sent_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["people.id"],
            name=op.f("fk_program_pairs_mentee_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["people.id"],
            name=op.f("fk_program_pairs_mentor_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_pairs_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_pairs")),
        sa.UniqueConstraint(
            "program_id", "mentee_id", "mentor_id", name=op.f("uq_program_pairs_program_id")
        ),
    )
    with op.batch_alter_table("program_pairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_pairs_mentee_id"), ["mentee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_pairs_mentor_id"), ["mentor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_program_pairs_program_id"), ["program_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_program_pairs_status"), ["status"], unique=False)

    op.create_table(
        "program_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("intake", sa.String(length=16), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("wants", sa.Text(), nullable=True),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("meeting_way", sa.String(length=16), nullable=True),
        sa.Column("availability", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("wants_new_mentor", sa.Boolean(), nullable=False),
        sa.Column("joined_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_program_participants_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_participants_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_participants")),
        sa.UniqueConstraint(
            "program_id", "person_id", name=op.f("uq_program_participants_program_id")
        ),
    )
    with op.batch_alter_table("program_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_participants_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_program_participants_program_id"), ["program_id"], unique=False
        )

    op.create_table(
        "program_fit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("answered_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["program_pairs.id"],
            name=op.f("fk_program_fit_pair_id_program_pairs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_program_fit_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_fit")),
        sa.UniqueConstraint("pair_id", "person_id", name=op.f("uq_program_fit_pair_id")),
    )
    with op.batch_alter_table("program_fit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_fit_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "program_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("done_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["program_pairs.id"],
            name=op.f("fk_program_goals_pair_id_program_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_goals")),
    )
    with op.batch_alter_table("program_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_goals_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "program_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("logged_by", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("logged_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by"],
            ["people.id"],
            name=op.f("fk_program_meetings_confirmed_by_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["logged_by"],
            ["people.id"],
            name=op.f("fk_program_meetings_logged_by_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["program_pairs.id"],
            name=op.f("fk_program_meetings_pair_id_program_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_meetings")),
    )
    with op.batch_alter_table("program_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_meetings_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "program_pulses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("due_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("sent_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("answered_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("alerted_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["program_pairs.id"],
            name=op.f("fk_program_pulses_pair_id_program_pairs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_program_pulses_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_pulses")),
        sa.UniqueConstraint(
            "pair_id", "person_id", "due_at", name=op.f("uq_program_pulses_pair_id")
        ),
    )
    with op.batch_alter_table("program_pulses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_pulses_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "program_reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("due_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("sent_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("reminded_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("answered_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["program_pairs.id"],
            name=op.f("fk_program_reflections_pair_id_program_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_reflections")),
        sa.UniqueConstraint("pair_id", "week_start", name=op.f("uq_program_reflections_pair_id")),
    )
    with op.batch_alter_table("program_reflections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_reflections_pair_id"), ["pair_id"], unique=False
        )

    op.create_table(
        "program_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("rated_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["program_meetings.id"],
            name=op.f("fk_program_ratings_meeting_id_program_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_program_ratings_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_ratings")),
        sa.UniqueConstraint("meeting_id", "person_id", name=op.f("uq_program_ratings_meeting_id")),
    )
    with op.batch_alter_table("program_ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_ratings_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("program_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_ratings_meeting_id"))

    op.drop_table("program_ratings")
    with op.batch_alter_table("program_reflections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_reflections_pair_id"))

    op.drop_table("program_reflections")
    with op.batch_alter_table("program_pulses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_pulses_pair_id"))

    op.drop_table("program_pulses")
    with op.batch_alter_table("program_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_meetings_pair_id"))

    op.drop_table("program_meetings")
    with op.batch_alter_table("program_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_goals_pair_id"))

    op.drop_table("program_goals")
    with op.batch_alter_table("program_fit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_fit_pair_id"))

    op.drop_table("program_fit")
    with op.batch_alter_table("program_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_participants_program_id"))
        batch_op.drop_index(batch_op.f("ix_program_participants_person_id"))

    op.drop_table("program_participants")
    with op.batch_alter_table("program_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_pairs_status"))
        batch_op.drop_index(batch_op.f("ix_program_pairs_program_id"))
        batch_op.drop_index(batch_op.f("ix_program_pairs_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_program_pairs_mentee_id"))

    op.drop_table("program_pairs")
    with op.batch_alter_table("program_closeouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_closeouts_program_id"))

    op.drop_table("program_closeouts")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_status"))
        batch_op.drop_index(batch_op.f("ix_programs_community_id"))

    op.drop_table("programs")
