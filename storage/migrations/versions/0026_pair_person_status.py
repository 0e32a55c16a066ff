"""program pairs: indexes on (mentee_id, status) and (mentor_id, status)

The check-in's goal lookup and every program command's "my active pairs" filter on a person
and the status. SQLite has no statistics unless ANALYZE runs, and with single-column indexes
it chose `status`: each read every active pair (0.52 ms at 10,000 active pairs, 0.006 ms
with these indexes).

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
    for side in ("mentee", "mentor"):
        op.create_index(
            f"ix_program_pairs_{side}_status", "program_pairs", [f"{side}_id", "status"]
        )


def downgrade() -> None:
    for side in ("mentee", "mentor"):
        op.drop_index(f"ix_program_pairs_{side}_status", table_name="program_pairs")
