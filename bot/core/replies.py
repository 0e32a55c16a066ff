"""One reply-delivery path for every adapter: per-item isolation and private text kept private.

A handler's replies become sends here, the same way on every platform. A private reply
that cannot arrive by DM waits in the outbox for the person to open their DM, and the
group gets a notice that names them without the private text.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dm_notice import dm_notice, notice_key
from bot.core.events import Acknowledgement, ChatKind, Event, Message, Outbound, OutMessage
from bot.core.i18n import Translator
from bot.core.messenger import (
    DeliveryError,
    Messenger,
    RateLimited,
    Reacting,
    RecipientUnreachable,
)
from bot.delivery.outbox import DEFAULT_GRACE, parts
from bot.delivery.pacing import Pacer
from bot.delivery.serialize import dump_message
from storage.outbox_repo import Delivery, OutboxRepository
from storage.privacy_repo import PrivateDeliveryRepository

log = logging.getLogger(__name__)

_OPEN_DMS_KEPT = 1024
"""At most this many events wait in `dm_known_open` between handling and delivery."""
RATE_LIMIT_RETRIES = 3  # a reply's 429s waited out (as PTB's limiter did), then it is logged

AnswerHere = Callable[[OutMessage, bool], Awaitable[bool]]
"""An adapter's own way to answer in the event's chat (Discord: the interaction response).

Called with the message and whether only the actor may see it (an ephemeral reply); returns
False when it could not answer that way, and the core then sends as usual.
"""


@dataclass(frozen=True, slots=True)
class _Target:
    """A private message's recipient and the group chat that may hear about it."""

    user_id: str
    group_chat_id: str | None
    display_name: str | None


class ReplyDelivery:
    """Delivers a handler's replies through a messenger; one failed item never drops the rest."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        translator: Translator,
        default_language: str,
        wake: Callable[[], None],
        pacer: Pacer | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._translator = translator
        self._default_language = default_language
        self._wake = wake
        self._open_dms: OrderedDict[int, Event] = OrderedDict()
        """DM events whose sender's DM was already open, with nothing waiting for it, when the
        router loaded them: delivering their replies needs no wake-up transaction."""
        self.pacer = pacer
        """The process's one pacer, shared with the outbox (None: replies are not paced)."""

    async def deliver(
        self,
        messenger: Messenger,
        event: Event,
        outbound: list[Outbound],
        *,
        here: AnswerHere | None = None,
    ) -> None:
        """Sends every reply; a DM from the person first wakes messages waiting for them."""
        if event.chat_kind is ChatKind.DM and not self._known_open(event):
            await self._dm_opened(event.address.platform, event.address.user_id)
        held = False
        for item in outbound:
            if item.pointer and held:
                continue  # the DM notice already told the group where the answer waits
            try:
                held = await self._one(messenger, event, item, here) or held
            except DeliveryError as error:
                log.warning(
                    "%s: a reply in chat %s was not delivered (%s)",
                    messenger.platform,
                    event.address.chat_id,
                    error.reason,
                )
            except Exception:
                log.exception(
                    "%s: a reply in chat %s failed", messenger.platform, event.address.chat_id
                )

    async def _one(
        self, messenger: Messenger, event: Event, item: Outbound, here: AnswerHere | None
    ) -> bool:
        """Sends one reply; True when it was private and had to wait for the DM."""
        address = event.address
        if item.platform not in (None, messenger.platform):
            log.warning("outbound for %s dropped: no cross-platform route", item.platform)
            return False
        group = address.chat_id if event.chat_kind is ChatKind.GROUP else None
        if item.acknowledge is not None and await self._acknowledge(
            messenger, event, item.acknowledge, item.message, here
        ):
            return False
        if item.user_id is not None:
            actor = item.user_id == address.user_id
            name = event.sender.display_name if actor else None
            return await self._private(messenger, _Target(item.user_id, group, name), item.message)
        if item.private:
            if here is not None and await here(item.message, True):
                return False
            target = _Target(address.user_id, group, event.sender.display_name)
            return await self._private(messenger, target, item.message)
        chat_id = item.chat_id or address.chat_id
        if chat_id == address.chat_id and here is not None and await here(item.message, False):
            return False
        await self._send(messenger, chat_id, item.message)
        return False

    async def _acknowledge(
        self,
        messenger: Messenger,
        event: Event,
        mark: Acknowledgement,
        message: OutMessage,
        here: AnswerHere | None,
    ) -> bool:
        """A group confirmation as a reaction (or, with an interaction, only to the actor);
        False sends the message as usual (DMs, platforms or chats without reactions)."""
        if event.chat_kind is not ChatKind.GROUP:
            return False
        if here is not None:
            return await here(message, True)
        message_id = event.message_id if isinstance(event, Message) else None
        if message_id is None or not messenger.info.reacts or not isinstance(messenger, Reacting):
            return False
        chat_id = event.address.chat_id
        reacting = messenger
        try:
            return bool(
                await self._paced(
                    messenger.platform,
                    chat_id,
                    False,
                    1,
                    lambda: reacting.acknowledge(chat_id, message_id, mark),
                    message=False,  # a reaction is no message: the group's minute is not spent
                )
            )
        except DeliveryError as error:
            log.info("%s: no reaction in chat %s (%s)", messenger.platform, chat_id, error.reason)
            return False

    async def _send(self, messenger: Messenger, chat_id: str, message: OutMessage) -> None:
        """A post in a chat, paced with every other send of this process."""
        count = parts(message, messenger)
        await self._paced(
            messenger.platform, chat_id, False, count, lambda: messenger.send(chat_id, message)
        )

    async def _paced(
        self,
        platform: str,
        target: str,
        private: bool,
        count: int,
        send: Callable[[], Awaitable[object]],
        *,
        message: bool = True,
    ) -> object:
        """Waits for the one pacer's slot, sends; a 429 holds every send, then tries again."""
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            if self.pacer is not None:
                await self.pacer.wait(
                    platform, target, private=private, parts=count, message=message
                )
            try:
                return await send()
            except RateLimited as limited:
                if attempt == RATE_LIMIT_RETRIES:
                    raise
                if self.pacer is not None:
                    self.pacer.hold(platform, limited.retry_after)
                else:
                    await asyncio.sleep(limited.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _private(self, messenger: Messenger, target: _Target, message: OutMessage) -> bool:
        """A DM; when it cannot arrive, the message waits and the group hears only a notice."""
        try:
            await self._paced(
                messenger.platform,
                target.user_id,
                True,
                parts(message, messenger),
                lambda: messenger.send_dm(target.user_id, message),
            )
        except RecipientUnreachable as closed:
            log.info("%s: DM to %s not possible (%s)", messenger.platform, target.user_id, closed)
            notice = await self._hold(messenger, target, message)
            if notice is not None and target.group_chat_id is not None:
                await self._send(messenger, target.group_chat_id, notice)
            return True
        return False

    async def _hold(
        self, messenger: Messenger, target: _Target, message: OutMessage
    ) -> OutMessage | None:
        """Parks the message in the outbox; returns the group notice when one is due now."""
        platform = messenger.platform
        now = self._clock.now()
        async with self._sessions() as session, session.begin():
            await OutboxRepository(session).mark_unreachable(platform, target.user_id)
            private = PrivateDeliveryRepository(session)
            found = await private.recipient(platform, target.user_id, target.group_chat_id)
            await private.hold(
                f"held:{platform}:{target.user_id}:{uuid.uuid4().hex}",
                Delivery(
                    platform,
                    user_id=target.user_id,
                    fallback_chat_id=target.group_chat_id,
                    person_id=found.person_id,
                    community_id=found.community_id,
                    about_person_id=found.person_id,
                ),
                dump_message(message),
                now,
                DEFAULT_GRACE,
            )
            if target.group_chat_id is None:
                return None
            notice = dm_notice(
                messenger.info,
                self._translator,
                found.language or self._default_language,
                target.user_id,
                found.display_name or target.display_name or target.user_id,
            )
            fresh = await private.claim_notice(
                notice_key(platform, target.user_id, target.group_chat_id, now),
                Delivery(
                    platform,
                    chat_id=target.group_chat_id,
                    person_id=found.person_id,
                    community_id=found.community_id,
                ),
                dump_message(notice),
                now,
            )
        return notice if fresh else None

    def dm_known_open(self, event: Event) -> None:
        """The router read the sender's account in this DM event: not unreachable, opted in.

        Messages wait for a DM only while the account is marked unreachable (both are written
        in one transaction, and opening the DM clears the mark and wakes them in one), so
        there is nothing to wake: `deliver` skips that transaction for this event.
        """
        self._open_dms[id(event)] = event
        while len(self._open_dms) > _OPEN_DMS_KEPT:  # an event never delivered: forget it
            self._open_dms.popitem(last=False)

    def _known_open(self, event: Event) -> bool:
        """Whether `dm_known_open` was told about this very event (once)."""
        return self._open_dms.pop(id(event), None) is event

    async def _dm_opened(self, platform: str, user_id: str) -> None:
        """Any message in a DM proves the DM works: clear the flag, send what waits."""
        try:
            async with self._sessions() as session, session.begin():
                woken = await PrivateDeliveryRepository(session).dm_opened(
                    platform, user_id, self._clock.now()
                )
        except Exception:
            log.exception("could not wake the messages waiting for a %s user", platform)
            return
        if woken:
            self._wake()
