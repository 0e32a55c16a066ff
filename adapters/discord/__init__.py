"""Discord adapter (discord.py). Never run a file here as a script: it shadows `discord`."""

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.messenger import DiscordMessenger

__all__ = ["DiscordAdapter", "DiscordMessenger"]
