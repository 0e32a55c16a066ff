"""Health, readiness and metrics over real HTTP on 127.0.0.1, with the console core."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import Core
from bot.config import Settings
from bot.core.events import OutMessage
from bot.core.markup import fmt
from bot.core.messenger import RateLimited
from bot.delivery.outbox import enqueue
from bot.delivery.scheduler import Firing
from bot.ops.logs import JsonFormatter
from bot.web.server import PortUnavailable, WebServer, bind
from storage.outbox_repo import Delivery
from storage.repo import NewCommunityDefaults, Repository
from storage.schedule_repo import ScheduleRepository
from tests.harness import ChatDriver, FakeClock, RecordingMessenger
from tests.ops_process import BotProcess, bot_env
from tests.ports import free_port

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
async def web(core: Core) -> AsyncIterator[httpx.AsyncClient]:
    """The core's web app on an ephemeral port, and a client for it."""
    server = WebServer(core.web_app(), bind("127.0.0.1", 0))
    await server.start()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        yield client
    await server.stop()


async def samples(web: httpx.AsyncClient) -> Samples:
    response = await web.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_healthz_and_readyz_answer_200(web: httpx.AsyncClient) -> None:
    alive = await web.get("/healthz")
    assert (alive.status_code, alive.text) == (200, "ok\n")
    ready = await web.get("/readyz")
    assert (ready.status_code, ready.text) == (200, "ready\n")


async def test_events_are_counted_by_registered_command_only(
    web: httpx.AsyncClient, chat: ChatDriver
) -> None:
    chat.make_admin("alice", "makers")
    await chat.say("alice", "makers", "/skills secret-otter-skill")
    await chat.say("alice", "makers", "/skills knitting")
    await chat.say("alice", "makers", "/nosuchcommand secret-lynx")
    await chat.say("alice", None, "secret-zebra free text")
    await chat.say("alice", None, "/profile")
    await chat.say("alice", None, "/forgetme")
    await chat.press("alice", "Cancel")
    found = await samples(web)
    assert value(found, "mentorbot_events_total", platform="console", command="skills") == 2
    assert value(found, "mentorbot_events_total", platform="console", command="unknown") == 1
    assert value(found, "mentorbot_events_total", platform="console", command="text") == 1
    assert value(found, "mentorbot_events_total", platform="console", command="profile") == 1
    assert value(found, "mentorbot_events_total", platform="console", command="button") == 1
    assert value(found, "mentorbot_events_total", platform="console", command="forgetme") == 1
    assert value(found, "mentorbot_handling_seconds_count") == 7
    labels = {label for (_, pairs) in found for pair in pairs for label in pair}
    for private in ("alice", "Alice", "makers", "secret", "knitting", "nosuchcommand"):
        assert not [label for label in labels if private in label], private


async def test_outbox_states_rate_limits_and_readiness_follow_the_dispatcher(
    web: httpx.AsyncClient, core: Core, clock: FakeClock
) -> None:
    telegram = RecordingMessenger(platform="telegram")
    telegram.failures["-100"] = [RateLimited(30.0)]
    telegram.failures["-200"] = [OSError("connection reset")]
    core.attach(telegram)
    async with core.database.sessions() as session, session.begin():
        for chat_id in ("-100", "-200", "-300"):
            await enqueue(
                session,
                f"ops:{chat_id}",
                Delivery("telegram", chat_id=chat_id),
                OutMessage(fmt("hello")),
                due_at=clock.now(),
                now=clock.now(),
            )
    found = await samples(web)
    assert value(found, "mentorbot_outbox_messages", state="pending") == 3
    assert value(found, "mentorbot_outbox_messages", state="sent") == 0
    assert value(found, "mentorbot_leader", role="telegram_receiver") == 0  # not receiving
    assert value(found, "mentorbot_leader", role="scheduler") == 0  # delivery not started

    telegram.failures["-300"] = [OSError("network down")]  # the last call of the round fails
    await core.dispatcher.drain_once()
    found = await samples(web)
    assert value(found, "mentorbot_rate_limited_total", platform="telegram") == 1
    assert value(found, "mentorbot_outbox_messages", state="pending") == 3  # all retried later
    ready = await web.get("/readyz")
    assert ready.status_code == 503
    assert "telegram" in ready.text

    clock.advance(hours=1)
    await core.dispatcher.drain_once()  # every retry is due again and now succeeds
    found = await samples(web)
    assert value(found, "mentorbot_outbox_messages", state="sent") == 3
    assert (await web.get("/readyz")).status_code == 200


async def ping(firing: Firing) -> None:
    """A schedule kind that posts one message."""
    community = firing.schedule.community
    await enqueue(
        firing.session,
        f"{firing.key}:{community.chat_id}",
        Delivery(community.platform, chat_id=community.chat_id, community_id=community.id),
        OutMessage(fmt("ping")),
        due_at=firing.occurrence,
        now=firing.now,
    )


async def test_schedule_fires_and_their_lateness_are_measured(
    web: httpx.AsyncClient, core: Core, clock: FakeClock
) -> None:
    core.schedules.register_kind("ops-ping", ping)
    async with core.database.sessions() as session, session.begin():
        community, _ = await Repository(session).ensure_community(
            "console", "group-a", "A", NewCommunityDefaults("UTC", "en"), clock.now()
        )
        schedule = await ScheduleRepository(session).add(
            community.id, "ops-ping", "09:00", "0123456", clock.now() - timedelta(days=7)
        )
        schedule.last_fired_at = datetime(2026, 11, 23, 9, tzinfo=UTC)
        schedule_id = schedule.id
    occurrence = datetime(2026, 11, 24, 9, tzinfo=UTC)
    clock.current = occurrence + timedelta(seconds=90)
    assert await core.schedules.fire(schedule_id, occurrence)
    assert not await core.schedules.fire(schedule_id, occurrence)  # not fired twice: one count
    found = await samples(web)
    assert value(found, "mentorbot_schedule_fires_total") == 1
    assert value(found, "mentorbot_schedule_lateness_seconds_count") == 1
    assert value(found, "mentorbot_schedule_lateness_seconds_sum") == 90
    assert value(found, "mentorbot_schedule_lateness_seconds_bucket", le="60.0") == 0
    assert value(found, "mentorbot_schedule_lateness_seconds_bucket", le="300.0") == 1


async def test_readyz_names_the_database_when_it_does_not_answer() -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/mentorbot"
    core = Core(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    server = WebServer(core.web_app(), bind("127.0.0.1", 0))
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            ready = await client.get("/readyz")
            alive = await client.get("/healthz")
            metrics = await client.get("/metrics")
    finally:
        await server.stop()
        await core.database.dispose()
    assert ready.status_code == 503
    assert ready.text.startswith("not ready: database:")
    assert alive.status_code == 200
    assert metrics.status_code == 200  # the other series still read
    assert "mentorbot_events_total" in metrics.text or "mentorbot_events" in metrics.text


def test_a_taken_port_is_refused_with_one_line() -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with pytest.raises(PortUnavailable, match=rf"^cannot listen on WEB_PORT {port} "):
            bind("127.0.0.1", port)
    finally:
        taken.close()


async def test_each_handled_event_is_one_json_line_without_words_or_names(
    chat: ChatDriver,
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        await chat.say("dana", "makers", "/skills secret-okapi-skill")
        await chat.say("dana", "makers", "/nosuchcommand@mentorbot secret-lynx")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    events = [line for line in lines if line["logger"] == "mentorbot.events"]
    assert [(e["platform"], e["command"], e["outcome"]) for e in events] == [
        ("console", "skills", "ok"),
        ("console", "unknown", "refused"),
    ]
    assert isinstance(events[0]["community_id"], int)
    assert events[1]["community_id"] is None  # refused before the community was looked up
    assert all(isinstance(e["duration_ms"], float) for e in events)
    text = stream.getvalue()
    for private in ("secret", "dana", "Dana"):
        assert private not in text


async def test_run_serves_health_and_stops_on_sigterm_with_json_logs(tmp_path: Path) -> None:
    port = free_port()
    env = bot_env(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        WEB_PORT=str(port),
        LOG_FORMAT="json",
    )
    bot = BotProcess(env, tmp_path)
    try:
        await bot.start()
        await bot.wait_for_output("mentorbot console.")
        await bot.send("/help")
        await bot.wait_for_output("mentorbot:")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 200
            metrics = (await client.get("/metrics")).text
        assert 'mentorbot_events_total{command="help",platform="console"} 1.0' in metrics
        assert 'mentorbot_leader{role="scheduler"} 1.0' in metrics
        assert bot.process is not None
        bot.process.terminate()  # SIGTERM, stdin still open: the bot must stop by itself
        async with asyncio.timeout(30):
            code = await bot.process.wait()
        assert bot.process.stderr is not None
        err = (await bot.process.stderr.read()).decode()
    finally:
        await bot.kill()
    assert code == 0, err
    lines = err.strip().splitlines()
    assert lines, "INFO logs were written"
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(r.get("command") == "help" and r.get("outcome") == "ok" for r in records)
    assert not any("exception" in r for r in records)


async def test_run_refuses_a_taken_web_port(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    env = bot_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.db", WEB_PORT=str(port))
    bot = BotProcess(env, tmp_path)
    try:
        await bot.start()
        code, _, err = await bot.finish()
    finally:
        taken.close()
        await bot.kill()
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"mentorbot: cannot listen on WEB_PORT {port}")


async def test_the_receiver_gauge_follows_the_role(web: httpx.AsyncClient, core: Core) -> None:
    taken: list[str] = []

    async def receive() -> None:
        taken.append("receive")

    async def stand_by() -> None:
        taken.append("stand by")

    await core.hold_receiver("telegram", receive, stand_by)
    assert value(await samples(web), "mentorbot_leader", role="telegram_receiver") == 1
    await core.release_receivers()
    assert value(await samples(web), "mentorbot_leader", role="telegram_receiver") == 0
    assert taken == ["receive", "stand by"]
