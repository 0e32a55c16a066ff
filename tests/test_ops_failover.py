"""SPEC "Operations and scale-out", done-when: three processes on PostgreSQL, the scheduler
leader SIGKILLed while 300 check-in pings fire; a new leader, every group pinged once."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.db import Database
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.discord_fake import FakeDiscord
from tests.ops_cluster import MIN_LEAD, Cluster, TaggedBotApi, eventually, next_fire, seed
from tests.ops_process import WAIT

GROUPS = 300
DISCORD_TOKEN = "fake.discord-token-for-failover"
TAKEOVER = 30.0  # SPEC: a surviving process holds the role within 30 s
CONCURRENCY = 8  # the outbox's sends in flight per process: the most a kill can leave unsure


@pytest.fixture
async def fresh_pg() -> AsyncIterator[str]:
    """A new, migrated PostgreSQL database for the three processes (dropped afterwards)."""
    name = f"mentorbot_failover_{uuid.uuid4().hex[:10]}"
    try:
        url = await _create_postgres_database(name)
    except Exception as error:  # any failure to connect means no PostgreSQL
        if os.environ.get("MENTORBOT_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required but unavailable: {error}")
        pytest.skip("PostgreSQL unavailable on 127.0.0.1:5432")
    database = Database(url)
    try:
        await database.upgrade()
    finally:
        await database.dispose()
    yield url
    await _drop_postgres_database(name)


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def fake() -> AsyncIterator[TaggedBotApi]:
    server = TaggedBotApi()
    await server.start()
    yield server
    await server.close()


async def test_three_processes_survive_a_sigkilled_scheduler_leader_mid_fanout(
    fresh_pg: str, fake: TaggedBotApi, discord: FakeDiscord, tmp_path: Path
) -> None:
    fire_at = next_fire(datetime.now(UTC))
    chats = await seed(fresh_pg, fire_at, GROUPS)
    wanted = set(chats)
    cluster = Cluster(
        tmp_path,
        fresh_pg,
        fake,
        DISCORD_TOKEN=DISCORD_TOKEN,
        DISCORD_API_BASE_URL=discord.api_base_url,
        DISCORD_GATEWAY_URL=discord.gateway_url,
    )
    try:
        await cluster.start("p0", "p1", "p2")
        leader = await eventually(lambda: cluster.sole_holder("scheduler"), WAIT)
        await eventually(lambda: cluster.sole_holder("telegram_receiver"), WAIT)

        def pinged() -> set[int]:
            return {chat for _, chat in fake.sends if chat in wanted}

        async def firing() -> bool:
            return bool(pinged())

        await eventually(firing, 2 * MIN_LEAD + WAIT)  # the fan-out has begun
        await cluster.kill(leader)  # SIGKILL: its lock, claims and sends in hand are cut off
        assert len(pinged()) < GROUPS  # the kill did land in the middle of the fan-out
        killed_sends = sum(1 for tag, chat in fake.sends if tag == leader and chat in wanted)

        successor = await eventually(lambda: cluster.sole_holder("scheduler"), TAKEOVER)
        assert successor != leader

        async def all_pinged() -> bool:
            return pinged() == wanted

        await eventually(all_pinged, WAIT)
        assert discord.identified is not None  # the processes run Discord too
        for tag in cluster.alive():  # survivors are ready (Telegram and Discord) and report
            assert await cluster.ready(tag), tag
            assert await cluster.metrics(tag) is not None, tag
        await eventually(lambda: cluster.sole_holder("telegram_receiver"), TAKEOVER)
    finally:
        await cluster.close()

    per_chat = Counter(chat for _, chat in fake.sends if chat in wanted)
    repeated = {chat for chat, count in per_chat.items() if count > 1}
    assert set(per_chat) == wanted  # every group pinged
    assert all(per_chat[chat] == 2 for chat in repeated)  # a repeat happens at most once
    first_sender = {}
    for tag, chat in fake.sends:
        first_sender.setdefault(chat, tag)
    # Only a send the dead leader had in flight may repeat: its first copy came from it.
    assert {first_sender[chat] for chat in repeated} <= {leader}
    assert len(repeated) <= CONCURRENCY
    assert killed_sends >= len(repeated)
    polling = fake.pollers()
    assert len(polling) == len(set(polling))  # never two receivers taking turns back and forth
