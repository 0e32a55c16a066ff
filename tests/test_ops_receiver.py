"""One process at a time receives Telegram updates; a SIGKILL or SIGTERM hands it over.

(An update answered but not yet confirmed when its receiver is SIGKILLed is answered again by
the next one, like a send in flight; tests/test_telegram_poller.py covers that window.)"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.ops_cluster import Cluster, TaggedBotApi, eventually
from tests.ops_process import WAIT
from tests.telegram_fake import group, user

ALICE = user(2001, "Alice", "alice")
TAKEOVER = 30.0  # SPEC: another process receives within 30 s


@pytest.fixture
def pg_url(postgres_url: str | None) -> str:
    """Several processes share a database only on PostgreSQL."""
    if postgres_url is None:
        if os.environ.get("MENTORBOT_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is required but unavailable")
        pytest.skip("PostgreSQL unavailable on 127.0.0.1:5432")
    return postgres_url


@pytest.fixture
async def fake() -> AsyncIterator[TaggedBotApi]:
    server = TaggedBotApi()
    await server.start()
    yield server
    await server.close()


async def test_one_receiver_at_a_time_and_updates_answered_once_across_handovers(
    pg_url: str, fake: TaggedBotApi, tmp_path: Path
) -> None:
    cluster = Cluster(tmp_path, pg_url, fake)
    chats = [group(-7001 - index, f"Circle {index}") for index in range(3)]
    try:
        await cluster.start("p0", "p1", "p2")
        first = await eventually(lambda: cluster.sole_holder("telegram_receiver"), WAIT)
        update = fake.say(chats[0], ALICE, "/start")
        await fake.wait_text(chats[0]["id"], "Hello, Circle 0!")

        async def confirmed() -> bool:  # the receiver asked for what comes after it
            polls = fake.calls_to("getUpdates")
            return any(int(call.params.get("offset") or 0) > update for call in polls)

        await eventually(confirmed, WAIT)  # answered and confirmed: never answered again

        assert await cluster.kill(first) == -signal.SIGKILL  # no chance to let go
        fake.say(chats[1], ALICE, "/start")  # waits for the next receiver
        second = await eventually(lambda: cluster.sole_holder("telegram_receiver"), TAKEOVER)
        assert second != first
        await fake.wait_text(chats[1]["id"], "Hello, Circle 1!")

        assert await cluster.kill(second, signal.SIGTERM) == 0  # lets go, confirming its updates
        fake.say(chats[2], ALICE, "/start")
        third = await eventually(lambda: cluster.sole_holder("telegram_receiver"), TAKEOVER)
        assert third not in (first, second)
        await fake.wait_text(chats[2]["id"], "Hello, Circle 2!")
        assert await cluster.ready(third)

        hellos = Counter(sent.chat_id for sent in fake.sent if sent.text.startswith("Hello,"))
        assert hellos == Counter({chat["id"]: 1 for chat in chats})
        assert fake.pollers() == [first, second, third]  # never two polling in turn
    finally:
        await cluster.close()
