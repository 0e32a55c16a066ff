"""guided conversations

`dialog_sessions`: one row per guided conversation (pending, open or ended) with its current
step, answers and context as JSON; `open_person_id` (unique) allows one open per person.

Self-contained (one new table), so it can be re-chained when branches merge.

Revision ID: 0020
Revises: 0013
Create Date: 2026-11-29 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0020"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dialog_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("open_person_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pointed_in_group", sa.Boolean(), nullable=False),
        sa.Column("started_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_dialog_sessions_community_id_communities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_dialog_sessions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialog_sessions")),
        sa.UniqueConstraint("open_person_id", name=op.f("uq_dialog_sessions_open_person_id")),
    )
    with op.batch_alter_table("dialog_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dialog_sessions_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dialog_sessions_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dialog_sessions_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dialog_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialog_sessions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_dialog_sessions_status"))
        batch_op.drop_index(batch_op.f("ix_dialog_sessions_person_id"))
    op.drop_table("dialog_sessions")
