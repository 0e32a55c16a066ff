"""program pairs: an index on (mentee_id, status) for the check-in's goal lookup

SQLite has no statistics unless ANALYZE runs, and with two single-column indexes it chose
`status`: every check-in read every active pair (0.52 ms at 10,000 active pairs, 0.006 ms
with this index).

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29 20:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_program_pairs_mentee_status", "program_pairs", ["mentee_id", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_program_pairs_mentee_status", table_name="program_pairs")
