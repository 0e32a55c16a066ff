"""The Telegram Login Widget: checks the fields Telegram signed with the bot's token, so a
login proves the Telegram user id without any password or link."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

MAX_AGE = timedelta(days=1)
WIDGET_SCRIPT = "https://telegram.org/js/telegram-widget.js?22"
CALLBACK_PATH = "/login/telegram"
# Exactly what the widget needs: its script from telegram.org, its frame from oauth.telegram.org.
WIDGET_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "script-src https://telegram.org; frame-src https://oauth.telegram.org; "
    "frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True, slots=True)
class TelegramLogin:
    """The bot whose widget the login page shows, and its token that checks the signature."""

    bot_username: str
    token: str = field(repr=False)


def signed_user_id(login: TelegramLogin, fields: Mapping[str, str], now: datetime) -> str | None:
    """The Telegram user id when the fields carry Telegram's valid, fresh signature; else None."""
    received = fields.get("hash", "")
    user_id = fields.get("id", "")
    stamp = fields.get("auth_date", "")
    if not (received and user_id.isascii() and user_id.isdigit() and stamp.isascii()):
        return None
    if not (stamp.isdigit() and len(stamp) <= 12):
        return None
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()) if key != "hash")
    secret = hashlib.sha256(login.token.encode()).digest()
    expected = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), received.encode()):
        return None
    signed_at = datetime.fromtimestamp(int(stamp), tz=UTC)
    if signed_at > now or now - signed_at > MAX_AGE:
        return None
    return user_id
