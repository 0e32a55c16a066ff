"""help requests and kudos

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:37:35.359788
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "help_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("thanks", sa.Text(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("claimed_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("resolved_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("escalated_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"],
            ["people.id"],
            name=op.f("fk_help_requests_asker_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_help_requests_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["helper_id"],
            ["people.id"],
            name=op.f("fk_help_requests_helper_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_requests")),
        sa.UniqueConstraint("community_id", "number", name=op.f("uq_help_requests_community_id")),
    )
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_requests_asker_id"), ["asker_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_help_requests_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_help_requests_helper_id"), ["helper_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_help_requests_status"), ["status"], unique=False)

    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_kudos_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["people.id"], name=op.f("fk_kudos_giver_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["people.id"],
            name=op.f("fk_kudos_receiver_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_kudos_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kudos_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kudos_giver_id"), ["giver_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kudos_receiver_id"), ["receiver_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kudos_request_id"), ["request_id"], unique=False)

    op.create_table(
        "request_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_request_topics_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_topics")),
        sa.UniqueConstraint("request_id", "key", name=op.f("uq_request_topics_request_id")),
    )
    with op.batch_alter_table("request_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_topics_request_id"), ["request_id"], unique=False
        )

    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_request_number", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("last_request_number")

    with op.batch_alter_table("request_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_topics_request_id"))

    op.drop_table("request_topics")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kudos_request_id"))
        batch_op.drop_index(batch_op.f("ix_kudos_receiver_id"))
        batch_op.drop_index(batch_op.f("ix_kudos_giver_id"))
        batch_op.drop_index(batch_op.f("ix_kudos_community_id"))

    op.drop_table("kudos")
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_requests_status"))
        batch_op.drop_index(batch_op.f("ix_help_requests_helper_id"))
        batch_op.drop_index(batch_op.f("ix_help_requests_community_id"))
        batch_op.drop_index(batch_op.f("ix_help_requests_asker_id"))

    op.drop_table("help_requests")
