"""Telegram updates as core events: messages, commands, mentions and button presses."""

from __future__ import annotations

from telegram import CallbackQuery, Chat, ChatMember, ChatMemberUpdated, MessageEntity, User
from telegram import Message as TgMessage

from adapters.telegram.render import PLATFORM, parse_callback_data
from bot.core.events import Address, ButtonPress, ChatKind, MemberLeft, Message, Sender, UserRef

GONE = (ChatMember.LEFT, ChatMember.BANNED)
"""Member statuses that mean "no longer in the group" (left, or removed by an admin)."""


def chat_kind(chat: Chat) -> ChatKind | None:
    """Groups and supergroups are communities, private chats are DMs; channels are ignored."""
    if chat.type == Chat.PRIVATE:
        return ChatKind.DM
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return ChatKind.GROUP
    return None


def sender(user: User) -> Sender:
    """The acting person; admin status is asked lazily (and cached) by the messenger."""
    return Sender(display_name=user.full_name, username=user.username, language=user.language_code)


def addressed_elsewhere(message: TgMessage, bot_username: str) -> bool:
    """Whether the message starts with `/cmd@other_bot`, which is for another bot."""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            _, at, target = message.parse_entity(entity).partition("@")
            return bool(at) and target.lower() != bot_username.lower()
    return False


def addressed_to_bot(message: TgMessage, bot_username: str) -> bool:
    """Whether the message names this bot (`/cmd@thisbot`) or replies to one of its messages."""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            _, at, target = message.parse_entity(entity).partition("@")
            if at and target.lower() == bot_username.lower():
                return True
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    return (
        author is not None
        and author.is_bot
        and (author.username or "").lower() == bot_username.lower()
    )


def _utf16_replace(text: str, offset: int, length: int, replacement: str) -> str:
    """Replaces a span given in UTF-16 code units, as Telegram counts entity offsets."""
    encoded = text.encode("utf-16-le")
    start, end = offset * 2, (offset + length) * 2
    return encoded[:start].decode("utf-16-le") + replacement + encoded[end:].decode("utf-16-le")


def mentions_and_text(message: TgMessage) -> tuple[tuple[UserRef, ...], str]:
    """People named by mention entities, and the text with nameless mentions made ids.

    A `text_mention` (a person without a username) shows a free-form name that may hold
    spaces; in a command it is replaced by the user id, which the core resolves exactly.
    """
    text = message.text or ""
    is_command = any(
        entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0
        for entity in message.entities
    )
    refs: list[UserRef] = []
    replacements: list[tuple[int, int, str]] = []
    for entity in message.entities:
        if entity.type != MessageEntity.TEXT_MENTION or entity.user is None:
            continue
        user = entity.user
        refs.append(UserRef(str(user.id), message.parse_entity(entity), user.username))
        if is_command:
            replacements.append((entity.offset, entity.length, str(user.id)))
    for offset, length, replacement in sorted(replacements, reverse=True):
        text = _utf16_replace(text, offset, length, replacement)
    return tuple(refs), text


def to_message(message: TgMessage, bot_username: str) -> Message | None:
    """A text message from a person in a group or DM, or None when the core needn't see it."""
    user = message.from_user
    kind = chat_kind(message.chat)
    if user is None or user.is_bot or kind is None or message.text is None:
        return None
    if addressed_elsewhere(message, bot_username):
        return None
    refs, text = mentions_and_text(message)
    reply_to = message.reply_to_message
    return Message(
        address=Address(PLATFORM, str(message.chat.id), str(user.id)),
        chat_kind=kind,
        sender=sender(user),
        text=text,
        chat_title=message.chat.title or "",
        message_id=str(message.message_id),
        reply_to_message_id=None if reply_to is None else str(reply_to.message_id),
        mentions=refs,
        addressed_to_bot=addressed_to_bot(message, bot_username),
    )


def to_button_press(query: CallbackQuery) -> ButtonPress | None:
    """A press on one of our inline buttons, or None when its data or chat is unknown."""
    parsed = parse_callback_data(query.data)
    message = query.message
    if parsed is None or message is None:
        return None
    kind = chat_kind(message.chat)
    if kind is None:
        return None
    action, payload = parsed
    return ButtonPress(
        address=Address(PLATFORM, str(message.chat.id), str(query.from_user.id)),
        chat_kind=kind,
        sender=sender(query.from_user),
        action=action,
        payload=payload,
        chat_title=message.chat.title or "",
        message_id=str(message.message_id),
    )


def _left(chat: Chat, person: User | None) -> MemberLeft | None:
    if person is None or person.is_bot or chat_kind(chat) is not ChatKind.GROUP:
        return None
    return MemberLeft(Address(PLATFORM, str(chat.id), str(person.id)))


def left_from_message(message: TgMessage) -> MemberLeft | None:
    """The `left_chat_member` service message a group shows when someone leaves."""
    return _left(message.chat, message.left_chat_member)


def left_from_update(update: ChatMemberUpdated) -> MemberLeft | None:
    """A `chat_member` update whose new status is left or kicked (banned)."""
    if update.new_chat_member.status not in GONE or update.old_chat_member.status in GONE:
        return None
    return _left(update.chat, update.new_chat_member.user)
