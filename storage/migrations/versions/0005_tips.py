"""tips: library, topics, helpful votes, tip-of-the-day log, and full-text search

Full-text search is raw SQL per dialect (autogenerate cannot express it):
SQLite gets an external-content FTS5 table kept in sync by triggers; PostgreSQL gets a
GIN index on to_tsvector('english', text). `storage.models.managed_by_models` keeps both
out of autogenerate diffs.

Revision ID: 0003_tips
Revises: 0002
Create Date: 2026-11-23 12:39:27.618700
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_tips_author_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_tips_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tips")),
    )
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tips_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tips_community_id"), ["community_id"], unique=False)

    op.create_table(
        "tip_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("posted_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_tip_posts_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_posts_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_posts")),
    )
    with op.batch_alter_table("tip_posts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tip_posts_community_tip", ["community_id", "tip_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tip_posts_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "tip_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_topics_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_topics")),
        sa.UniqueConstraint("tip_id", "key", name=op.f("uq_tip_topics_tip_id")),
    )
    with op.batch_alter_table("tip_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_topics_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_tip_topics_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "tip_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_tip_votes_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_votes_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_votes")),
        sa.UniqueConstraint("tip_id", "person_id", name=op.f("uq_tip_votes_tip_id")),
    )
    with op.batch_alter_table("tip_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_votes_person_id"), ["person_id"], unique=False)

    _create_search()


def downgrade() -> None:
    _drop_search()
    with op.batch_alter_table("tip_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_votes_person_id"))

    op.drop_table("tip_votes")
    with op.batch_alter_table("tip_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_topics_tip_id"))
        batch_op.drop_index(batch_op.f("ix_tip_topics_key"))

    op.drop_table("tip_topics")
    with op.batch_alter_table("tip_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_posts_tip_id"))
        batch_op.drop_index("ix_tip_posts_community_tip")

    op.drop_table("tip_posts")
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tips_community_id"))
        batch_op.drop_index(batch_op.f("ix_tips_author_id"))

    op.drop_table("tips")


SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE tips_fts USING fts5(text, content='tips', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER tips_fts_insert AFTER INSERT ON tips BEGIN "
    "INSERT INTO tips_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER tips_fts_delete AFTER DELETE ON tips BEGIN "
    "INSERT INTO tips_fts(tips_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER tips_fts_update AFTER UPDATE OF text ON tips BEGIN "
    "INSERT INTO tips_fts(tips_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO tips_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO tips_fts(tips_fts) VALUES ('rebuild')",
)
POSTGRES_SEARCH = ("CREATE INDEX ix_tips_search ON tips USING gin (to_tsvector('english', text))",)


def _create_search() -> None:
    dialect = op.get_bind().dialect.name
    statements = SQLITE_SEARCH if dialect == "sqlite" else POSTGRES_SEARCH
    for statement in statements:
        op.execute(statement)


def _drop_search() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("tips_fts_insert", "tips_fts_delete", "tips_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS tips_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_tips_search")
