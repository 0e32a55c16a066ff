"""check-ins, away start, nudge delay

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:43:57.155584
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("blocker", sa.Text(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_checkins_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_checkins_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_checkins_request_id_help_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint(
            "community_id", "person_id", "local_date", name=op.f("uq_checkins_community_id")
        ),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkins_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_checkins_local_date"), ["local_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("nudge_hours", sa.Integer(), server_default="4", nullable=False)
        )

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("away_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("away_since")

    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("nudge_hours")

    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkins_person_id"))
        batch_op.drop_index(batch_op.f("ix_checkins_local_date"))
        batch_op.drop_index(batch_op.f("ix_checkins_community_id"))

    op.drop_table("checkins")
