"""What the dashboard needs from the running bot, handed in by `bot.app.Core`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.i18n import Translator
from bot.core.messenger import Messenger
from bot.web.dashboard.telegram_login import TelegramLogin

IDLE_LIMIT_HOURS = 12
SESSION_COOKIE = "mentorbot_session"


@dataclass(frozen=True, slots=True)
class DashboardDeps:
    """The database, clock and catalogs, the platforms (for the admin half of the organizer
    rule) and the schedule engine's re-plan hook, so a change takes effect at once."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    translator: Translator
    messengers: Mapping[str, Messenger]
    public_url: str
    default_language: str
    replan: Callable[[int], Awaitable[None]]
    telegram_login: TelegramLogin | None = None  # the login widget, when configured

    @property
    def secure_cookies(self) -> bool:
        """Cookies are `Secure` exactly when the public address is https."""
        return self.public_url.lower().startswith("https://")
