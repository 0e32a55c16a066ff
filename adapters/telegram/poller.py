"""Long polling that confirms a batch of updates to Telegram only after it was handled.

PTB's Updater confirms a batch with the next getUpdates, before the batch is handled: a
process killed in between loses those updates. Here the offset moves only after every
update of a batch was handled, so a receiver that dies leaves its batch to the next one
(answers already sent for that batch may repeat, like any send in flight), and one that
stops confirms exactly what it handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import TelegramError

log = logging.getLogger(__name__)

Handle = Callable[[Sequence[Update]], Awaitable[None]]
MAX_BACKOFF = 10.0


class ConfirmingPoller:
    """One receiver's getUpdates loop; `stop` confirms what it handled and nothing more."""

    def __init__(
        self,
        bot: Bot,
        handle: Handle,
        on_error: Callable[[TelegramError], None],
        *,
        timeout: int,
        allowed_updates: Sequence[str],
    ) -> None:
        self._bot = bot
        self._handle = handle
        self._on_error = on_error
        self._timeout = timeout
        self._allowed = list(allowed_updates)
        self._offset: int | None = None  # None: start at the first unconfirmed update
        self._stopping = False
        self._poll: asyncio.Task[tuple[Update, ...]] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether the loop is polling or handling a batch."""
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Drops a webhook (polling and webhooks exclude each other) and starts polling."""
        await self._bot.delete_webhook()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="telegram-poller")

    async def stop(self) -> None:
        """Stops polling, lets the batch in hand finish, then confirms it to Telegram."""
        self._stopping = True
        if self._poll is not None:
            self._poll.cancel()  # nothing of an unfinished poll was confirmed
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._offset is not None:
            try:
                await self._bot.get_updates(
                    offset=self._offset, timeout=0, allowed_updates=self._allowed
                )
            except TelegramError as error:
                log.warning("telegram: could not confirm the last handled updates: %s", error)

    async def _run(self) -> None:
        backoff = 1.0
        while not self._stopping:
            self._poll = asyncio.create_task(
                self._bot.get_updates(
                    offset=self._offset, timeout=self._timeout, allowed_updates=self._allowed
                )
            )
            try:
                updates = await self._poll
            except asyncio.CancelledError:
                if self._stopping:
                    return
                raise
            except TelegramError as error:
                self._on_error(error)
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
                continue
            finally:
                self._poll = None
            backoff = 1.0
            if updates:
                await self._handle(updates)
                self._offset = updates[-1].update_id + 1
