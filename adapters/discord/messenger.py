"""The Messenger port on Discord: channel posts, DMs, and who may manage the server."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

from adapters.discord.render import PLATFORM, TEXT_LIMIT, nonce, parts
from bot.core.events import OutMessage
from bot.core.messenger import DeliveryError, RateLimited, RecipientUnreachable
from bot.core.platform import PlatformInfo

log = logging.getLogger(__name__)

CANNOT_MESSAGE_USER = 50007
INFO = PlatformInfo(
    PLATFORM,
    "Discord",
    dm_needs_opt_in=False,
    open_dm_help=(
        "Allow direct messages from members of this server (server menu → Privacy Settings), "
        "then send me any message in a DM and I'll send it to you there."
    ),
)
"""No link opens a DM with a bot on Discord: people allow DMs from server members instead."""
T = TypeVar("T")


async def translate_errors(call: Callable[[], Awaitable[T]]) -> T:
    """Discord's exceptions as the port's errors, so the delivery engine can decide."""
    try:
        return await call()
    except discord.RateLimited as error:
        raise RateLimited(error.retry_after) from error
    except (discord.Forbidden, discord.NotFound) as error:
        raise DeliveryError(f"discord {error.status} ({error.code})", permanent=True) from error
    except discord.HTTPException as error:
        permanent = 400 <= error.status < 500 and error.status != 429
        raise DeliveryError(
            f"discord {error.status} ({error.code})", permanent=permanent
        ) from error


class DiscordMessenger:
    """Sends through a logged-in discord.py client; ids are snowflakes as strings."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    @property
    def platform(self) -> str:
        """Always `discord`."""
        return PLATFORM

    @property
    def text_limit(self) -> int:
        """Discord's message content limit; longer text is split."""
        return TEXT_LIMIT

    @property
    def info(self) -> PlatformInfo:
        """Discord lets bots DM server members unless they closed their DMs."""
        return INFO

    async def send(self, chat_id: str, message: OutMessage, *, key: str | None = None) -> str:
        """Posts in a channel; a key becomes the nonce (enforced), so repeats are dropped."""
        channel = self._client.get_partial_messageable(int(chat_id))
        return await translate_errors(lambda: self._post(channel, message, key))

    async def send_dm(self, user_id: str, message: OutMessage, *, key: str | None = None) -> str:
        """Opens (or reuses) the DM channel and posts there; closed DMs are unreachable."""

        async def attempt() -> str:
            try:
                channel = await self._client.create_dm(discord.Object(int(user_id)))
                return await self._post(channel, message, key)
            except (discord.Forbidden, discord.NotFound) as error:
                if error.code != CANNOT_MESSAGE_USER:
                    log.info("discord DM to %s refused with code %s", user_id, error.code)
                raise RecipientUnreachable(f"discord {error.status} ({error.code})") from error

        return await translate_errors(attempt)

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Whether the user may manage the server the channel belongs to."""
        channel = self._client.get_channel(int(chat_id))
        if channel is None:
            try:
                channel = await self._client.fetch_channel(int(chat_id))
            except (discord.NotFound, discord.Forbidden):
                return False
        guild = getattr(channel, "guild", None)
        if not isinstance(guild, discord.Guild):
            return False
        member = guild.get_member(int(user_id))
        if member is None:
            try:
                member = await guild.fetch_member(int(user_id))
            except (discord.NotFound, discord.Forbidden):
                return False
        permissions = member.guild_permissions
        return permissions.administrator or permissions.manage_guild

    async def _post(
        self, channel: discord.abc.Messageable, message: OutMessage, key: str | None
    ) -> str:
        """Posts every piece of a message; returns the id of the last (it has the buttons)."""
        last = ""
        for index, part in enumerate(parts(message)):
            extras = part.send_kwargs()
            if key is not None:
                extras["nonce"] = nonce(key, index)
            sent = await channel.send(part.content, **extras)
            last = str(sent.id)
        return last
