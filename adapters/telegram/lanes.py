"""Concurrent Telegram updates that stay in order per chat and per person."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB takes its own semaphore before handing us an update; a wait there could let a later
# update of the same chat overtake an earlier one, so it gets a bound it never reaches and the
# real bound is taken below, after the update's lanes.
_NEVER_REACHED = 1_000_000


def lane_keys(update: object) -> tuple[Hashable, ...]:
    """The lanes an update must keep its place in: its chat's and its sender's."""
    if not isinstance(update, Update):
        return ()
    keys: list[Hashable] = []
    if update.effective_chat is not None:
        keys.append(("chat", update.effective_chat.id))
    if update.effective_user is not None:
        keys.append(("user", update.effective_user.id))
    return tuple(keys)


class ChatLanes(BaseUpdateProcessor):
    """Runs up to `concurrency` updates at once, each after the earlier ones of its lanes.

    An update waits for the latest earlier update sharing its chat (so a chat's commands are
    answered in the order sent) or its sender (so one person's first messages in two chats
    can't race to create their account); updates of other chats and people overlap, which lets
    one update's database work run while another's reply is on the wire.
    """

    __slots__ = ("_slots", "_tails")

    def __init__(self, concurrency: int) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        super().__init__(_NEVER_REACHED)
        self._slots = asyncio.Semaphore(concurrency)
        self._tails: dict[Hashable, asyncio.Event] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Joins the update's lanes at once (arrival order), waits its turn, then runs it."""
        keys = lane_keys(update)
        done = asyncio.Event()
        earlier = [self._tails[key] for key in keys if key in self._tails]
        for key in keys:
            self._tails[key] = done
        started = False
        try:
            for event in earlier:
                await event.wait()
            async with self._slots:
                started = True
                await coroutine
        finally:
            done.set()
            for key in keys:
                if self._tails.get(key) is done:
                    del self._tails[key]
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: the update is dropped, quietly

    @property
    def waiting_lanes(self) -> int:
        """How many chats and people have an update in progress or queued (for tests)."""
        return len(self._tails)

    async def initialize(self) -> None:
        """Nothing to allocate: lanes come and go with the updates."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the updates in progress itself."""
