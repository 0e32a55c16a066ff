"""bridges: organizers join communities so they share requests, tips and the board

Self-contained (three new tables), so it can be re-chained when branches merge.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 14:53:55.273994
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bridges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_request_number", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bridges")),
    )
    op.create_table(
        "bridge_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("used_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_bridge_codes_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["people.id"],
            name=op.f("fk_bridge_codes_issued_by_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bridge_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_bridge_codes_code_hash")),
    )
    with op.batch_alter_table("bridge_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bridge_codes_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bridge_codes_issued_by"), ["issued_by"], unique=False)

    op.create_table(
        "bridge_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bridge_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bridge_id"],
            ["bridges.id"],
            name=op.f("fk_bridge_members_bridge_id_bridges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_bridge_members_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bridge_members")),
        sa.UniqueConstraint("community_id", name=op.f("uq_bridge_members_community_id")),
    )
    with op.batch_alter_table("bridge_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bridge_members_bridge_id"), ["bridge_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("bridge_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bridge_members_bridge_id"))

    op.drop_table("bridge_members")
    with op.batch_alter_table("bridge_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bridge_codes_issued_by"))
        batch_op.drop_index(batch_op.f("ix_bridge_codes_community_id"))

    op.drop_table("bridge_codes")
    op.drop_table("bridges")
