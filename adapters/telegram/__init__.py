"""Telegram through python-telegram-bot. Import it, never run a file here as a script."""

from adapters.telegram.adapter import TelegramAdapter, TelegramConfig, community_mover

__all__ = ["TelegramAdapter", "TelegramConfig", "community_mover"]
