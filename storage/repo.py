"""Repository functions the core calls; the core never builds SQL itself."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import bindparam, delete, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storage.inserts import adopt, dialect_of, insert_if_new, insert_row
from storage.models import (
    Account,
    Badge,
    Base,
    Community,
    Membership,
    OutboxMessage,
    PartnerPair,
    Person,
    PersonTopic,
    Role,
    TopicKind,
)
from storage.tips_repo import TipLibrary

Row = TypeVar("Row", bound=Base)


@dataclass(frozen=True, slots=True)
class NewCommunityDefaults:
    """What a community starts with when the bot first sees it."""

    timezone: str
    language: str


@dataclass(frozen=True, slots=True)
class Arrival:
    """Who acts and where: the account (person loaded), and in a group its community and
    the person's membership there."""

    account: Account
    community: Community | None
    membership: Membership | None
    joined_now: bool


class Repository:
    """All reads and writes for one unit of work (one inbound event)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def community(self, platform: str, chat_id: str) -> Community | None:
        """The community for a chat, if the bot has seen it."""
        return await self.session.scalar(
            select(Community).where(Community.platform == platform, Community.chat_id == chat_id)
        )

    async def ensure_community(
        self,
        platform: str,
        chat_id: str,
        title: str,
        defaults: NewCommunityDefaults,
        now: datetime,
        *,
        absent: bool = False,
    ) -> tuple[Community, bool]:
        """Finds or registers the community; the flag tells whether it is new.

        `absent`: the caller has just found no community, so only the insert is tried.
        """
        found = None if absent else await self.community(platform, chat_id)
        if found is not None:
            if title and found.title != title:
                found.title = title[:256]
            return found, False
        values = {
            "platform": platform,
            "chat_id": chat_id,
            "title": title[:256],
            "timezone": defaults.timezone,
            "language": defaults.language,
            "created_at": now,
        }
        made = await self._insert_new(Community, values, ("platform", "chat_id"))
        if made is not None:
            return made, True
        community = await self.community(platform, chat_id)  # a concurrent first message's
        if community is None:  # pragma: no cover - the row exists: the insert found it
            raise RuntimeError(f"community {platform}:{chat_id} vanished during arrival")
        return community, False

    async def move_community_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> bool:
        """Keeps a community's data when its chat gets a new id (group → supergroup)."""
        found = await self.community(platform, old_chat_id)
        if found is None or await self.community(platform, new_chat_id) is not None:
            return False
        found.chat_id = new_chat_id
        await self.session.flush()
        return True

    async def account(self, platform: str, user_id: str) -> Account | None:
        """The account for a platform user, with its person loaded."""
        return await self.session.scalar(
            select(Account)
            .options(selectinload(Account.person))
            .where(Account.platform == platform, Account.user_id == user_id)
        )

    async def arrival(
        self,
        platform: str,
        user_id: str,
        sender: tuple[str, str | None],
        group: tuple[str, str] | None,
        defaults: NewCommunityDefaults,
        now: datetime,
        language: str | None = None,
    ) -> Arrival:
        """Loads (or registers) the sender's account and, for a group `(chat_id, title)`, the
        community and membership: one statement for a known sender, one more for each row a
        first message makes (`language`: a new person's, from the platform's hint)."""
        display_name, username = sender
        account, community, membership = await self._known(
            platform, user_id, None if group is None else group[0]
        )
        if account is None:
            account = await self._new_account(
                platform, user_id, display_name, username, now, language
            )
        else:
            _rename(account, display_name, username)
        if group is None:
            return Arrival(account, None, None, joined_now=False)
        chat_id, title = group
        if community is None:
            community, _ = await self.ensure_community(
                platform, chat_id, title, defaults, now, absent=True
            )
        elif title and community.title != title:
            community.title = title[:256]
        joined_now = False
        if membership is None:
            membership, joined_now = await self.ensure_membership(
                community, account.person, now, absent=True
            )
        return Arrival(account, community, membership, joined_now)

    async def _known(
        self, platform: str, user_id: str, chat_id: str | None
    ) -> tuple[Account | None, Community | None, Membership | None]:
        """Account (person loaded), community and membership, whichever exist, in one SELECT."""
        params = {"platform": platform, "user_id": user_id}
        if chat_id is None:
            return await self.session.scalar(_KNOWN_ACCOUNT, params), None, None
        row = (await self.session.execute(_KNOWN_IN_CHAT, {**params, "chat_id": chat_id})).one()
        return row[0], row[1], row[2]

    async def account_of(self, person_id: int, platform: str) -> Account | None:
        """The person's account on one platform, if they have one."""
        return await self.session.scalar(
            select(Account).where(Account.person_id == person_id, Account.platform == platform)
        )

    async def display_names(self, person_ids: Collection[int], platform: str) -> dict[int, str]:
        """Each person's display name on one platform, in one query (absent: no account)."""
        if not person_ids:
            return {}
        rows = await self.session.execute(
            _DISPLAY_NAMES, {"platform": platform, "person_ids": list(person_ids)}
        )
        return {person_id: name for person_id, name in rows}

    async def ensure_account(
        self,
        platform: str,
        user_id: str,
        display_name: str,
        username: str | None,
        now: datetime,
    ) -> Account:
        """Finds the account (refreshing its names) or creates it with a new person."""
        found = await self.account(platform, user_id)
        if found is not None:
            _rename(found, display_name, username)
            return found
        return await self._new_account(platform, user_id, display_name, username, now)

    async def _new_account(
        self,
        platform: str,
        user_id: str,
        display_name: str,
        username: str | None,
        now: datetime,
        language: str | None = None,
    ) -> Account:
        """A first-seen platform user: a new person with this one account."""
        person = {"display_name": display_name[:256], "language": language, "created_at": now}
        row = (await self.session.execute(insert_row(Person), person)).mappings().one()
        values = {
            "person_id": row["id"],
            "platform": platform,
            "user_id": user_id,
            "username": _handle(username),
            "display_name": display_name[:256],
            "created_at": now,
        }
        account = await self._insert_new(Account, values, ("platform", "user_id"))
        if account is not None:
            # as loaded, not as a change: a change would make every later query flush
            set_committed_value(account, "person", adopt(self.session, Person, row))
            return account
        # The same user's concurrent first message won: its person is the one.
        await self.session.execute(delete(Person).where(Person.id == row["id"]))
        account = await self.account(platform, user_id)
        if account is None:  # pragma: no cover - the row exists: the insert found it
            raise RuntimeError(f"account {platform}:{user_id} vanished during arrival")
        return account

    async def membership(self, community_id: int, person_id: int) -> Membership | None:
        """The person's membership in the community, if any."""
        return await self.session.scalar(
            select(Membership).where(
                Membership.community_id == community_id, Membership.person_id == person_id
            )
        )

    async def ensure_membership(
        self, community: Community, person: Person, now: datetime, *, absent: bool = False
    ) -> tuple[Membership, bool]:
        """Joins the person to the community as a member; the flag tells whether it is new.

        `absent`: the caller has just found no membership, so only the insert is tried.
        """
        found = None if absent else await self.membership(community.id, person.id)
        if found is not None:
            return found, False
        values = {
            "community_id": community.id,
            "person_id": person.id,
            "role": Role.MEMBER.value,
            "joined_at": now,
        }
        made = await self._insert_new(Membership, values, ("community_id", "person_id"))
        if made is not None:
            return made, True
        membership = await self.membership(community.id, person.id)  # a concurrent one's
        if membership is None:  # pragma: no cover - the row exists: the insert found it
            raise RuntimeError(f"membership {community.id}/{person.id} vanished during arrival")
        return membership, False

    async def _insert_new(
        self, model: type[Row], values: dict[str, object], unique: tuple[str, ...]
    ) -> Row | None:
        """`INSERT … ON CONFLICT DO NOTHING RETURNING` the row: its object, if this transaction
        made it (no SELECT after it), else None.

        Two first messages at once (Discord has no per-chat lanes) both find nothing; with
        a plain INSERT the second would fail on the unique key. On PostgreSQL it waits for
        the first to commit and then inserts nothing; the caller then selects that row.
        """
        statement = insert_if_new(model, unique, dialect_of(self.session), whole_row=True)
        row = (await self.session.execute(statement, values)).mappings().first()
        return None if row is None else adopt(self.session, model, row)

    async def member_count(self, community_id: int) -> int:
        """How many people belong to the community."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.community_id == community_id)
        )
        return int(count or 0)

    async def member_by_handle(
        self, community_id: int, platform: str, handle: str
    ) -> tuple[Account, Membership] | None:
        """A member of the community found by @username or display name on this platform."""
        wanted = handle.lower().lstrip("@")
        rows = await self.session.execute(
            select(Account, Membership)
            .join(Membership, Membership.person_id == Account.person_id)
            .options(selectinload(Account.person))
            .where(Membership.community_id == community_id, Account.platform == platform)
            .where((Account.username == wanted) | (func.lower(Account.display_name) == wanted))
            .order_by(Account.username == wanted)
        )
        found = rows.first()
        return None if found is None else (found[0], found[1])

    async def member_by_user_id(
        self, community_id: int, platform: str, user_id: str
    ) -> tuple[Account, Membership] | None:
        """A member of the community found by their platform user id."""
        rows = await self.session.execute(
            select(Account, Membership)
            .join(Membership, Membership.person_id == Account.person_id)
            .options(selectinload(Account.person))
            .where(
                Membership.community_id == community_id,
                Account.platform == platform,
                Account.user_id == user_id,
            )
        )
        found = rows.first()
        return None if found is None else (found[0], found[1])

    async def topics(self, person_id: int, kind: TopicKind) -> list[PersonTopic]:
        """A person's skills or interests, in the order they gave them."""
        result = await self.session.scalars(
            select(PersonTopic)
            .where(PersonTopic.person_id == person_id, PersonTopic.kind == kind.value)
            .order_by(PersonTopic.position)
        )
        return list(result)

    async def replace_topics(
        self, person_id: int, kind: TopicKind, topics: Sequence[tuple[str, str]]
    ) -> None:
        """Replaces a person's skills or interests with (key, label) pairs."""
        await self.session.execute(
            delete(PersonTopic).where(
                PersonTopic.person_id == person_id, PersonTopic.kind == kind.value
            )
        )
        for position, (key, label) in enumerate(topics):
            self.session.add(
                PersonTopic(
                    person_id=person_id, kind=kind.value, key=key, label=label, position=position
                )
            )
        await self.session.flush()

    async def memberships_of(self, person_id: int) -> list[Membership]:
        """Every community the person belongs to."""
        result = await self.session.scalars(
            select(Membership)
            .options(selectinload(Membership.community))
            .where(Membership.person_id == person_id)
        )
        return list(result)

    async def known_languages(
        self, platform: str, user_id: str, chat_id: str | None
    ) -> tuple[str | None, str | None, set[str]]:
        """Read only, for answers given before any context exists: the person's own language,
        the group's, and (for a DM) those of the person's communities."""
        person = await self.session.execute(
            select(Person.id, Person.language)
            .join(Account, Account.person_id == Person.id)
            .where(Account.platform == platform, Account.user_id == user_id)
        )
        found = person.first()
        group = None
        if chat_id is not None:
            group = await self.session.scalar(
                select(Community.language).where(
                    Community.platform == platform, Community.chat_id == chat_id
                )
            )
        homes = await self.community_languages(found.id) if found is not None else set()
        return (found.language if found is not None else None), group, homes

    async def community_languages(self, person_id: int) -> set[str]:
        """The languages of the communities a person belongs to (what their DMs fall back to)."""
        result = await self.session.scalars(
            select(Community.language)
            .join(Membership, Membership.community_id == Community.id)
            .where(Membership.person_id == person_id)
            .distinct()
        )
        return set(result)

    async def forget_person(self, person_id: int) -> dict[str, int]:
        """Deletes every row of the person; returns how many of each kind went.

        Their tips go too (not anonymized): a tip is the person's own words.
        """
        counts = await TipLibrary(self.session).forget_author(person_id)
        either_side = (PartnerPair.person_a_id == person_id) | (
            PartnerPair.person_b_id == person_id
        )
        pairs = await self.session.scalar(
            select(func.count()).select_from(PartnerPair).where(either_side)
        )
        await self.session.execute(delete(PartnerPair).where(either_side))
        counts["partner pairings"] = int(pairs or 0)
        to_or_about = (OutboxMessage.person_id == person_id) | (
            OutboxMessage.about_person_id == person_id
        )
        queued = await self.session.execute(
            delete(OutboxMessage).where(to_or_about).returning(OutboxMessage.id)
        )
        counts["queued messages"] = len(queued.all())
        for label, model in (
            ("badges", Badge),
            ("skills and interests", PersonTopic),
            ("memberships", Membership),
            ("platform accounts", Account),
        ):
            column = model.person_id  # type: ignore[attr-defined]
            number = await self.session.scalar(
                select(func.count()).select_from(model).where(column == person_id)
            )
            await self.session.execute(delete(model).where(column == person_id))
            counts[label] = int(number or 0)
        deleted = await self.session.execute(
            delete(Person).where(Person.id == person_id).returning(Person.id)
        )
        counts["profile"] = len(deleted.all())
        return counts


# Every event runs one of these two, so they are built (and their cache keys computed) once:
# building the joined SELECT cost more than running it on SQLite.
_KNOWN_ACCOUNT = (
    select(Account)
    .join(Account.person)
    .options(contains_eager(Account.person))
    .where(Account.platform == bindparam("platform"), Account.user_id == bindparam("user_id"))
)
# In a group, one row whichever of the account, community and membership exist: a first
# message finds its community without a second SELECT (outer joins from a one-row anchor).
_ANCHOR = select(literal_column("1").label("anchor")).subquery("anchor")
_KNOWN_IN_CHAT = (
    select(Account, Community, Membership)
    .select_from(_ANCHOR)
    .outerjoin(
        Account,
        (Account.platform == bindparam("platform")) & (Account.user_id == bindparam("user_id")),
    )
    .outerjoin(Account.person)
    .options(contains_eager(Account.person))
    .outerjoin(
        Community,
        (Community.platform == bindparam("platform")) & (Community.chat_id == bindparam("chat_id")),
    )
    .outerjoin(
        Membership,
        (Membership.community_id == Community.id) & (Membership.person_id == Account.person_id),
    )
)

_DISPLAY_NAMES = select(Account.person_id, Account.display_name).where(
    Account.platform == bindparam("platform"),
    Account.person_id.in_(bindparam("person_ids", expanding=True)),
)


def _handle(username: str | None) -> str | None:
    """How a @username is stored: lower case, no @, at most 64 characters."""
    return username.lower().lstrip("@")[:64] if username else None


def _rename(account: Account, display_name: str, username: str | None) -> None:
    """Keeps the account's names as the platform shows them now.

    Set only when changed: an assignment, even of the same value, marks the account dirty, and
    every later query of the event then runs a flush (a fifth of a `/checkin`).
    """
    name, handle = display_name[:256], _handle(username)
    if account.display_name != name:
        account.display_name = name
    if account.username != handle:
        account.username = handle
