"""The Messenger port on the Telegram Bot API: HTML sends, DMs, admins, mapped errors."""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions, ReactionTypeEmoji
from telegram import Message as TgMessage
from telegram.constants import ParseMode, ReactionEmoji
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from adapters.telegram.render import PLATFORM, TEXT_LIMIT, html_pieces, keyboard
from bot.core.events import Acknowledgement, AttachmentKind, OutMessage
from bot.core.i18n import N_
from bot.core.messenger import DeliveryError, RateLimited, RecipientUnreachable
from bot.core.platform import PlatformInfo

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 60.0
OPEN_DM_HELP = N_("Tap **Open a DM** and press Start; I'll send it to you there.")
NO_LINK_HELP = N_("Open a private chat with me and press Start; I'll send it to you there.")
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# From Telegram's list of reactions a bot may set (ReactionTypeEmoji).
REACTIONS = {
    Acknowledgement.NOTED: ReactionEmoji.WRITING_HAND,
    Acknowledgement.DONE: ReactionEmoji.PARTY_POPPER,
}


def telegram_chat_id(chat_id: str) -> int | str:
    """Numeric ids as ints (what the API and the rate limiter expect), `@names` as given."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, whichever type this PTB version hands back."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def delivery_error(error: TelegramError, *, dm: bool) -> DeliveryError:
    """Telegram's failure as the core's delivery error; `dm` tells a closed DM from a chat."""
    if isinstance(error, RetryAfter):
        return RateLimited(retry_after_seconds(error))
    if isinstance(error, Forbidden):
        return (
            RecipientUnreachable(error.message)
            if dm
            else DeliveryError(error.message, permanent=True)
        )
    if isinstance(error, ChatMigrated):
        return DeliveryError(f"chat moved to {error.new_chat_id}", permanent=True)
    if isinstance(error, BadRequest):
        if dm and "chat not found" in error.message.lower():
            return RecipientUnreachable(error.message)
        return DeliveryError(error.message, permanent=True)
    return DeliveryError(error.message, permanent=False)


class TelegramMessenger:
    """Sends core messages through python-telegram-bot; knows nothing of the core's rules."""

    def __init__(
        self,
        bot: Bot,
        *,
        admin_cache_seconds: float = ADMIN_CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bot = bot
        self._admin_cache_seconds = admin_cache_seconds
        self._monotonic = monotonic
        self._admins: dict[str, tuple[float, frozenset[str]]] = {}

    @property
    def platform(self) -> str:
        """Always `telegram`."""
        return PLATFORM

    @property
    def text_limit(self) -> int:
        """Telegram's 4096 characters per message."""
        return TEXT_LIMIT

    @property
    def info(self) -> PlatformInfo:
        """Telegram bots may DM only people who pressed Start; a deep link opens that chat."""
        try:
            username: str | None = self._bot.username
        except RuntimeError:  # not initialized yet: no username to link to
            username = None
        if not username:
            return PlatformInfo(
                PLATFORM, "Telegram", dm_needs_opt_in=True, open_dm_help=NO_LINK_HELP, reacts=True
            )
        return PlatformInfo(
            PLATFORM,
            "Telegram",
            dm_needs_opt_in=True,
            open_dm_help=OPEN_DM_HELP,
            open_dm_url=f"https://t.me/{username}?start=dm",
            reacts=True,
        )

    async def acknowledge(self, chat_id: str, message_id: str, mark: Acknowledgement) -> bool:
        """Sets the bot's reaction on a message; False when the chat refuses it (400)."""
        try:
            await self._bot.set_message_reaction(
                chat_id=telegram_chat_id(chat_id),
                message_id=int(message_id),
                reaction=[ReactionTypeEmoji(REACTIONS[mark])],
            )
        except BadRequest as refused:  # reactions off in the chat, or this emoji not allowed
            log.info("telegram: reaction refused in chat %s: %s", chat_id, refused.message)
            return False
        except TelegramError as error:
            raise delivery_error(error, dm=False) from error
        return True

    async def send(self, chat_id: str, message: OutMessage, *, key: str | None = None) -> str:
        """Posts in a chat; `key` is ignored because the Bot API has no idempotency key."""
        return await self.post(chat_id, message, dm=False)

    async def send_dm(self, user_id: str, message: OutMessage, *, key: str | None = None) -> str:
        """DMs a person (their private chat id is their user id)."""
        return await self.post(user_id, message, dm=True)

    async def post(
        self,
        chat_id: str,
        message: OutMessage,
        *,
        dm: bool,
    ) -> str:
        """Sends text pieces, then the attachment; buttons ride on the last text piece."""
        target = telegram_chat_id(chat_id)
        markup = keyboard(message.buttons)
        pieces = [piece for piece in html_pieces(message.text) if piece.strip()]
        sent: TgMessage | None = None
        try:
            for index, piece in enumerate(pieces):
                sent = await self._bot.send_message(
                    chat_id=target,
                    text=piece,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=_NO_PREVIEW,
                    reply_markup=markup if index == len(pieces) - 1 else None,
                )
            attachment = message.attachment
            if attachment is not None:
                if attachment.kind is AttachmentKind.IMAGE:
                    sent = await self._bot.send_photo(
                        chat_id=target,
                        photo=attachment.data,
                        filename=attachment.filename,
                        reply_markup=markup if not pieces else None,
                    )
                else:
                    sent = await self._bot.send_document(
                        chat_id=target,
                        document=attachment.data,
                        filename=attachment.filename,
                        reply_markup=markup if not pieces else None,
                    )
        except TelegramError as error:
            raise delivery_error(error, dm=dm) from error
        if sent is None:
            raise DeliveryError("nothing to send: empty text and no attachment", permanent=True)
        return str(sent.message_id)

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Whether the user administers the group, from a briefly cached admin list."""
        target = telegram_chat_id(chat_id)
        if isinstance(target, int) and target > 0:
            return False  # a private chat has no administrators
        now = self._monotonic()
        cached = self._admins.get(chat_id)
        if cached is None or cached[0] <= now:
            try:
                members = await self._bot.get_chat_administrators(chat_id=target)
            except TelegramError as error:
                log.warning("could not read the administrators of chat %s: %s", chat_id, error)
                return False
            cached = (now + self._admin_cache_seconds, frozenset(str(m.user.id) for m in members))
            self._admins[chat_id] = cached
        return user_id in cached[1]
