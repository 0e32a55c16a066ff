"""The Discord adapter: a discord.py client on the core's loop, translating both ways."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.intents import gateway_intents, give_up_one, refused_privileged
from adapters.discord.localize import CatalogTranslator
from adapters.discord.messenger import DiscordMessenger
from adapters.discord.render import PLATFORM, Part, parts
from adapters.discord.translate import (
    button_event,
    command_event,
    left_events,
    message_event,
    slash_command,
)
from bot.core.events import Event, Outbound, OutMessage
from bot.core.i18n import N_
from bot.core.languages import platform_language
from bot.core.messenger import DeliveryError
from bot.core.registry import CommandSpec, Registry, Suggest
from bot.core.router import Router

log = logging.getLogger(__name__)

API_PATH = "/api/v10"
COMMAND_FAILED = N_("Sorry, I couldn't read that command's options. Please try again.")
DONE_MARK = "\N{WHITE HEAVY CHECK MARK}"
"""Fills a public "thinking" placeholder whose real answer turned out to be private."""


def api_base(url: str) -> str:
    """A proxy's base URL as discord.py's Route.BASE; a bare host gets Discord's /api/v10."""
    parsed = yarl.URL(url.rstrip("/"))
    if parsed.path in ("", "/"):
        return str(parsed.with_path(API_PATH))
    return str(parsed)


@dataclass(slots=True)
class _Reply:
    """Where the next piece of an interaction's answer goes."""

    placeholder: bool = False
    expired: bool = False
    """The interaction could no longer be answered: the rest goes as ordinary posts."""


class _Client(discord.Client):
    """discord.py's client; every event it receives is handed to the adapter."""

    def __init__(self, adapter: DiscordAdapter, **options: Any) -> None:
        super().__init__(**options)
        self.tree: app_commands.CommandTree[_Client] = app_commands.CommandTree(self)
        self.tree.error(adapter.on_command_error)
        self._adapter = adapter

    async def setup_hook(self) -> None:
        """Registers and syncs slash commands once per login, before the gateway connects."""
        await self._adapter.register_commands(self.tree)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Component presses (slash commands go through the command tree)."""
        if interaction.type is discord.InteractionType.component:
            await self._adapter.on_button(interaction)

    async def on_message(self, message: discord.Message) -> None:
        """Text messages: commands typed as text, and free text where content is visible."""
        if message.author.bot or not message.content:
            return
        await self._adapter.on_message(message)

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Someone left the server or was removed (no member cache needed)."""
        await self._adapter.on_member_remove(payload)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Global commands already cover a new server; this only records the join."""
        log.info("discord: joined guild %s", guild.id)


class _ShardedClient(_Client, discord.AutoShardedClient):
    """The same client running the shards DISCORD_SHARD_IDS names (all when unset)."""


class DiscordAdapter:
    """Serves the core on Discord: slash commands, buttons, DMs and channel posts."""

    def __init__(
        self,
        router: Router,
        registry: Registry,
        token: str,
        *,
        api_base_url: str | None = None,
        gateway_url: str | None = None,
        message_content: bool = False,
        members: bool = True,
        response_deadline: float = 2.0,
        ready_timeout: float = 30.0,
        guild_ready_timeout: float = 2.0,
        shard_count: int | None = None,
        shard_ids: Sequence[int] | None = None,
    ) -> None:
        self._router = router
        self._registry = registry
        self._token = token
        self._api_base_url = api_base(api_base_url) if api_base_url else None
        self._gateway_url = gateway_url
        self._response_deadline = response_deadline
        self._ready_timeout = ready_timeout
        # mentorbot never joins voice, so the missing voice libraries are not worth a warning.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = gateway_intents(message_content=message_content, members=members)
        sharding: dict[str, Any] = {}
        client_class: type[_Client] = _Client
        if shard_count is not None:  # split across processes; one process alone needs none
            client_class = _ShardedClient
            sharding = {"shard_count": shard_count, "shard_ids": list(shard_ids or ()) or None}
        self._client = client_class(
            self,
            **sharding,
            intents=intents,
            chunk_guilds_at_startup=False,
            guild_ready_timeout=guild_ready_timeout,
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=60.0,
        )
        self._messenger = DiscordMessenger(self._client)
        self._gateway: asyncio.Task[None] | None = None
        self._saved_endpoints: tuple[str, yarl.URL] | None = None
        self._closing = False
        self._handling: set[asyncio.Task[Any]] = set()

    @property
    def messenger(self) -> DiscordMessenger:
        """The port the core and the delivery engine send through."""
        return self._messenger

    def connected(self) -> bool:
        """Whether every gateway session is open and READY (asked by /readyz)."""
        client = self._client
        if client.is_closed() or not client.is_ready():
            return False
        if isinstance(client, discord.AutoShardedClient):
            return all(not shard.is_closed() for shard in client.shards.values())
        websocket = getattr(client, "ws", None)
        return websocket is not None and bool(websocket.open)

    @property
    def stopping(self) -> bool:
        """True once stop() began: new events are ignored, those in hand finish."""
        return self._closing

    @property
    def client(self) -> discord.Client:
        """The underlying discord.py client (for diagnostics and tests)."""
        return self._client

    async def start(self) -> None:
        """Logs in, syncs commands, connects; returns once READY (or after ready_timeout)."""
        self._apply_endpoints()
        await self._client.login(self._token)
        done, ready = await self._connect()
        intents = self._client._connection._intents
        while (
            self._gateway in done
            and refused_privileged(self._gateway.exception(), intents)
            and give_up_one(intents)
        ):
            done, ready = await self._connect()
        assert self._gateway is not None
        if self._gateway in done:
            self._gateway.result()
            raise ConnectionError("the Discord gateway closed before READY")
        if ready not in done:
            log.warning("discord: not READY after %.0fs; still connecting", self._ready_timeout)
            return
        user = self._client.user
        log.info("discord: connected as user %s", user.id if user else "?")

    async def _connect(self) -> tuple[set[asyncio.Task[None]], asyncio.Task[None]]:
        """Opens the gateway and waits for READY, for it to close, or for the timeout."""
        self._gateway = asyncio.create_task(self._client.connect(), name="discord-gateway")
        ready = asyncio.create_task(self._client.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._gateway},
            timeout=self._ready_timeout,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if ready not in done:
            ready.cancel()
        return done, ready

    async def stop(self, drain: float = 3.0) -> None:
        """Takes no new events, lets those in hand answer (up to `drain` s), then closes.

        Safe after a failed start.
        """
        self._closing = True
        if self._handling:
            await asyncio.wait(set(self._handling), timeout=drain)
        await self._client.close()
        if self._gateway is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._gateway
        self._restore_endpoints()

    def _apply_endpoints(self) -> None:
        """Points discord.py at a proxy or test server (process-wide library settings)."""
        self._saved_endpoints = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        if self._api_base_url:
            Route.BASE = self._api_base_url
        if self._gateway_url:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self._gateway_url)

    def _restore_endpoints(self) -> None:
        if self._saved_endpoints is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved_endpoints
            self._saved_endpoints = None

    async def register_commands(self, tree: app_commands.CommandTree[Any]) -> None:
        """One global slash command per core command, synced in one bulk overwrite."""
        tree.clear_commands(guild=None)
        await tree.set_translator(CatalogTranslator(self._router.translator))
        for spec in self._registry.commands.values():
            tree.add_command(slash_command(spec, self.on_command, self.complete))
        try:
            synced = await tree.sync()
        except discord.HTTPException:
            log.exception("discord: syncing slash commands failed; old ones stay until next start")
            return
        log.info("discord: synced %d slash commands", len(synced))

    async def complete(
        self, interaction: discord.Interaction, kind: Suggest, current: str
    ) -> list[app_commands.Choice[Any]]:
        """Autocomplete for topics and request numbers, from this channel's community only."""
        choices = await self._router.suggest(
            PLATFORM, str(interaction.channel_id or ""), kind, current
        )
        return [app_commands.Choice(name=label, value=value) for label, value in choices]

    async def on_command(
        self, spec: CommandSpec, interaction: discord.Interaction, values: Mapping[str, Any]
    ) -> None:
        """A slash command: translate, let the core answer, reply through the interaction."""
        if not self._taking():
            return
        await self._answer(interaction, command_event(spec, interaction, values), command=True)

    async def on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Options discord.py could not read never reach the core; the person still hears back."""
        name = interaction.command.name if interaction.command else "?"
        log.warning("discord: /%s failed before the core: %s", name, type(error).__name__)
        log.debug("discord: /%s error detail", name, exc_info=error)
        if not interaction.response.is_done():
            # Nothing was loaded: the person's own Discord language, as the core's first words.
            language = platform_language(interaction.locale.value) or "en"
            text = self._router.translator.gettext(language, COMMAND_FAILED)
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.send_message(text, ephemeral=True)

    async def on_button(self, interaction: discord.Interaction) -> None:
        """A press on a core button, also on messages sent before a restart."""
        if not self._taking():
            return
        event = button_event(interaction)
        if event is not None:
            await self._answer(interaction, event, command=False)

    async def on_message(self, message: discord.Message) -> None:
        """Text without an interaction: replies are posted, private ones by DM."""
        if not self._taking():
            return
        me = self._client.user
        event = message_event(message, me.id if me is not None else None)
        await self._post(event, await self._router.handle(event, self._messenger))

    async def on_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """A member left the server: they leave every channel community of it."""
        if not self._taking() or payload.user.bot:
            return
        guild = self._client.get_guild(payload.guild_id)
        if guild is None:
            log.warning("discord: a member left guild %s, which is not cached", payload.guild_id)
            return
        for event in left_events(guild, payload.user.id):
            await self._router.member_left(event)

    def _taking(self) -> bool:
        """False once stopping; else counts the current event as in hand until it finishes."""
        if self._closing:
            return False
        task = asyncio.current_task()
        if task is not None:
            self._handling.add(task)
            task.add_done_callback(self._handling.discard)
        return True

    async def _answer(
        self, interaction: discord.Interaction, event: Event, *, command: bool
    ) -> None:
        """Answers in Discord's 3-second window: directly when the core is quick, else deferred.

        A quick answer keeps each reply's own visibility (ephemeral or public). When the core
        is slow, a public "thinking" placeholder (commands) or a silent acknowledgement
        (buttons) is sent first; private replies then never land in the public placeholder.
        """
        handling = asyncio.create_task(self._router.handle(event, self._messenger))
        done, _ = await asyncio.wait({handling}, timeout=self._response_deadline)
        reply = _Reply()
        try:
            if not done:
                await interaction.response.defer(thinking=command)
                reply.placeholder = command
            outbound = await handling
            await self._reply(interaction, event, outbound, reply)
        except discord.NotFound:
            if interaction.response.is_done():
                log.warning("discord: interaction %s expired mid-answer", interaction.id)
                return
            log.warning("discord: interaction %s expired; posting instead", interaction.id)
            await self._post(event, await handling)
        except (discord.HTTPException, DeliveryError) as error:
            log.warning("discord: answering interaction %s failed: %s", interaction.id, error)

    async def _post(self, event: Event, outbound: list[Outbound]) -> None:
        """Delivers without an interaction: channel posts, private replies by DM or waiting."""
        await self._router.replies.deliver(self._messenger, event, outbound)

    async def _reply(
        self,
        interaction: discord.Interaction,
        event: Event,
        outbound: list[Outbound],
        reply: _Reply,
    ) -> None:
        """Delivers through the core's path; answers in this chat go through the interaction."""

        async def here(message: OutMessage, private: bool) -> bool:
            if reply.expired:
                return False
            try:
                for part in parts(message):
                    await self._respond(interaction, part, private, reply)
            except discord.NotFound:
                if interaction.response.is_done():
                    raise DeliveryError("interaction expired mid-answer", permanent=True) from None
                log.warning("discord: interaction %s expired; posting instead", interaction.id)
                reply.expired = True
                return False
            except discord.HTTPException as error:
                raise DeliveryError(
                    f"discord {error.status} ({error.code})", permanent=True
                ) from error
            return True

        await self._router.replies.deliver(self._messenger, event, outbound, here=here)
        if reply.expired:
            return
        try:
            if not interaction.response.is_done():
                if interaction.type is discord.InteractionType.component:
                    await interaction.response.defer()
                else:
                    await interaction.response.send_message(DONE_MARK, ephemeral=True)
            elif reply.placeholder:
                await interaction.edit_original_response(content=DONE_MARK)
        except discord.NotFound:  # the replies went out; only the acknowledgement is late
            log.warning(
                "discord: interaction %s expired before its acknowledgement", interaction.id
            )

    async def _respond(
        self, interaction: discord.Interaction, part: Part, private: bool, reply: _Reply
    ) -> None:
        """Sends one piece: the interaction response first, then followups."""
        content = part.content
        extras = part.send_kwargs()
        if not interaction.response.is_done():
            await interaction.response.send_message(content, ephemeral=private, **extras)
            return
        if reply.placeholder and private:
            await interaction.edit_original_response(content=DONE_MARK)
        reply.placeholder = False
        await interaction.followup.send(content, ephemeral=private, **extras)  # type: ignore[arg-type]
