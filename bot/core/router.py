"""Turns one inbound event into replies: find the handler, check rights, run it atomically."""

from __future__ import annotations

import difflib
import functools
import logging
import re
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.context import Ctx, DeliveryHooks, NoDelivery
from bot.core.departures import Departures
from bot.core.errors import UsageError, UserFacingError, WrongPlace
from bot.core.events import (
    ButtonPress,
    ChatKind,
    Event,
    MemberLeft,
    Message,
    Outbound,
    OutMessage,
)
from bot.core.i18n import Translator
from bot.core.languages import platform_language
from bot.core.markup import fmt
from bot.core.messenger import Messenger
from bot.core.registry import (
    Access,
    CommandSpec,
    Handler,
    Registry,
    Suggest,
    Where,
    coerce_args,
    parse_text_args,
)
from bot.core.replies import ReplyDelivery
from bot.core.trace import (
    BUTTON,
    TEXT,
    UNKNOWN,
    EventObserver,
    EventTrace,
    NoObserver,
    note_community,
    note_outcome,
    tracing,
)
from bot.delivery.pacing import Pacer
from storage.bridge_repo import BridgeRepository
from storage.models import RequestStatus
from storage.repo import NewCommunityDefaults, Repository
from storage.suggest_repo import SuggestRepository

log = logging.getLogger(__name__)

MAX_INPUT = 4096
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(text: str) -> str:
    """Text every database can store: NUL dropped (PostgreSQL refuses it), lone surrogates
    (which UTF-8 cannot encode) replaced."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def clean_event(event: Event) -> Event:
    """The event with every text a person controls made storable."""
    sender = event.sender
    if _UNSTORABLE.search("".join([sender.display_name, sender.username or "", event.chat_title])):
        sender = replace(
            sender,
            display_name=_storable(sender.display_name),
            username=_storable(sender.username) if sender.username is not None else None,
        )
        event = replace(event, sender=sender, chat_title=_storable(event.chat_title))
    if isinstance(event, ButtonPress):
        return replace(event, payload=_storable(event.payload))
    options = event.options
    if options is not None:
        options = {name: _storable(value) for name, value in options.items()}
    return replace(event, text=_storable(event.text), options=options)


_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@(\S+))?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command name and its raw arguments, from text or from typed options."""

    name: str
    raw: str
    options: dict[str, str] | None
    bot: str | None = None
    """The bot named in `/name@bot`, if any."""


def parse_command(event: Message) -> ParsedCommand | None:
    """Recognizes `/name args` (and `/name@bot args`) or an adapter's typed command."""
    if event.command is not None:
        options = dict(event.options) if event.options is not None else None
        return ParsedCommand(event.command.lower(), event.text, options)
    match = _COMMAND.match(event.text.strip())
    if match is None:
        return None
    return ParsedCommand(
        match.group(1).lower(), (match.group(3) or "").strip(), None, match.group(2)
    )


@dataclass(slots=True)
class _DmOpen:
    """Whether this event's context showed the sender's DM open (see `dm_known_open`)."""

    seen: bool = False


_DM_OPEN: ContextVar[_DmOpen] = ContextVar("dm_open")
"""The current `handle` call's `_DmOpen`, set where the context is loaded."""


class Router:
    """The one path every event takes, whichever adapter it came from."""

    def __init__(
        self,
        registry: Registry,
        sessions: async_sessionmaker[AsyncSession],
        translator: Translator,
        clock: Clock,
        defaults: NewCommunityDefaults,
        hooks: DeliveryHooks | None = None,
        observer: EventObserver | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self._registry = registry
        self._observer: EventObserver = observer or NoObserver()
        self._sessions = sessions
        self._translator = translator
        self._clock = clock
        self._defaults = defaults
        self._hooks: DeliveryHooks = hooks or NoDelivery()
        self.replies = ReplyDelivery(
            sessions, clock, translator, defaults.language, self._hooks.wake, pacer
        )
        """How adapters deliver what `handle` returns: the same path on every platform."""
        self._departures = Departures(registry, sessions, clock, self._hooks.wake)

    async def member_left(self, event: MemberLeft) -> bool:
        """A platform said someone left a community chat; True when they were a member."""
        return await self._departures.handle(event)

    async def suggest(
        self, platform: str, chat_id: str, kind: Suggest, typed: str
    ) -> list[tuple[str, str | int]]:
        """Autocomplete choices (label, value) for an argument being typed in a chat."""
        try:
            async with self._sessions() as session:
                repo = SuggestRepository(session)
                community_id = await repo.community_id(platform, chat_id)
                if community_id is None:
                    return []
                shared = await BridgeRepository(session).circle_ids(community_id)
                if kind is Suggest.TOPIC:
                    return [(label, label) for label in await repo.topics(shared, typed)]
                statuses = [RequestStatus.OPEN] if kind is Suggest.OPEN_REQUEST else None
                found = await repo.requests(shared, statuses)
        except Exception:
            log.exception("autocomplete failed on %s chat %s", platform, chat_id)
            return []
        wanted = typed.strip().lstrip("#").casefold()
        choices: list[tuple[str, str | int]] = []
        for number, question in found:
            label = f"#{number} {question}"
            if wanted and wanted not in label.casefold():
                continue
            choices.append((label if len(label) <= 100 else label[:99] + "…", number))
        return choices

    async def handle(self, event: Event, messenger: Messenger) -> list[Outbound]:
        """Handles one event and returns what to send; never raises. Tells the observer."""
        started = time.perf_counter()
        dm_open = _DmOpen()
        token = _DM_OPEN.set(dm_open)
        try:
            with tracing(EventTrace(event.address.platform, self._label(event))) as trace:
                outbound = await self._handle(event, messenger)
        finally:
            _DM_OPEN.reset(token)
        if dm_open.seen:
            self.replies.dm_known_open(event)
        self._observer.event_handled(trace, time.perf_counter() - started)
        return outbound

    def _label(self, event: Event) -> str:
        """The command's registered name, never the words typed (a metrics label)."""
        if isinstance(event, ButtonPress):
            return BUTTON
        parsed = parse_command(event)
        if parsed is None:
            return TEXT
        return parsed.name if parsed.name in self._registry.commands else UNKNOWN

    def _guess_language(self, event: Event) -> str:
        """Before anything is loaded: a DM speaks the platform's hint, a group the default."""
        hinted = platform_language(event.sender.language)
        if event.chat_kind is ChatKind.DM and hinted is not None:
            return hinted
        return self._defaults.language

    async def _known_language(self, event: Event, guessed: str) -> str:
        """For an answer given before any context (an unknown command, chat in a DM): what the
        person chose with /language, else the group's (or, in a DM, their groups'), else the
        guess. Read only: nothing is written for a message the bot does not act on."""
        address = event.address
        group = address.chat_id if event.chat_kind is ChatKind.GROUP else None
        try:
            async with self._sessions() as session:
                own, chat, homes = await Repository(session).known_languages(
                    address.platform, address.user_id, group
                )
        except SQLAlchemyError:
            log.warning("could not read the languages for an answer; using the guess")
            return guessed
        if group is not None:
            return chat or guessed
        hinted = platform_language(event.sender.language)
        return own or hinted or (homes.pop() if len(homes) == 1 else None) or guessed

    async def _handle(self, event: Event, messenger: Messenger) -> list[Outbound]:
        language = self._guess_language(event)
        try:
            event = clean_event(event)
            if isinstance(event, Message):
                parsed = parse_command(event)
                if parsed is None:
                    return await self._free_text(event, messenger)
                if not self._ours(event, parsed):
                    return []  # another bot's command in a group: no answer, no trace
                _check_length(event)
                return await self._command(event, parsed, messenger)
            return await self._button(event, messenger)
        except UserFacingError as error:
            note_outcome("refused")
            return [self._error_reply(error, await self._known_language(event, language))]
        except Exception:
            note_outcome("error")
            log.exception(
                "unhandled error for %s event on %s chat %s",
                type(event).__name__,
                event.address.platform,
                event.address.chat_id,
            )
            return [
                self._text_reply(
                    language,
                    "Sorry, something went wrong on my side. It has been logged; please try again.",
                )
            ]

    def _ours(self, event: Message, parsed: ParsedCommand) -> bool:
        """Our commands unless they name another bot; unknown ones only in a DM or when
        addressed to this bot."""
        if event.addressed_to_bot or event.chat_kind is ChatKind.DM:
            return True
        return parsed.bot is None and parsed.name in self._registry.commands

    async def _command(
        self, event: Message, parsed: ParsedCommand, messenger: Messenger
    ) -> list[Outbound]:
        spec = self._registry.commands.get(parsed.name)
        if spec is None:
            close = difflib.get_close_matches(parsed.name, list(self._registry.commands), n=1)
            if close:
                raise UsageError(
                    "I don't know `/{name}`. Did you mean `/{close}`? Send /help for the list.",
                    {"name": parsed.name, "close": close[0]},
                )
            raise UsageError(
                "I don't know `/{name}`. Send /help for the list.", {"name": parsed.name}
            )
        self._check_place(spec, event.chat_kind)

        async def run(ctx: Ctx) -> None:
            await ctx.require(spec.access, spec.name)
            if parsed.options is not None:
                args = coerce_args(spec, parsed.options)
            else:
                args = parse_text_args(spec, parsed.raw)
            await spec.handler(ctx, args)

        return await self._in_transaction(event, messenger, run)

    async def _free_text(self, event: Message, messenger: Messenger) -> list[Outbound]:
        """Plain text: a trigger, a reply some handler wants, a DM hint, or nothing at all.

        What no handler takes is decided before any transaction, so it leaves no trace.
        """
        text = event.text.strip()
        if not text:
            return []
        in_dm = event.chat_kind is ChatKind.DM
        handler = await self._text_handler(event) if in_dm else None
        if handler is not None:
            _check_length(event)
            run = functools.partial(_call_with_text, handler, text)
            return await self._in_transaction(event, messenger, run)
        for trigger in self._registry.triggers:
            if trigger.matches(text):
                _check_length(event)
                run = functools.partial(_call_with_text, trigger.handler, text)
                return await self._in_transaction(event, messenger, run)
        handler = await self._reply_handler(event)
        if handler is None and not in_dm:
            handler = await self._text_handler(event)
        if handler is not None:
            _check_length(event)
            run = functools.partial(_call_with_text, handler, text)
            return await self._in_transaction(event, messenger, run)
        if event.chat_kind is ChatKind.DM:
            language = await self._known_language(event, self._guess_language(event))
            return [
                self._text_reply(language, "I answer commands. Send /help to see what I can do.")
            ]
        return []

    async def _reply_handler(self, event: Message) -> Handler | None:
        """The handler that wants this reply, asked in a read-only session that writes nothing."""
        if event.reply_to_message_id is None or not self._registry.reply_handlers:
            return None
        async with self._sessions() as session:
            for reply_handler in self._registry.reply_handlers:
                if await reply_handler.wants(session, event):
                    return reply_handler.handler
        return None

    async def _text_handler(self, event: Message) -> Handler | None:
        """The handler that takes this plain text (a dialog's answer), asked read-only."""
        if not self._registry.text_handlers:
            return None
        async with self._sessions() as session:
            for text_handler in self._registry.text_handlers:
                if await text_handler.wants(session, event):
                    return text_handler.handler
        return None

    async def _button(self, event: ButtonPress, messenger: Messenger) -> list[Outbound]:
        handler = self._registry.buttons.get(event.action)
        if handler is None:
            return [
                self._text_reply(
                    self._guess_language(event),
                    "That button no longer works. Send /help to start again.",
                    private=True,
                )
            ]

        async def run(ctx: Ctx) -> None:
            await handler(ctx, event.payload)

        return await self._in_transaction(event, messenger, run)

    async def _in_transaction(
        self,
        event: Event,
        messenger: Messenger,
        action: Callable[[Ctx], Awaitable[None]],
    ) -> list[Outbound]:
        """Runs the action in one transaction: a refusal or a crash leaves nothing written."""
        language = self._defaults.language
        try:
            async with self._sessions() as session, session.begin():
                ctx = await self._context(session, event, messenger)
                language = ctx.language
                await action(ctx)
                await ctx.queue_other_platforms()
        except UserFacingError as error:
            note_outcome("refused")
            reply = self._error_reply(error, language)
            private = isinstance(event, ButtonPress) and event.chat_kind is ChatKind.GROUP
            return [Outbound(reply.message, private=private)]
        for callback in ctx.after_commit:
            try:
                await callback()
            except Exception:  # the change is committed: the reply must still say so
                log.exception(
                    "after-commit step failed for %s event on %s chat %s",
                    type(event).__name__,
                    event.address.platform,
                    event.address.chat_id,
                )
        if ctx.enqueued:
            self._hooks.wake()
        return ctx.outbound

    def _check_place(self, spec: CommandSpec, kind: ChatKind) -> None:
        if spec.where is Where.GROUP and kind is ChatKind.DM:
            raise WrongPlace(
                "`/{name}` works in a group chat. Send it there.", {"name": spec.name}, spec.example
            )
        if spec.where is Where.DM and kind is ChatKind.GROUP:
            raise WrongPlace(
                "`/{name}` works in a private chat with me. Send it to me directly.",
                {"name": spec.name},
                spec.example,
            )

    async def _context(self, session: AsyncSession, event: Event, messenger: Messenger) -> Ctx:
        """Loads who and where; acting in a group makes the person a member (SPEC: implied)."""
        repo = Repository(session)
        now = self._clock.now()
        address = event.address
        group = (address.chat_id, event.chat_title) if event.chat_kind is ChatKind.GROUP else None
        hinted = platform_language(event.sender.language)
        arrival = await repo.arrival(
            address.platform,
            address.user_id,
            (event.sender.display_name, event.sender.username),
            group,
            self._defaults,
            now,
            hinted,
        )
        note_community(arrival.community.id if arrival.community is not None else None)
        account = arrival.account
        if event.chat_kind is ChatKind.DM and account.dm_opted_in and not account.dm_unreachable:
            _DM_OPEN.get(_DmOpen()).seen = True  # read before the handler may change them
        person = arrival.account.person
        if hinted is not None and person.language is None:
            person.language = hinted  # stored (a new person's with the row): sends have no hint
        home = None
        if arrival.community is None and person.language is None:  # a DM: their groups speak
            languages = await repo.community_languages(person.id)
            home = languages.pop() if len(languages) == 1 else None
        return Ctx(
            event=event,
            repo=repo,
            messenger=messenger,
            translator=self._translator,
            now=now,
            account=arrival.account,
            community=arrival.community,
            membership=arrival.membership,
            default_language=self._defaults.language,
            home_language=home,
            joined_now=arrival.joined_now,
            hooks=self._hooks,
        )

    @property
    def translator(self) -> Translator:
        """The catalogs, for adapters that register translated command descriptions."""
        return self._translator

    def _error_reply(self, error: UserFacingError, language: str) -> Outbound:
        text = fmt(self._translator.gettext(language, error.template), error.values)
        if error.example:
            example = fmt(
                self._translator.gettext(language, "Example: `{example}`"),
                # an example marked with N_ (a time typed in the reader's words) is translated
                {"example": self._translator.gettext(language, error.example)},
            )
            text = (*text, *fmt("\n"), *example)
        return Outbound(OutMessage(text))

    def _text_reply(self, language: str, template: str, *, private: bool = False) -> Outbound:
        return Outbound(
            OutMessage(fmt(self._translator.gettext(language, template))), private=private
        )


def _check_length(event: Message) -> None:
    """Refuses text over the input limit, once the router knows the message is for it."""
    if len(event.text) > MAX_INPUT:
        raise UsageError(
            "That message is too long ({length} characters; the limit is {limit}).",
            {"length": len(event.text), "limit": MAX_INPUT},
        )


async def _call_with_text(handler: Handler, text: str, ctx: Ctx) -> None:
    await handler(ctx, {"text": text})


__all__ = ["Access", "ParsedCommand", "Router", "parse_command"]
