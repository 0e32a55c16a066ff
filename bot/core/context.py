"""What a handler sees of one event: who, where, storage, and how to answer."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.errors import PermissionDenied, UsageError, WrongPlace
from bot.core.events import (
    Acknowledgement,
    Attachment,
    Button,
    ChatKind,
    Event,
    Message,
    Outbound,
    OutMessage,
)
from bot.core.i18n import N_, Translator
from bot.core.markup import Mention, RichText, Span, fmt, plain
from bot.core.messenger import Messenger
from bot.core.registry import Access
from bot.delivery.outbox import DEFAULT_GRACE, enqueue
from bot.delivery.timing import describe_days
from storage.models import Account, Community, Membership, Person, Role
from storage.outbox_repo import Delivery
from storage.repo import Repository

ACCESS_ROLE = {
    Access.MEMBER: Role.MEMBER,
    Access.MENTOR: Role.MENTOR,
    Access.ORGANIZER: Role.ORGANIZER,
}


async def effective_role(stored: Role, is_platform_admin: Callable[[], Awaitable[bool]]) -> Role:
    """The organizer rule, shared by commands and the dashboard: a stored organizer, or an
    admin of the community's chat on its platform (asked only when the stored role is lower)."""
    if stored is Role.ORGANIZER:
        return stored
    if await is_platform_admin():
        return Role.ORGANIZER
    return stored


class HasPerson(Protocol):
    """Whoever a message is queued to: an account, or a row naming one person."""

    @property
    def person_id(self) -> int:
        """The person behind it, whose language the message is read in."""
        ...


class DeliveryHooks(Protocol):
    """What the core asks of the delivery engine once a transaction has committed."""

    def wake(self) -> None:
        """New outbox rows may be due now."""
        ...

    async def replan(self, community_id: int) -> None:
        """The community's schedules or timezone changed."""
        ...


class NoDelivery:
    """Hooks for a core whose delivery engine is not running (nothing to wake)."""

    def wake(self) -> None:
        """Nothing to wake."""

    async def replan(self, community_id: int) -> None:
        """Nothing to plan."""


@dataclass(slots=True)
class Ctx:
    """One event being handled, inside one database transaction."""

    event: Event
    repo: Repository
    messenger: Messenger
    translator: Translator
    now: datetime
    account: Account
    community: Community | None
    membership: Membership | None
    default_language: str
    home_language: str | None = None
    """In a DM: the language all of the person's communities share, if they share one."""
    joined_now: bool = False
    hooks: DeliveryHooks = field(default_factory=NoDelivery)
    outbound: list[Outbound] = field(default_factory=list)
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    enqueued: bool = False
    private_voice: bool = False
    """Set by `speak_privately`: what this handler says is for the actor alone."""
    _platform_admin: bool | None = None

    @property
    def person(self) -> Person:
        """The person acting."""
        return self.account.person

    @property
    def platform(self) -> str:
        """The platform the event came from."""
        return self.event.address.platform

    @property
    def in_group(self) -> bool:
        """Whether the event happened in a community chat."""
        return self.event.chat_kind is ChatKind.GROUP

    @property
    def language(self) -> str:
        """The language this event is answered in: a group's posts speak the community's."""
        if self.in_group and self.community is not None and not self.private_voice:
            return self.community.language
        return self.reader_language

    @property
    def languages_typed(self) -> tuple[str, ...]:
        """The languages the actor may type words in: their own and this chat's."""
        return (self.reader_language, self.language)

    def days_text(self, days: str) -> str:
        """Schedule days (`01234`) as this answer's language writes them."""
        return describe_days(days, self.language, self.translator.gettext)

    def speak_privately(self) -> None:
        """This handler answers only the actor: its text is in their language, not the group's."""
        self.private_voice = True

    @property
    def reader_language(self) -> str:
        """The actor's language: theirs, else the community's (a DM: their groups'), else ours."""
        if self.person.language:
            return self.person.language
        if self.community is not None:
            return self.community.language
        return self.home_language or self.default_language

    async def language_of(self, account: HasPerson, about: Community | None = None) -> str:
        """Another person's language: theirs, else that of the community the message is about.

        `about` defaults to this event's community; a DM about a request of a bridged
        community names that one, so the reader's fallback is not the actor's group.
        """
        person = await self.repo.session.get(Person, account.person_id)
        if person is not None and person.language:
            return person.language
        community = about if about is not None else self.community
        if community is not None:
            return community.language
        return self.default_language

    async def t_for(
        self,
        account: HasPerson,
        template: str,
        values: Mapping[str, object] | None = None,
        *,
        about: Community | None = None,
    ) -> RichText:
        """Like `t` for a message queued to another person: in that reader's language."""
        return self.t_in(await self.language_of(account, about), template, values)

    def t(self, template: str, values: Mapping[str, object] | None = None) -> RichText:
        """Translates a template into the answer's language and fills it safely."""
        return fmt(self.translator.gettext(self.language, template), values)

    def t_in(
        self, language: str, template: str, values: Mapping[str, object] | None = None
    ) -> RichText:
        """Like `t` for a reader other than this chat: a DM to someone else."""
        return fmt(self.translator.gettext(language, template), values)

    def tn_in(
        self,
        language: str,
        singular: str,
        plural: str,
        count: int,
        values: Mapping[str, object] | None = None,
    ) -> RichText:
        """Like `tn` for a reader other than this chat (another community's group)."""
        template = self.translator.ngettext(language, singular, plural, count)
        return fmt(template, {"count": count, **(values or {})})

    def label(self, template: str, values: Mapping[str, object] | None = None) -> str:
        """A button label in the answer's language (labels are plain text)."""
        return plain(self.t(template, values))

    def tn(
        self, singular: str, plural: str, count: int, values: Mapping[str, object] | None = None
    ) -> RichText:
        """Like `t` for a counted sentence: the language picks the form, `{count}` is filled."""
        return self.tn_in(self.language, singular, plural, count, values)

    def reply(
        self,
        template: str,
        values: Mapping[str, object] | None = None,
        *,
        buttons: tuple[tuple[Button, ...], ...] = (),
        attachment: Attachment | None = None,
        private: bool = False,
        acknowledge: Acknowledgement | None = None,
    ) -> None:
        """Answers in the chat the event came from (only to the actor when private).

        `acknowledge`: the answer only confirms the actor's message, so a platform that
        reacts puts that mark on it instead of posting in the group.
        """
        private_here = private and self.in_group
        language = self.reader_language if private_here else self.language
        text = fmt(self.translator.gettext(language, template), values)
        message = OutMessage(text, buttons, attachment)
        self.outbound.append(Outbound(message, private=private_here, acknowledge=acknowledge))

    def reply_rich(self, text: RichText, *, private: bool = False) -> None:
        """Answers with text already built from translated pieces."""
        self.outbound.append(Outbound(OutMessage(text), private=private and self.in_group))

    def mention(self, account: Account) -> Span:
        """A deliberate ping of one account; shown as a plain name on other platforms."""
        if account.platform != self.platform:
            return Span(account.display_name)
        return Span(
            account.display_name,
            mention=Mention(platform=account.platform, user_id=account.user_id),
        )

    async def enqueue(
        self,
        key: str,
        delivery: Delivery,
        message: OutMessage,
        *,
        due_at: datetime,
        grace: timedelta = DEFAULT_GRACE,
    ) -> bool:
        """Queues a message in this transaction; it is sent once, after the commit.

        Unless told otherwise, the message carries the actor's words or action, so their
        `/forgetme` drops it while it waits.
        """
        if delivery.about_person_id is None:
            delivery = replace(delivery, about_person_id=self.account.person_id)
        created = await enqueue(
            self.repo.session, key, delivery, message, due_at=due_at, now=self.now, grace=grace
        )
        self.enqueued = self.enqueued or created
        return created

    async def queue_other_platforms(self) -> None:
        """Moves answers meant for another platform into the outbox, which reaches every one."""
        here: list[Outbound] = []
        for item in self.outbound:
            if item.platform in (None, self.platform):
                here.append(item)
                continue
            recipient = None
            if item.user_id is not None:  # so /forgetme of the recipient drops it too
                recipient = await self.repo.account(item.platform, item.user_id)
            delivery = Delivery(
                item.platform,
                chat_id=item.chat_id,
                user_id=item.user_id,
                person_id=recipient.person_id if recipient is not None else None,
            )
            await self.enqueue(
                f"elsewhere:{uuid.uuid4().hex}", delivery, item.message, due_at=self.now
            )
        self.outbound = here

    def replan_after_commit(self, community_id: int) -> None:
        """Re-plans the community's schedules once this transaction is committed."""

        async def replan() -> None:
            await self.hooks.replan(community_id)

        self.after_commit.append(replan)

    def group(self) -> tuple[Community, Membership]:
        """The community and membership of a group-only command (the router ensures both)."""
        if self.community is None or self.membership is None:
            raise WrongPlace("This works in a group chat. Send it there.")
        return self.community, self.membership

    async def is_platform_admin(self) -> bool:
        """Whether the platform calls the actor an admin of this chat (asked once per event)."""
        if not self.in_group:
            return False
        if self._platform_admin is None:
            known = self.event.sender.is_admin
            if known is None:
                address = self.event.address
                known = await self.messenger.is_admin(address.chat_id, address.user_id)
            self._platform_admin = known
        return self._platform_admin

    async def role(self) -> Role:
        """The actor's effective role here: platform admins are always organizers."""
        if self.membership is None:
            return Role.MEMBER
        return await effective_role(Role(self.membership.role), self.is_platform_admin)

    async def may(self, access: Access) -> bool:
        """Whether the actor has at least this access here."""
        if access is Access.ANYONE or access is Access.MEMBER:
            return True
        return (await self.role()).rank >= ACCESS_ROLE[access].rank

    async def require(self, access: Access, command: str) -> None:
        """Refuses politely when the actor's role is too low."""
        if not await self.may(access):
            raise PermissionDenied(
                # Translators: {who} is like "organizers" or "mentors and organizers" (translated
                # separately).
                "Only {who} can use `/{command}` here. Ask an organizer if you need it.",
                {"who": self.t(_ROLE_PLURAL[access]), "command": command},
            )

    async def member(self, raw: str) -> tuple[Account, Membership]:
        """Finds the community member an argument names (@username, mention or user id)."""
        if self.community is None:
            raise UsageError("Naming a person works only in a group.")
        text = raw.strip()
        event = self.event
        if isinstance(event, Message):
            for ref in event.mentions:
                if text in (
                    ref.user_id,
                    f"@{ref.username}",
                    ref.display_name,
                    f"@{ref.display_name}",
                ):
                    found = await self.repo.member_by_user_id(
                        self.community.id, self.platform, ref.user_id
                    )
                    if found is not None:
                        return found
        by_id = text.removeprefix("<@").removesuffix(">").lstrip("!")
        if by_id.isdigit():
            found = await self.repo.member_by_user_id(self.community.id, self.platform, by_id)
            if found is not None:
                return found
        found = await self.repo.member_by_handle(self.community.id, self.platform, text)
        if found is None:
            raise UsageError(
                "I don't know {person} in this community. They need to send a command here "
                "(for example `/join`) first.",
                {"person": text},
                "/profile @alice",
            )
        return found


_ROLE_PLURAL = {
    Access.ANYONE: N_("everyone"),
    Access.MEMBER: N_("members"),
    Access.MENTOR: N_("mentors and organizers"),
    Access.ORGANIZER: N_("organizers"),
}
