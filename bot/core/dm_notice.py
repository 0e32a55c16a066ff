"""The content-free group notice for someone the bot cannot reach by DM, written once."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.events import Button, OutMessage
from bot.core.i18n import N_, Translator
from bot.core.markup import Mention, Span, fmt
from bot.core.platform import PlatformInfo

NOTICE_WINDOW = timedelta(hours=6)
"""At most one notice per person per group in this window: a group is not a retry loop."""
NOTICE = N_("{name}, I have a private message for you, but I can't send it to you by DM yet.")
OPEN_DM_ACTION = "open-dm"


def notice_key(platform: str, user_id: str, chat_id: str, now: datetime) -> str:
    """The outbox key that makes the notice happen once per person, group and window."""
    window = int(now.timestamp() // NOTICE_WINDOW.total_seconds())
    return f"dm-notice:{platform}:{chat_id}:{user_id}:{window}"


def dm_notice(
    info: PlatformInfo,
    translator: Translator,
    language: str,
    user_id: str,
    display_name: str,
) -> OutMessage:
    """Names the person once and says how to open the DM; never carries the private text."""
    name = Span(display_name, mention=Mention(info.name, user_id))
    text = (
        *fmt(translator.gettext(language, NOTICE), {"name": name}),
        Span("\n"),
        *fmt(translator.gettext(language, info.open_dm_help)),
    )
    if info.open_dm_url is None:
        return OutMessage(text)
    label = translator.gettext(language, info.open_dm_label)
    return OutMessage(text, ((Button(label, OPEN_DM_ACTION, url=info.open_dm_url),),))
