"""`INSERT … ON CONFLICT DO NOTHING RETURNING`: rows made at most once, without a check."""

from __future__ import annotations

import functools
from typing import TypeVar, cast

from sqlalchemy import Table, inspect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql import Executable

from storage.models import Base

Model = TypeVar("Model", bound=Base)


def dialect_of(session: AsyncSession) -> str:
    """The session's database dialect (`sqlite` for an unbound one, as the tests' sessions)."""
    return session.bind.dialect.name if session.bind else "sqlite"


@functools.cache
def insert_if_new(
    model: type[Base], unique: tuple[str, ...], dialect: str, *, whole_row: bool = False
) -> Executable:
    """The statement for `model` keyed by `unique`, built once per table and dialect (the hot
    paths run it on every message queued, badge earned and first message; building it cost
    about what running it does). A row it returns is one this call made: its id, or with
    `whole_row` every column, so the caller can `adopt` it unselected."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, model.__table__)
    returned = table.c if whole_row else (table.c.id,)
    return insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(*returned)


@functools.cache
def insert_row(model: type[Base]) -> Executable:
    """A plain `INSERT … RETURNING` of every column, for a row no key can make twice."""
    table = cast(Table, model.__table__)
    return table.insert().returning(*table.c)


@functools.cache
def _attribute_of_column(model: type[Base]) -> tuple[tuple[str, str], ...]:
    """(attribute, column) names of the model's columns, read from its mapper once."""
    mapper = inspect(model)
    return tuple((attribute.key, attribute.columns[0].key) for attribute in mapper.column_attrs)


def adopt(session: AsyncSession, model: type[Model], row: RowMapping) -> Model:
    """The ORM object of a row this transaction just inserted with `RETURNING` every column,
    made persistent in the session as if loaded: no SELECT after the INSERT, and no unit of
    work flushing it (a first message's person, account and membership paid both)."""
    instance = model(**{key: row[column] for key, column in _attribute_of_column(model)})
    make_transient_to_detached(instance)  # history reset: nothing left to flush
    session.add(instance)
    return instance
