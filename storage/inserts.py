"""`INSERT … ON CONFLICT DO NOTHING RETURNING id`: rows made at most once, without a check."""

from __future__ import annotations

import functools
from typing import cast

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from storage.models import Base


def dialect_of(session: AsyncSession) -> str:
    """The session's database dialect (`sqlite` for an unbound one, as the tests' sessions)."""
    return session.bind.dialect.name if session.bind else "sqlite"


@functools.cache
def insert_if_new(model: type[Base], unique: tuple[str, ...], dialect: str) -> Executable:
    """The statement for `model` keyed by `unique`, built once per table and dialect (the hot
    paths run it on every message queued, badge earned and first message; building it cost
    about what running it does). A row it returns is one this call made."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, model.__table__)
    return insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)
