"""Gateway intents: what the bot asks Discord for, and which privileged one it gives up first
when the Developer Portal has it switched off (Discord closes with 4014 without naming it)."""

from __future__ import annotations

import logging

import discord

log = logging.getLogger(__name__)

GIVE_UP_ORDER = (
    (
        "members",
        "discord: a privileged intent was refused; retrying without Server Members "
        "(enable it in the Developer Portal to notice people who leave)",
    ),
    (
        "message_content",
        # Free text then stays unseen; slash commands, buttons and DMs work, so go on
        # without it rather than not at all.
        "discord: Message Content intent refused (enable it in the Developer Portal); "
        "continuing without it: use slash commands in channels",
    ),
)


def gateway_intents(*, message_content: bool, members: bool) -> discord.Intents:
    """Guilds, guild and DM messages; Message Content and Server Members when asked for."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = message_content
    intents.members = members  # for GUILD_MEMBER_REMOVE: who left a server
    return intents


def refused_privileged(error: BaseException | None, intents: discord.Intents) -> bool:
    """Whether the gateway closed because a requested privileged intent is not enabled."""
    asked = intents.message_content or intents.members
    return isinstance(error, discord.PrivilegedIntentsRequired) and bool(asked)


def give_up_one(intents: discord.Intents) -> bool:
    """Drops the next privileged intent still asked for, saying why; False when none is left."""
    for name, warning in GIVE_UP_ORDER:
        if getattr(intents, name):
            log.warning(warning)
            setattr(intents, name, False)
            return True
    return False
