"""Faults: a bot killed mid fan-out, a database that hiccups, a platform that storms 429s and
times out, an adapter that crashes at start. Nothing is lost; repeats only where SPEC allows."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine
from telegram import Bot
from telegram.request import HTTPXRequest

from adapters.telegram.messenger import TelegramMessenger
from bot import runner
from bot.app import Core
from bot.config import Settings
from bot.core.clock import SystemClock
from bot.core.events import OutMessage
from bot.core.markup import fmt
from bot.delivery.outbox import Dispatcher, enqueue
from bot.delivery.pacing import Pacer
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox_repo import Delivery, OutboxRepository
from tests.discord_fake import FakeDiscord
from tests.harness import FakeClock, RecordingMessenger
from tests.telegram_fake import TOKEN, ApiError, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 8
FANOUT = 1000


async def fill(sessions: Any, count: int, now: datetime, prefix: str = "fan") -> None:
    """Queues one message to each of `count` group chats (Telegram group ids are negative)."""
    async with sessions() as session, session.begin():
        for index in range(count):
            await enqueue(
                session,
                f"{prefix}:{index}",
                Delivery("telegram", chat_id=str(-1000 - index)),
                OutMessage(fmt("Tip {n}: price <b>by value</b> & @everyone", {"n": index})),
                due_at=now,
                now=now,
            )


async def statuses(sessions: Any) -> dict[str, str]:
    async with sessions() as session:
        rows = await session.execute(select(OutboxMessage.key, OutboxMessage.status))
        return {key: status for key, status in rows.all()}


class SlowBotApi(FakeBotApi):
    """Records a message the moment it arrives, then answers a little later: a kill in between
    leaves a message delivered on the platform but not yet recorded by the bot."""

    in_flight: int = 0

    async def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method != "sendMessage":
            return await super()._answer(method, params)
        result = await super()._answer(method, params)
        self.in_flight += 1
        try:
            await asyncio.sleep(0.004)
        finally:
            self.in_flight -= 1
        return result


async def start_worker(
    db_url: str, base_url: str, log: Path, *, discord: bool = False
) -> asyncio.subprocess.Process:
    platform = (
        {"DISCORD_TOKEN": "fake.discord-token", "DISCORD_API_BASE_URL": base_url}
        if discord
        else {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url}
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_"))},
        **platform,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "OUTBOX_CONCURRENCY": str(CONCURRENCY),
        "OUTBOX_LEASE_SECONDS": "1",
    }
    output = log.open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.fault_worker",
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    finally:
        output.close()


async def test_sigkill_mid_fanout_then_restart_delivers_everything(
    db_url: str, tmp_path: Path
) -> None:
    database = Database(db_url)
    await fill(database.sessions, FANOUT, datetime.now(UTC))
    fake = SlowBotApi()
    base_url = await fake.start()
    log = tmp_path / "worker.log"
    worker = await start_worker(db_url, base_url, log)
    try:
        await fake.wait_until(lambda: len(fake.calls_to("sendMessage")) >= FANOUT // 4)
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
        unanswered_at_kill = fake.in_flight
        at_kill = await statuses(database.sessions)
        delivered_at_kill = len(fake.sent)
        assert delivered_at_kill < FANOUT, "the kill came too late to be mid fan-out"
        leased = {key for key, status in at_kill.items() if status == "sending"}
        assert leased, "nothing was in the middle of being sent"

        worker = await start_worker(db_url, base_url, log)
        assert await asyncio.wait_for(worker.wait(), 60) == 0, log.read_text()
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
        await fake.close()
    per_chat = Counter(sent.chat_id for sent in fake.sent)
    missing = [index for index in range(FANOUT) if per_chat[-1000 - index] == 0]
    assert not missing, f"{len(missing)} chats never got their message"
    repeated = {chat: count for chat, count in per_chat.items() if count > 1}
    repeats = sum(count - 1 for count in repeated.values())
    # Only messages in flight at the kill repeat (the Bot API has no idempotency key): at most
    # the dispatcher's concurrency, and only rows that were leased when it died.
    assert repeats <= CONCURRENCY, (repeats, unanswered_at_kill)
    assert {f"fan:{-1000 - chat}" for chat in repeated} <= leased
    assert set((await statuses(database.sessions)).values()) == {"sent"}
    assert all(sent.text.startswith("Tip ") and "<b>" in sent.text for sent in fake.sent)
    await database.dispose()
    print(f"killed after {delivered_at_kill} sends; {repeats} repeat(s)")


class SlowDiscord(FakeDiscord):
    """Like SlowBotApi: a message exists on Discord a moment before the bot hears back."""

    async def _rest(self, request: web.Request) -> web.Response:
        response = await super()._rest(request)
        await asyncio.sleep(0.004)
        return response


async def test_sigkill_mid_fanout_on_discord_repeats_nothing(tmp_path: Path) -> None:
    count = 600
    db_url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    database = Database(db_url)
    await database.upgrade()
    now = datetime.now(UTC)
    async with database.sessions() as session, session.begin():
        for index in range(count):
            await enqueue(
                session,
                f"dfan:{index}",
                Delivery("discord", chat_id=str(700000000000000000 + index)),
                OutMessage(fmt("Tip {n} @everyone", {"n": index})),
                due_at=now,
                now=now,
            )
    fake = SlowDiscord()
    await fake.start()
    pattern = r"/channels/\d+/messages"
    log = tmp_path / "worker.log"
    worker = await start_worker(db_url, fake.api_base_url, log, discord=True)
    try:
        await fake.wait_for(lambda: len(fake.find("POST", pattern)) >= count // 4)
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
        assert len(fake.find("POST", pattern)) < count, "the kill came too late"
        worker = await start_worker(db_url, fake.api_base_url, log, discord=True)
        assert await asyncio.wait_for(worker.wait(), 60) == 0, log.read_text()
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
        await fake.stop()
    posts = fake.find("POST", pattern)
    by_channel: dict[str, set[str]] = {}
    for call in posts:
        assert call.json["nonce"]
        assert call.json.get("enforce_nonce") is True
        assert "@everyone" not in call.json["content"]
        by_channel.setdefault(call.path.split("/")[2], set()).add(call.json["nonce"])
    assert len(by_channel) == count, "some channel never got its message"
    # A repeat carries the same nonce, which Discord enforces: nobody sees it twice.
    assert all(len(nonces) == 1 for nonces in by_channel.values())
    assert len(posts) - count <= CONCURRENCY
    assert set((await statuses(database.sessions)).values()) == {"sent"}
    await database.dispose()


class HookedMessenger(RecordingMessenger):
    """Runs an async hook before recording each send."""

    hook: Any = None

    async def _record(self, kind: str, target: str, message: OutMessage, key: str | None) -> str:
        if self.hook is not None:
            await self.hook()
        return await super()._record(kind, target, message, key)


async def test_database_locked_or_dropped_during_dispatch_loses_and_repeats_nothing(
    core: Core, clock: FakeClock, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await fill(core.database.sessions, 40, clock.now())
    locked = sqlite3.OperationalError("database is locked")
    failures = {"claim": 1, "finish": 3, "retry": 2}

    def flaky(name: str, original: Any) -> Any:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            if failures[name] > 0:
                failures[name] -= 1
                raise OperationalError("UPDATE outbox", {}, locked)
            return await original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(OutboxRepository, "claim_due", flaky("claim", OutboxRepository.claim_due))
    monkeypatch.setattr(OutboxRepository, "finish", flaky("finish", OutboxRepository.finish))
    monkeypatch.setattr(
        OutboxRepository, "retry_later", flaky("retry", OutboxRepository.retry_later)
    )
    messenger = HookedMessenger(failures={"-1005": [OSError("connection reset")]})
    dropped: list[int] = []
    if not core.database.is_sqlite:
        admin = create_async_engine(db_url, isolation_level="AUTOCOMMIT")

        async def drop_connections() -> None:
            if len(messenger.sent) == 10:  # mid-dispatch, the server drops every connection
                async with admin.connect() as connection:
                    result = await connection.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    )
                    dropped.extend(1 for _ in result.all())

        messenger.hook = drop_connections
    worker = Dispatcher(core.database.sessions, {"telegram": messenger}, clock, Pacer({}))
    worker.start()
    try:
        async with asyncio.timeout(20):
            while True:
                try:
                    current = await statuses(core.database.sessions)
                except DBAPIError:  # this watcher's own connection was among those dropped
                    await asyncio.sleep(0.05)
                    continue
                if set(current.values()) == {"sent"}:
                    break
                if any(status == "pending" for status in current.values()):
                    clock.advance(seconds=5)  # let backed-off retries come due
                await asyncio.sleep(0.05)
    finally:
        await worker.stop()
        if not core.database.is_sqlite:
            await admin.dispose()
    assert sorted(messenger.keys()) == sorted(f"fan:{index}" for index in range(40))
    assert failures == {"claim": 0, "finish": 0, "retry": 0}
    if not core.database.is_sqlite:
        assert dropped, "no connection was dropped"


class StormyBotApi(FakeBotApi):
    """Times out the first calls to some chats: the request never reaches the platform."""

    timeouts: dict[int, int] = {}  # noqa: RUF012 - replaced per instance below

    async def _answer(self, method: str, params: dict[str, Any]) -> Any:
        chat = params.get("chat_id")
        if method == "sendMessage" and self.timeouts.get(chat, 0) > 0:
            self.timeouts[chat] -= 1
            await asyncio.sleep(1.0)  # longer than the bot's read timeout
            raise ApiError(504, "Gateway Timeout")
        return await super()._answer(method, params)


async def test_429_storm_and_network_timeouts_lose_nothing(core: Core) -> None:
    count = 60
    await fill(core.database.sessions, count, datetime.now(UTC), prefix="storm")
    fake = StormyBotApi()
    fake.timeouts = {-1000 - index: 1 for index in range(0, count, 10)}
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=40)
    base_url = await fake.start()
    request = HTTPXRequest(connection_pool_size=16, read_timeout=0.3)
    bot = Bot(TOKEN, base_url=base_url, request=request)
    await bot.initialize()
    messenger = TelegramMessenger(bot)
    worker = Dispatcher(
        core.database.sessions, {"telegram": messenger}, SystemClock(), Pacer({}), idle_poll=0.1
    )
    worker.start()
    try:
        async with asyncio.timeout(30):
            while set((await statuses(core.database.sessions)).values()) != {"sent"}:
                await asyncio.sleep(0.1)
    finally:
        await worker.stop()
        await bot.shutdown()
        await fake.close()
    storms = [call for call in fake.calls_to("sendMessage") if call.status == 429]
    assert len(storms) == 40
    assert not any(fake.timeouts.values()), "every planned timeout happened"
    per_chat = Counter(sent.chat_id for sent in fake.sent)
    assert per_chat == Counter({-1000 - index: 1 for index in range(count)})


class CrashingAdapter:
    """An adapter whose platform refuses it at start (bad token, unreachable API …)."""

    def __init__(self) -> None:
        self.messenger = RecordingMessenger(platform="discord")
        self.stopped = False

    async def start(self) -> None:
        raise RuntimeError("401 Unauthorized")

    async def stop(self) -> None:
        self.stopped = True


class WorkingAdapter:
    def __init__(self) -> None:
        self.messenger = RecordingMessenger(platform="telegram")
        self.started = asyncio.Event()
        self.stopped = False

    async def start(self) -> None:
        self.started.set()

    async def stop(self) -> None:
        self.stopped = True


async def test_one_adapter_crashing_at_start_leaves_the_other_and_the_scheduler_running(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    core = Core(settings)
    await core.start()
    crashing, working = CrashingAdapter(), WorkingAdapter()
    monkeypatch.setattr(runner, "build_adapters", lambda _core, _settings: [crashing, working])
    ticks = asyncio.Event()

    async def probe() -> None:
        ticks.set()

    core.schedules.every("probe", 0.05, probe)
    handlers: dict[int, Any] = {}  # the runner's SIGTERM handler, called below like a signal
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(
        loop, "add_signal_handler", lambda sig, callback: handlers.__setitem__(sig, callback)
    )
    task = asyncio.create_task(runner._run_platforms(core, settings))
    try:
        async with asyncio.timeout(10):
            await working.started.wait()
            await ticks.wait()  # the scheduler fires jobs
            await fill(core.database.sessions, 3, datetime.now(UTC))
            core.wake()
            while len(working.messenger.sent) < 3:  # the outbox delivers through the survivor
                await asyncio.sleep(0.02)
        assert crashing.stopped
        assert core.messengers == {"telegram": working.messenger}
        handlers[signal.SIGTERM]()  # SIGTERM: the runner stops every adapter cleanly
        assert await asyncio.wait_for(task, 10) == 0
        assert working.stopped
    finally:
        if not task.done():
            task.cancel()
        await core.stop()
    assert len(working.messenger.keys()) == 3
