"""Discord interactions and messages as core events, and the registry as slash commands."""

from __future__ import annotations

import inspect
import keyword
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

import discord
from discord import app_commands
from discord.app_commands.transformers import RangeTransformer

from adapters.discord.localize import described
from adapters.discord.render import PLATFORM, parse_custom_id
from bot.core.events import Address, ButtonPress, ChatKind, MemberLeft, Message, Sender, UserRef
from bot.core.registry import CommandSpec, Param, ParamKind, Suggest, Where

DESCRIPTION_LIMIT = 100
STRING_OPTION_LIMIT = 6000
INT_OPTION_MAX = 999_999_999

OnCommand = Callable[[CommandSpec, discord.Interaction, Mapping[str, Any]], Awaitable[None]]


def _short(text: str) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def _annotation(param: Param) -> Any:
    if param.kind is ParamKind.PERSON:
        return discord.User
    if param.kind is ParamKind.CHOICE:
        return str
    if param.kind is ParamKind.INT:
        return RangeTransformer(discord.AppCommandOptionType.integer, min=0, max=INT_OPTION_MAX)
    return RangeTransformer(
        discord.AppCommandOptionType.string, max=min(param.max_length, STRING_OPTION_LIMIT)
    )


def _python_name(param: Param, index: int) -> str:
    if param.name.isidentifier() and not keyword.iskeyword(param.name):
        return param.name
    return f"option_{index}"


Complete = Callable[[discord.Interaction, Suggest, str], Awaitable[list[app_commands.Choice[Any]]]]


def _completer(
    complete: Complete, kind: Suggest
) -> Callable[[discord.Interaction, str], Coroutine[Any, Any, list[app_commands.Choice[Any]]]]:
    async def autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[Any]]:
        return await complete(interaction, kind, current)

    return autocomplete


def slash_command(
    spec: CommandSpec, on_command: OnCommand, complete: Complete | None = None
) -> app_commands.Command[Any, ..., None]:
    """One native slash command per core command, with typed options from its params."""
    names = {_python_name(param, index): param for index, param in enumerate(spec.params)}

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await on_command(
            spec, interaction, {names[key].name: value for key, value in values.items()}
        )

    parameters = [
        inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Any)
    ]
    for key, param in names.items():
        parameters.append(
            inspect.Parameter(
                key,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=_annotation(param),
                default=inspect.Parameter.empty if param.required else None,
            )
        )
    # discord.py reads options from the callback's signature and these attributes.
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        key: described(_short(param.description), param.description) for key, param in names.items()
    }
    callback.__discord_app_commands_param_rename__ = {  # type: ignore[attr-defined]
        key: param.name for key, param in names.items() if key != param.name
    }
    callback.__discord_app_commands_param_choices__ = {  # type: ignore[attr-defined]
        key: [app_commands.Choice(name=choice, value=choice) for choice in param.choices]
        for key, param in names.items()
        if param.kind is ParamKind.CHOICE and param.choices
    }
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=spec.name, description=described(_short(spec.summary), spec.summary), callback=callback
    )
    if complete is not None:
        for key, param in names.items():
            if param.suggest is not None:
                command.autocomplete(key)(_completer(complete, param.suggest))
    if spec.where is Where.GROUP:
        command.guild_only = True
    return command


def _kind(interaction_guild: int | None) -> ChatKind:
    return ChatKind.DM if interaction_guild is None else ChatKind.GROUP


def _title(channel: object, guild: discord.Guild | None) -> str:
    name = getattr(channel, "name", None)
    if guild is not None and name:
        return f"{guild.name} #{name}"
    return f"#{name}" if name else ""


def _is_organizer(permissions: discord.Permissions) -> bool:
    """Organizers are members who may manage the server (or administer it)."""
    return permissions.administrator or permissions.manage_guild


def interaction_sender(interaction: discord.Interaction) -> Sender:
    """Who acted; admin rights come from the member permissions Discord sent along."""
    user = interaction.user
    admin = False if interaction.guild_id is None else _is_organizer(interaction.permissions)
    return Sender(
        display_name=user.display_name,
        username=user.name,
        is_admin=admin,
        language=str(interaction.locale.value),
    )


def _address(interaction: discord.Interaction) -> Address:
    channel_id = interaction.channel_id
    return Address(PLATFORM, str(channel_id or ""), str(interaction.user.id))


def command_event(
    spec: CommandSpec, interaction: discord.Interaction, values: Mapping[str, Any]
) -> Message:
    """A slash command as the core's typed command message."""
    options: dict[str, str] = {}
    mentions: list[UserRef] = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, discord.abc.User):
            options[name] = str(value.id)
            mentions.append(UserRef(str(value.id), value.display_name, value.name))
        elif isinstance(value, discord.Object):  # a user Discord could not resolve
            options[name] = str(value.id)
        else:
            options[name] = str(value)
    text = " ".join([f"/{spec.name}", *options.values()])
    return Message(
        address=_address(interaction),
        chat_kind=_kind(interaction.guild_id),
        sender=interaction_sender(interaction),
        text=text,
        chat_title=_title(interaction.channel, interaction.guild),
        message_id=str(interaction.id),
        mentions=tuple(mentions),
        command=spec.name,
        options=options,
        addressed_to_bot=True,  # a slash command is always ours
    )


def button_event(interaction: discord.Interaction) -> ButtonPress | None:
    """A press on one of our components; None for components the core did not make."""
    data: Mapping[str, Any] = interaction.data or {}
    raw = data.get("custom_id")
    parsed = parse_custom_id(raw) if isinstance(raw, str) else None
    if parsed is None:
        return None
    action, payload = parsed
    message = interaction.message
    return ButtonPress(
        address=_address(interaction),
        chat_kind=_kind(interaction.guild_id),
        sender=interaction_sender(interaction),
        action=action,
        payload=payload,
        chat_title=_title(interaction.channel, interaction.guild),
        message_id=str(message.id) if message is not None else None,
    )


def addressed_to_bot(message: discord.Message, bot_id: int | None) -> bool:
    """Whether a text message mentions this bot or replies to one of its messages."""
    if bot_id is None:
        return False
    if any(user.id == bot_id for user in message.mentions):
        return True
    reference = message.reference
    replied = reference.resolved if reference is not None else None
    return isinstance(replied, discord.Message) and replied.author.id == bot_id


def message_event(message: discord.Message, bot_id: int | None = None) -> Message:
    """A plain channel or DM message (free text, or a command typed as text).

    `bot_id` is this bot's user id: a text `/cmd` in a channel is ours only if it names us.
    """
    author = message.author
    guild = message.guild
    admin: bool | None = None
    if guild is None:
        admin = False
    elif isinstance(author, discord.Member):
        admin = _is_organizer(author.guild_permissions)
    reference = message.reference
    return Message(
        address=Address(PLATFORM, str(message.channel.id), str(author.id)),
        chat_kind=ChatKind.DM if guild is None else ChatKind.GROUP,
        sender=Sender(display_name=author.display_name, username=author.name, is_admin=admin),
        text=message.content,
        chat_title=_title(message.channel, guild),
        message_id=str(message.id),
        reply_to_message_id=str(reference.message_id)
        if reference is not None and reference.message_id is not None
        else None,
        mentions=tuple(
            UserRef(str(user.id), user.display_name, user.name)
            for user in message.mentions
            if not user.bot
        ),
        addressed_to_bot=addressed_to_bot(message, bot_id),
    )


def left_events(guild: discord.Guild, user_id: int) -> list[MemberLeft]:
    """Someone left a server: a community is a channel (or thread), so one event for each."""
    chats = [*guild.channels, *guild.threads]
    return [
        MemberLeft(Address(PLATFORM, str(chat.id), str(user_id)))
        for chat in chats
        if not isinstance(chat, discord.CategoryChannel)
    ]
