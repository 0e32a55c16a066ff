"""Alembic environment: runs on the connection the app hands over."""

from __future__ import annotations

from alembic import context

from storage.models import Base, managed_by_models

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through storage.db (mentorbot db upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=managed_by_models,
)
with context.begin_transaction():
    context.run_migrations()
