"""How an adapter delivers the core's outbound list when it has no richer reply channel."""

from __future__ import annotations

import logging

from bot.core.events import Event, Outbound, OutMessage
from bot.core.markup import Mention, Span, fmt
from bot.core.messenger import Messenger, RecipientUnreachable

log = logging.getLogger(__name__)


async def deliver(messenger: Messenger, event: Event, outbound: list[Outbound]) -> None:
    """Sends replies to the event's chat, private ones by DM with a group fallback."""
    address = event.address
    for item in outbound:
        if item.platform not in (None, messenger.platform):
            log.warning("outbound for %s dropped: no cross-platform route yet", item.platform)
            continue
        if item.user_id is not None:
            await messenger.send_dm(item.user_id, item.message)
        elif item.private:
            try:
                await messenger.send_dm(address.user_id, item.message)
            except RecipientUnreachable:
                mention = Mention(address.platform, address.user_id)  # so they notice it
                notice = fmt(
                    "{name}, I can't message you privately yet. Open a chat with me and send "
                    "/start, then try again.",
                    {"name": Span(event.sender.display_name, mention=mention)},
                )
                await messenger.send(address.chat_id, OutMessage(notice))
        else:
            await messenger.send(item.chat_id or address.chat_id, item.message)
