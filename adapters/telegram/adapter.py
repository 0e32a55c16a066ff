"""The Telegram adapter: a python-telegram-bot Application feeding the core's router."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram.lanes import ChatLanes
from adapters.telegram.logs import RedactedLogs
from adapters.telegram.messenger import TelegramMessenger
from adapters.telegram.poller import ConfirmingPoller
from adapters.telegram.render import PLATFORM
from adapters.telegram.translate import (
    left_from_message,
    left_from_update,
    to_button_press,
    to_message,
)
from adapters.telegram.transport import AiohttpRequest
from bot.core.events import Event, Outbound
from bot.core.i18n import Translator
from bot.core.languages import SHIPPED
from bot.core.messenger import Messenger
from bot.core.registry import CommandSpec, Registry, Where
from bot.core.router import Router
from storage.repo import Repository

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "chat_member")
DEFAULT_WEBHOOK_PORT = 8443
STALE_BUTTON = "That button no longer works. Send /help to start again."
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_DESCRIPTION_LIMIT = 256

ChatMover = Callable[[str, str], Awaitable[bool]]
"""Moves a community from an old chat id to a new one; True when something moved."""


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    """What the adapter needs from the settings."""

    token: str
    api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_port: int | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - a webhook must accept the proxy's calls
    poll_timeout: int = 10
    concurrent_updates: int = 8
    receive_on_start: bool = True  # False: a receiver role decides (several processes)


def api_urls(base: str) -> tuple[str, str]:
    """PTB appends the token to `base_url`; a server URL gets the `/bot` and `/file/bot` parts."""
    if "{" in base:
        return base, base.replace("/bot{", "/file/bot{")
    root = base.rstrip("/")
    root = root.removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def community_mover(sessions: async_sessionmaker[AsyncSession]) -> ChatMover:
    """A ChatMover that re-addresses a Telegram community in one transaction."""

    async def move(old_chat_id: str, new_chat_id: str) -> bool:
        async with sessions() as session, session.begin():
            return await Repository(session).move_community_chat(PLATFORM, old_chat_id, new_chat_id)

    return move


def bot_commands(
    specs: Iterable[CommandSpec], describe: Callable[[str], str] = str
) -> list[BotCommand]:
    """Registry commands in Telegram's shape, skipping names Telegram would refuse."""
    commands: list[BotCommand] = []
    for spec in specs:
        if not _COMMAND_NAME.match(spec.name):
            log.warning("command /%s cannot be registered on Telegram", spec.name)
            continue
        commands.append(BotCommand(spec.name, describe(spec.summary)[:_DESCRIPTION_LIMIT]))
    return commands


def command_languages(translator: Translator) -> list[tuple[str | None, Callable[[str], str]]]:
    """The default menu (English) and one per shipped language, by two-letter language_code."""
    menus: list[tuple[str | None, Callable[[str], str]]] = [(None, str)]
    for language in SHIPPED:
        if language != "en":
            menus.append((language[:2], partial(translator.gettext, language)))
    return menus


def command_scopes(
    registry: Registry, describe: Callable[[str], str] = str
) -> list[tuple[BotCommandScope, list[BotCommand]]]:
    """Private chats, group members, and group admins each see the commands that fit them."""
    specs = list(registry.commands.values())
    private = [spec for spec in specs if spec.where in (Where.ANY, Where.DM)]
    group = [spec for spec in specs if spec.where in (Where.ANY, Where.GROUP)]
    members = [spec for spec in group if not spec.for_organizers]
    return [
        (BotCommandScopeAllPrivateChats(), bot_commands(private, describe)),
        (BotCommandScopeAllGroupChats(), bot_commands(members, describe)),
        (BotCommandScopeAllChatAdministrators(), bot_commands(group, describe)),
    ]


POLL_FAILURE_MEMORY = 60.0
"""Seconds a failed getUpdates keeps the adapter reported as not connected."""


class TelegramAdapter:
    """Runs PTB on the core's event loop: polling or webhook in, the Messenger port out."""

    def __init__(
        self, router: Router, registry: Registry, config: TelegramConfig, move_chat: ChatMover
    ) -> None:
        self._router = router
        self._registry = registry
        self._config = config
        self._move_chat = move_chat
        self._logs = RedactedLogs(config.token)
        self._logs.install()  # before PTB builds its Bot, which logs its URL at DEBUG
        builder = (
            ApplicationBuilder()
            .token(config.token)
            # No PTB rate limiter: the core's one Pacer spaces every send (replies, reactions,
            # the outbox) and waits out 429s; PTB's buckets start full and burst, and its pause
            # after a 429 releases every held send at once.
            .job_queue(None)
            .concurrent_updates(ChatLanes(config.concurrent_updates))
            # Sends over aiohttp: a quarter of httpx's CPU per request (see transport.py).
            .request(AiohttpRequest())
        )
        if config.api_base_url:
            api, files = api_urls(config.api_base_url)
            builder = builder.base_url(api).base_file_url(files)
        self._app = builder.build()
        self._messenger = TelegramMessenger(self._app.bot)
        self._app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        self._app.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._on_message)
        )
        self._app.add_handler(
            MessageHandler(filters.StatusUpdate.LEFT_CHAT_MEMBER, self._on_left_message)
        )
        self._app.add_handler(CallbackQueryHandler(self._on_button))
        self._app.add_handler(ChatMemberHandler(self._on_member, ChatMemberHandler.CHAT_MEMBER))
        self._app.add_error_handler(self._on_error)
        self._poll_failed_at: float | None = None
        self._receiving = False
        self._poller: ConfirmingPoller | None = None

    def connected(self) -> bool:
        """Receiving (or standing by), with no failed poll in the last minute (for /readyz)."""
        updater = self._app.updater
        if not self._app.running or updater is None:
            return False
        if not self._receiving:
            return True  # a standby still sends; another process receives
        polling = self._poller is not None and self._poller.running
        if not polling and not updater.running:
            return False
        failed = self._poll_failed_at
        return failed is None or time.monotonic() - failed > POLL_FAILURE_MEMORY

    def _poll_failed(self, error: TelegramError) -> None:
        """PTB retries getUpdates by itself; remember the failure for readiness and log it."""
        self._poll_failed_at = time.monotonic()
        log.warning("telegram: polling for updates failed: %s", error)

    @property
    def messenger(self) -> Messenger:
        """The port the core and the delivery engine use to send on Telegram."""
        return self._messenger

    @property
    def bot_username(self) -> str:
        """The bot's @username, known once started."""
        return self._app.bot.username

    async def start(self) -> None:
        """Initializes PTB by hand (so `post_init` is not used), registers commands, listens."""
        await self._app.initialize()
        await self._register_commands()
        await self._app.start()
        if self._config.receive_on_start:
            await self.receive()

    async def receive(self) -> None:
        """Starts taking updates (this process holds the receiver role)."""
        updater = self._app.updater
        assert updater is not None
        if self._receiving:
            return
        self._receiving = True
        if self._config.webhook_url:
            path = urlsplit(self._config.webhook_url).path.strip("/") or "telegram"
            await updater.start_webhook(
                listen=self._config.webhook_listen,
                port=self._config.webhook_port or DEFAULT_WEBHOOK_PORT,
                url_path=path,
                webhook_url=self._config.webhook_url,
                secret_token=secrets.token_urlsafe(32),
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("telegram: @%s receiving by webhook", self.bot_username)
        else:
            self._poller = ConfirmingPoller(
                self._app.bot,
                self._handle_batch,
                self._poll_failed,
                timeout=self._config.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
            )
            await self._poller.start()
            log.info("telegram: @%s receiving by long polling", self.bot_username)

    async def stand_by(self) -> None:
        """Stops taking updates but keeps sending: the batch in hand is handled and then
        confirmed, so the next receiver starts at the first update this process did not answer."""
        was_receiving, self._receiving = self._receiving, False
        poller, self._poller = self._poller, None
        if poller is not None:
            await poller.stop()
        updater = self._app.updater
        if updater is not None and updater.running:
            await updater.stop()
        if was_receiving:
            log.info("telegram: standing by; another process may receive updates")

    async def _handle_batch(self, updates: Sequence[Update]) -> None:
        """Handles a polled batch (one lane per chat, as PTB would) before it is confirmed."""
        processor = self._app.update_processor
        await asyncio.gather(
            *(processor.process_update(u, self._app.process_update(u)) for u in updates)
        )

    async def stop(self) -> None:
        """Stops receiving, lets PTB finish, and closes its connections."""
        try:
            await self.stand_by()
            if self._app.running:
                await self._app.stop()
            await self._app.shutdown()
        finally:
            self._logs.remove()

    async def _register_commands(self) -> None:
        """Telegram's command menu, from the same registry every platform reads."""
        for language_code, describe in command_languages(self._router.translator):
            for scope, commands in command_scopes(self._registry, describe):
                try:
                    await self._app.bot.set_my_commands(
                        commands, scope=scope, language_code=language_code
                    )
                except TelegramError as error:
                    log.warning(
                        "telegram: setMyCommands for %s (%s) failed: %s",
                        scope.type,
                        language_code or "default",
                        error,
                    )

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hands a person's text or command to the core and delivers the answer."""
        if update.message is None:
            return
        event = to_message(update.message, self.bot_username)
        if event is None:
            return
        await self._deliver(event, await self._router.handle(event, self._messenger))

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers the callback at once (a stale one politely), then lets the core act."""
        query = update.callback_query
        if query is None:
            return
        event = to_button_press(query)
        try:
            await query.answer(text=STALE_BUTTON if event is None else None)
        except TelegramError as error:
            log.warning("telegram: could not answer a callback query: %s", error)
        if event is not None:
            await self._deliver(event, await self._router.handle(event, self._messenger))

    async def _on_left_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The group's "X left" service message: the core lets go of them."""
        event = left_from_message(update.message) if update.message is not None else None
        if event is not None:
            await self._router.member_left(event)

    async def _on_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A `chat_member` update: someone left or was removed (admins' bots receive these)."""
        member = update.chat_member
        event = left_from_update(member) if member is not None else None
        if event is not None:
            await self._router.member_left(event)

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup with a new id: the community keeps its data."""
        message = update.message
        if message is None:
            return
        if message.migrate_to_chat_id is not None:
            old, new = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id is not None:
            old, new = message.migrate_from_chat_id, message.chat.id
        else:
            return
        if await self._move_chat(str(old), str(new)):
            log.info("telegram: community moved from chat %s to supergroup %s", old, new)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anything PTB caught in a handler or while polling: logged, never shown."""
        log.error("telegram: error while handling an update", exc_info=context.error)

    async def _deliver(self, event: Event, outbound: list[Outbound]) -> None:
        """Sends the core's replies through the one path every platform shares."""
        await self._router.replies.deliver(self._messenger, event, outbound)
