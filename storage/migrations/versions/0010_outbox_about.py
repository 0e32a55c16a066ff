"""outbox: whose words a queued message carries, so /forgetme drops it too

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 15:17:56.514005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("about_person_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_about_person_id"), ["about_person_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_about_person_id_people"),
            "people",
            ["about_person_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_about_person_id_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_about_person_id"))
        batch_op.drop_column("about_person_id")
