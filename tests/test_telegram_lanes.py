"""ChatLanes: Telegram updates overlap across chats but keep their order within a chat."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from adapters.telegram.lanes import ChatLanes, lane_keys
from tests.telegram_fake import group, private, user

ALICE = user(1, "Alice", "alice")
BOB = user(2, "Bob", "bob")
CAROL = user(3, "Carol", "carol")


def update_in(chat: dict[str, object], sender: dict[str, object], update_id: int) -> Update:
    """A text message update in its real payload shape."""
    payload = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1,
            "chat": chat,
            "from": sender,
            "text": f"/checkin plan {update_id}",
        },
    }
    update = Update.de_json(payload, None)
    assert update is not None
    return update


class Recorder:
    """Handler stand-ins that log when each update starts and ends, and can be held open."""

    def __init__(self) -> None:
        self.log: list[tuple[str, int]] = []
        self.gates: dict[int, asyncio.Event] = {}
        self.running = 0
        self.most_at_once = 0

    async def handle(self, update_id: int) -> None:
        self.log.append(("start", update_id))
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        gate = self.gates.get(update_id)
        if gate is not None:
            await gate.wait()
        else:
            await asyncio.sleep(0)
        self.running -= 1
        self.log.append(("end", update_id))


async def feed(
    lanes: ChatLanes, recorder: Recorder, updates: list[Update]
) -> list[asyncio.Task[None]]:
    """Hands updates over the way PTB does: one task each, created in arrival order."""
    tasks = [
        asyncio.create_task(lanes.process_update(update, recorder.handle(update.update_id)))
        for update in updates
    ]
    await asyncio.sleep(0.01)
    return tasks


async def test_same_chat_waits_while_other_chats_overlap() -> None:
    lanes = ChatLanes(concurrency=8)
    recorder = Recorder()
    recorder.gates[1] = asyncio.Event()
    group_a, group_b = group(-10, "A"), group(-20, "B")
    updates = [
        update_in(group_a, ALICE, 1),  # held open
        update_in(group_a, BOB, 2),  # same chat: must wait for 1
        update_in(group_b, CAROL, 3),  # another chat and person: runs alongside 1
    ]
    tasks = await feed(lanes, recorder, updates)
    assert ("start", 1) in recorder.log
    assert ("end", 3) in recorder.log
    assert ("start", 2) not in recorder.log
    recorder.gates[1].set()
    await asyncio.gather(*tasks)
    assert recorder.log.index(("end", 1)) < recorder.log.index(("start", 2))
    assert lanes.waiting_lanes == 0


async def test_many_updates_per_chat_run_in_arrival_order() -> None:
    lanes = ChatLanes(concurrency=4)
    recorder = Recorder()
    chats = [group(-100 - number, f"G{number}") for number in range(6)]
    people = [user(100 + number, f"P{number}") for number in range(12)]
    updates = [
        update_in(chats[number % 6], people[number % 12], number) for number in range(1, 121)
    ]
    chat_of = {update.update_id: update.effective_chat.id for update in updates}  # type: ignore[union-attr]
    tasks = await feed(lanes, recorder, updates)
    await asyncio.gather(*tasks)
    starts = [update_id for what, update_id in recorder.log if what == "start"]
    for chat in {chat["id"] for chat in chats}:
        in_chat = [update_id for update_id in starts if chat_of[update_id] == chat]
        assert in_chat == sorted(in_chat)
    assert 1 < recorder.most_at_once <= 4


async def test_one_person_in_two_chats_is_kept_in_order() -> None:
    lanes = ChatLanes(concurrency=8)
    recorder = Recorder()
    recorder.gates[1] = asyncio.Event()
    tasks = await feed(
        lanes, recorder, [update_in(group(-10, "A"), ALICE, 1), update_in(private(ALICE), ALICE, 2)]
    )
    assert ("start", 2) not in recorder.log
    recorder.gates[1].set()
    await asyncio.gather(*tasks)
    assert recorder.log == [("start", 1), ("end", 1), ("start", 2), ("end", 2)]


async def test_a_cancelled_update_does_not_block_its_chat() -> None:
    lanes = ChatLanes(concurrency=8)
    recorder = Recorder()
    recorder.gates[1] = asyncio.Event()
    chat = group(-10, "A")
    first, second, third = await feed(
        lanes,
        recorder,
        [update_in(chat, ALICE, 1), update_in(chat, BOB, 2), update_in(chat, CAROL, 3)],
    )
    second.cancel()
    recorder.gates[1].set()
    await first
    await third
    with pytest.raises(asyncio.CancelledError):
        await second
    assert ("start", 2) not in recorder.log
    assert recorder.log[-1] == ("end", 3)


def test_updates_without_a_chat_or_sender_have_no_lane() -> None:
    assert lane_keys(object()) == ()
    assert lane_keys(update_in(group(-5, "G"), ALICE, 9)) == (("chat", -5), ("user", 1))


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ChatLanes(concurrency=0)
