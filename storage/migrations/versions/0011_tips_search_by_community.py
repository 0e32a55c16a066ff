"""tips: full-text search restricted to the asking communities inside the index

On SQLite, `/tips` used to match a word across every community's tips and only then keep
the asking community's. The FTS5 table gets the tip's community id as a second column, so
the MATCH itself names the communities (`community_id : ("12") AND text : (...)`).
PostgreSQL needs nothing: its planner already starts from ix_tips_community_id and checks
the text of those rows only (EXPLAIN ANALYZE on the bench's 20,000 tips: 2 rows read).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 15:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS tips_fts_insert",
    "DROP TRIGGER IF EXISTS tips_fts_delete",
    "DROP TRIGGER IF EXISTS tips_fts_update",
    "DROP TABLE IF EXISTS tips_fts",
)
_SQLITE_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE tips_fts USING fts5(text, community_id, content='tips', "
    f"content_rowid='id', {_SQLITE_TOKENIZE})",
    "CREATE TRIGGER tips_fts_insert AFTER INSERT ON tips BEGIN "
    "INSERT INTO tips_fts(rowid, text, community_id) "
    "VALUES (new.id, new.text, new.community_id); END",
    "CREATE TRIGGER tips_fts_delete AFTER DELETE ON tips BEGIN "
    "INSERT INTO tips_fts(tips_fts, rowid, text, community_id) "
    "VALUES ('delete', old.id, old.text, old.community_id); END",
    "CREATE TRIGGER tips_fts_update AFTER UPDATE OF text, community_id ON tips BEGIN "
    "INSERT INTO tips_fts(tips_fts, rowid, text, community_id) "
    "VALUES ('delete', old.id, old.text, old.community_id); "
    "INSERT INTO tips_fts(rowid, text, community_id) "
    "VALUES (new.id, new.text, new.community_id); END",
    "INSERT INTO tips_fts(tips_fts) VALUES ('rebuild')",
)
SQLITE_PREVIOUS = (
    f"CREATE VIRTUAL TABLE tips_fts USING fts5(text, content='tips', content_rowid='id', "
    f"{_SQLITE_TOKENIZE})",
    "CREATE TRIGGER tips_fts_insert AFTER INSERT ON tips BEGIN "
    "INSERT INTO tips_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER tips_fts_delete AFTER DELETE ON tips BEGIN "
    "INSERT INTO tips_fts(tips_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER tips_fts_update AFTER UPDATE OF text ON tips BEGIN "
    "INSERT INTO tips_fts(tips_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO tips_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO tips_fts(tips_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in (*_SQLITE_DROP, *SQLITE_SEARCH):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in (*_SQLITE_DROP, *SQLITE_PREVIOUS):
            op.execute(statement)
