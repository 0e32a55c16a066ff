"""The outbox dispatcher: sends due rows once per key, resumes after restarts, waits out 429s."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dm_notice import dm_notice, notice_key
from bot.core.events import OutMessage
from bot.core.i18n import Translator
from bot.core.markup import chunk, plain
from bot.core.messenger import DeliveryError, Messenger, RateLimited, RecipientUnreachable
from bot.delivery.liveness import Liveness
from bot.delivery.observe import DeliveryObserver, Unobserved
from bot.delivery.pacing import Pacer
from bot.delivery.serialize import dump_message, load_message
from storage.models import OutboxMessage, OutboxStatus
from storage.outbox_repo import Delivery, OutboxRepository
from storage.privacy_repo import WAITING_FOR_DM, PrivateDeliveryRepository, waiting_until

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=2)
MAX_ATTEMPTS = 8
BOOKKEEPING_ATTEMPTS = 6  # a locked or dropped database gets ~3 s to come back
DEFAULT_LANGUAGE = "en"


class NotRecorded(Exception):
    """A message was sent but its outcome could not be written; never send it again here."""


async def enqueue(
    session: AsyncSession,
    key: str,
    delivery: Delivery,
    message: OutMessage,
    *,
    due_at: datetime,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
) -> bool:
    """Queues a message inside the caller's transaction; False when the key was queued before."""
    return await OutboxRepository(session).enqueue(
        key, delivery, dump_message(message), due_at, now, grace
    )


class Dispatcher:
    """Claims due outbox rows with a lease and delivers them through the right messenger."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        messengers: Mapping[str, Messenger],
        clock: Clock,
        pacer: Pacer | None = None,
        *,
        concurrency: int = 8,
        batch: int = 64,
        lease: timedelta = timedelta(seconds=60),
        idle_poll: float = 5.0,
        observer: DeliveryObserver | None = None,
        translator: Translator | None = None,
        liveness: Liveness | None = None,
        worker: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._liveness = liveness
        self._observer: DeliveryObserver = observer or Unobserved()
        self._messengers = messengers
        self._clock = clock
        self._pacer = pacer or Pacer()
        self._concurrency = asyncio.Semaphore(concurrency)
        self._batch = batch
        self._lease = lease
        self._idle_poll = idle_poll
        self._translator = translator or Translator()
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[int, OutboxMessage] = {}
        self._started: set[int] = set()
        self.worker = worker or new_worker_id()

    def wake(self) -> None:
        """Tells the loop that new rows may be due now."""
        self._wake.set()

    def start(self) -> None:
        """Runs the dispatch loop in the background."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self, grace: float = 10.0) -> None:
        """Stops claiming and lets the round in progress finish (up to `grace` seconds).

        Whatever is still in flight after that is interrupted and its row returned to pending,
        so the next run sends it.
        """
        self._stopping = True
        self._wake.set()
        await self._return_rows(self._waiting(), "returned unstarted at shutdown")
        if self._task is not None:
            done, _ = await asyncio.wait({self._task}, timeout=grace)
            if not done:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                await self._return_in_flight()
            self._task = None

    def _waiting(self) -> list[OutboxMessage]:
        """Claimed rows whose send has not started (waiting for a slot): taken out of flight."""
        rows = [row for key, row in self._in_flight.items() if key not in self._started]
        for row in rows:
            del self._in_flight[row.id]
        return rows

    async def _return_in_flight(self) -> None:
        """Puts rows whose send was interrupted back in the queue, due at once."""
        rows, self._in_flight = list(self._in_flight.values()), {}
        await self._return_rows(rows, "interrupted by shutdown")

    async def _return_rows(self, rows: list[OutboxMessage], reason: str) -> None:
        """Puts rows this process will not send back in the queue, due at once."""
        if not rows:
            return
        try:
            async with self._sessions() as session, session.begin():
                repo = OutboxRepository(session)
                for row in rows:
                    await repo.retry_later(
                        row.id,
                        self.worker,
                        self._clock.now(),
                        reason,
                        count_attempt=False,
                    )
        except Exception:
            log.exception(
                "could not return %d interrupted outbox rows; their leases lapse", len(rows)
            )
        else:
            log.info("%s: %d outbox rows back in the queue", reason, len(rows))

    async def _run(self) -> None:
        if self._liveness is not None:
            await self._liveness.prepare()
        while not self._stopping:
            if self._liveness is not None and not self._liveness.ready():
                await asyncio.sleep(0.2)  # unproven claims would look dead to others
                continue
            try:
                handled = await self.drain_once()
            except Exception:
                log.exception("outbox dispatch round failed; retrying shortly")
                handled = 0
                await asyncio.sleep(1.0)
            if handled:
                continue
            await self._sleep_until_due()

    async def _sleep_until_due(self) -> None:
        self._wake.clear()  # before looking, so a wake-up during the query is not lost
        async with self._sessions() as session:
            due = await OutboxRepository(session).next_due()
        delay = self._idle_poll
        if due is not None:
            delay = min(delay, max(0.05, (due - self._clock.now()).total_seconds()))
        if self._stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def drain_once(self) -> int:
        """Claims one batch of due rows and delivers them; returns how many were handled."""
        now = self._clock.now()
        async with self._sessions() as session, session.begin():
            dead: list[str] = []
            if self._liveness is not None:
                dead = await self._liveness.dead_holders(session, self.worker, now)
                if dead:
                    log.info("reclaiming outbox rows of %d stopped process(es)", len(dead))
            rows = await OutboxRepository(session).claim_due(
                now, self.worker, self._lease, self._batch, dead
            )
            session.expunge_all()
        if rows:
            await asyncio.gather(*(self._guarded(row) for row in rows))
        return len(rows)

    async def drain_due(self) -> int:
        """Delivers everything due right now (the console's script mode waits on this)."""
        total = 0
        while handled := await self.drain_once():
            total += handled
        return total

    async def _guarded(self, row: OutboxMessage) -> None:
        self._in_flight[row.id] = row
        try:
            await self._guarded_delivery(row)  # a shutdown's cancel leaves the row for stop()
        finally:
            self._started.discard(row.id)
        self._in_flight.pop(row.id, None)

    async def _guarded_delivery(self, row: OutboxMessage) -> None:
        async with self._concurrency:
            if self._stopping:  # claimed but not started: back to the queue, unless stop() did
                if self._in_flight.pop(row.id, None) is not None:
                    await self._return_rows([row], "returned unstarted at shutdown")
                return
            self._started.add(row.id)
            try:
                await self._deliver(row)
            except NotRecorded:
                log.error(
                    "outbox row %s was sent but could not be recorded; it stays leased and is "
                    "resent only if its lease lapses",
                    row.id,
                )
            except Exception:
                log.exception("outbox row %s: unexpected failure", row.id)
                await self._retry(row, "unexpected error", count=True)

    async def _deliver(self, row: OutboxMessage) -> None:
        now = self._clock.now()
        late = now - row.due_at
        waiting = row.last_error == WAITING_FOR_DM
        if (row.attempts == 0 or waiting) and late > timedelta(seconds=row.grace_seconds):
            log.warning(
                "outbox row %s (%s) skipped: %s late, beyond its grace", row.id, row.key, late
            )
            await self._finish(row, OutboxStatus.SKIPPED, error=f"missed by {late}")
            return
        messenger = self._messengers.get(row.platform)
        if messenger is None:
            await self._retry(row, f"no {row.platform} adapter running", count=False, delay=30.0)
            return
        message = load_message(row.payload)
        target = row.user_id or row.chat_id or ""
        await self._pacer.wait(
            row.platform, target, private=row.user_id is not None, parts=parts(message, messenger)
        )
        try:
            if row.user_id is not None:
                message_id = await messenger.send_dm(row.user_id, message, key=row.key)
            else:
                message_id = await messenger.send(row.chat_id or "", message, key=row.key)
        except RateLimited as limited:
            self._observer.rate_limited(row.platform)
            self._pacer.hold(row.platform, limited.retry_after)  # every send waits, paced after
            await self._retry(row, str(limited), count=False, delay=limited.retry_after)
        except RecipientUnreachable as closed:
            await self._unreachable(row, messenger, closed.reason)
        except DeliveryError as error:
            self._observer.platform_call(row.platform, error.permanent)  # 4xx: platform answered
            if error.permanent:
                log.warning("outbox row %s failed permanently: %s", row.id, error.reason)
                await self._finish(row, OutboxStatus.FAILED, error=error.reason)
            else:
                await self._retry(row, error.reason, count=True)
        except (OSError, TimeoutError) as error:
            self._observer.platform_call(row.platform, False)
            await self._retry(row, f"network: {type(error).__name__}", count=True)
        else:
            self._observer.platform_call(row.platform, True)
            try:
                await self._finish(row, OutboxStatus.SENT, message_id=message_id)
            except Exception as error:
                raise NotRecorded from error  # putting it back to pending would send it twice

    async def _unreachable(self, row: OutboxMessage, messenger: Messenger, reason: str) -> None:
        """A closed DM: the message waits within its grace; the group hears only a notice."""
        now = self._clock.now()
        grace = timedelta(seconds=row.grace_seconds)
        notice_queued = False
        async with self._sessions() as session, session.begin():
            repo = OutboxRepository(session)
            if row.user_id is None:
                await repo.finish(row.id, self.worker, OutboxStatus.FAILED, now, error=reason)
                return
            await repo.mark_unreachable(row.platform, row.user_id)
            until = waiting_until(row.due_at, grace)
            if until <= now:
                log.warning("outbox row %s skipped: DM still closed past its grace", row.id)
                await repo.finish(
                    row.id, self.worker, OutboxStatus.SKIPPED, now, error=f"DM closed: {reason}"
                )
                return
            await repo.retry_later(row.id, self.worker, until, WAITING_FOR_DM, count_attempt=False)
            if row.fallback_chat_id is not None:
                notice_queued = await self._queue_notice(
                    session, row, row.fallback_chat_id, messenger
                )
        if notice_queued:
            self.wake()

    async def _queue_notice(
        self, session: AsyncSession, row: OutboxMessage, chat_id: str, messenger: Messenger
    ) -> bool:
        """Queues the content-free notice for the row's group, once per person and window."""
        assert row.user_id is not None
        now = self._clock.now()
        found = await PrivateDeliveryRepository(session).recipient(
            row.platform, row.user_id, chat_id
        )
        notice = dm_notice(
            messenger.info,
            self._translator,
            found.language or DEFAULT_LANGUAGE,
            row.user_id,
            found.display_name or row.user_id,
        )
        return await enqueue(
            session,
            notice_key(row.platform, row.user_id, chat_id, now),
            Delivery(
                row.platform,
                chat_id=chat_id,
                person_id=row.person_id,
                community_id=row.community_id,
            ),
            notice,
            due_at=now,
            now=now,
            grace=timedelta(seconds=row.grace_seconds),
        )

    async def _finish(
        self,
        row: OutboxMessage,
        status: OutboxStatus,
        *,
        message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        async def write() -> None:
            async with self._sessions() as session, session.begin():
                await OutboxRepository(session).finish(
                    row.id,
                    self.worker,
                    status,
                    self._clock.now(),
                    message_id=message_id,
                    error=error,
                )

        await self._bookkeeping(write)

    async def _bookkeeping(self, write: Callable[[], Awaitable[None]]) -> None:
        """Runs one outcome write, retrying while the database is briefly locked or dropped."""
        for attempt in range(BOOKKEEPING_ATTEMPTS):
            try:
                await write()
                return
            except (DBAPIError, OSError) as error:
                if attempt == BOOKKEEPING_ATTEMPTS - 1:
                    raise
                log.warning("outbox write failed (%s); retrying", type(error).__name__)
                await asyncio.sleep(0.1 * 2**attempt)

    async def _retry(
        self, row: OutboxMessage, error: str, *, count: bool, delay: float | None = None
    ) -> None:
        attempts = row.attempts + (1 if count else 0)
        if count and attempts >= MAX_ATTEMPTS:
            log.warning("outbox row %s failed after %d attempts: %s", row.id, attempts, error)
            await self._finish(row, OutboxStatus.FAILED, error=error)
            return
        if delay is None:
            delay = min(300.0, 2.0**attempts) * random.uniform(0.5, 1.5)  # noqa: S311 - jitter
        at = self._clock.now() + timedelta(seconds=delay)

        async def write() -> None:
            async with self._sessions() as session, session.begin():
                await OutboxRepository(session).retry_later(
                    row.id, self.worker, at, error, count_attempt=count
                )

        await self._bookkeeping(write)


def new_worker_id() -> str:
    """A lease holder's name: unique per process start, so a restart is a different holder."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


def parts(message: OutMessage, messenger: Messenger) -> int:
    """How many platform messages a long text becomes, so each one is paced, not a burst."""
    if len(plain(message.text)) <= messenger.text_limit:
        return 1
    return len(chunk(message.text, messenger.text_limit))
