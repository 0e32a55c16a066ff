"""accountability: partner pairs and badges

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 12:57:03.264242
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "badges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("awarded_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_badges_community_id_communities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_badges_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badges")),
        sa.UniqueConstraint("person_id", "kind", name=op.f("uq_badges_person_id")),
    )
    with op.batch_alter_table("badges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badges_person_id"), ["person_id"], unique=False)

    op.create_table(
        "partner_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("group_number", sa.Integer(), nullable=False),
        sa.Column("person_a_id", sa.Integer(), nullable=False),
        sa.Column("person_b_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_partner_pairs_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_a_id"],
            ["people.id"],
            name=op.f("fk_partner_pairs_person_a_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_b_id"],
            ["people.id"],
            name=op.f("fk_partner_pairs_person_b_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_pairs")),
        sa.UniqueConstraint(
            "community_id",
            "week_start",
            "person_a_id",
            "person_b_id",
            name=op.f("uq_partner_pairs_community_id"),
        ),
    )
    with op.batch_alter_table("partner_pairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_pairs_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_pairs_person_a_id"), ["person_a_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_pairs_person_b_id"), ["person_b_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_pairs_week_start"), ["week_start"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("partner_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_pairs_week_start"))
        batch_op.drop_index(batch_op.f("ix_partner_pairs_person_b_id"))
        batch_op.drop_index(batch_op.f("ix_partner_pairs_person_a_id"))
        batch_op.drop_index(batch_op.f("ix_partner_pairs_community_id"))

    op.drop_table("partner_pairs")
    with op.batch_alter_table("badges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badges_person_id"))

    op.drop_table("badges")
