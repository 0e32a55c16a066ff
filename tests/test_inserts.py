"""Rows made by `INSERT … RETURNING` and adopted as loaded objects: no SELECT, no flush of
their own, and later changes written like any loaded object's."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import Core
from storage.inserts import adopt, dialect_of, insert_if_new, insert_row
from storage.models import Account, Person
from tests.harness import FakeClock
from tests.sql_seen import statements


async def test_an_adopted_row_is_loaded_clean_and_writable(core: Core, clock: FakeClock) -> None:
    now = clock.now()
    async with core.database.sessions() as session, session.begin():
        await session.connection()  # the transaction's BEGIN, before counting
        with statements(core) as seen:
            made = await session.execute(
                insert_row(Person), {"display_name": "Ana", "language": "es", "created_at": now}
            )
            person = adopt(session, Person, made.mappings().one())
            values = {
                "person_id": person.id,
                "platform": "console",
                "user_id": "ana",
                "display_name": "Ana",
                "created_at": now,
            }
            statement = insert_if_new(
                Account, ("platform", "user_id"), dialect_of(session), whole_row=True
            )
            account = adopt(
                session, Account, (await session.execute(statement, values)).mappings().one()
            )
            assert not session.new
            assert not session.dirty
            assert account.person is person  # from the identity map, no SQL
            assert account.dm_opted_in is False  # the column's default, returned by the INSERT
            assert await session.scalar(select(Account).where(Account.user_id == "ana")) is account
        # the last SELECT found the same object
        assert [statement.split()[0] for statement in seen] == ["INSERT", "INSERT", "SELECT"]
        person.language = "hi"
        assert await session.scalar(select(Person.language).where(Person.id == person.id)) == "hi"
        again = await session.execute(statement, values)
        assert again.mappings().first() is None  # the key is taken: nothing made, nothing adopted
    async with core.database.sessions() as session:
        stored = await session.scalar(select(Person).where(Person.id == person.id))
        assert stored is not None
        assert (stored.display_name, stored.language) == ("Ana", "hi")
