"""Busy groups: a check-in is acknowledged by a reaction, not a group post (SPEC, Wave 2)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.app import Core
from bot.core.events import Acknowledgement, Address, ChatKind, Message, Sender
from bot.core.markup import plain
from bot.core.platform import PlatformInfo
from tests.harness import RecordingMessenger

GROUP = "-100"


@dataclass
class ReactingMessenger(RecordingMessenger):
    """A recording messenger on a platform that reacts; `refuse` plays a chat without them."""

    reactions: list[tuple[str, str, Acknowledgement]] = field(default_factory=list)
    refuse: bool = False

    @property
    def info(self) -> PlatformInfo:
        return replace(super().info, reacts=True)

    async def acknowledge(self, chat_id: str, message_id: str, mark: Acknowledgement) -> bool:
        if self.refuse:
            return False
        self.reactions.append((chat_id, message_id, mark))
        return True


def said(user: str, chat: str, text: str, message_id: str) -> Message:
    kind = ChatKind.GROUP if chat == GROUP else ChatKind.DM
    sender = Sender(user.title(), username=user, is_admin=False)
    return Message(
        Address("telegram", chat, user), kind, sender, text, chat_title="g", message_id=message_id
    )


async def handle(core: Core, messenger: RecordingMessenger, event: Message) -> None:
    await core.router.replies.deliver(messenger, event, await core.router.handle(event, messenger))


async def test_a_group_checkin_and_done_are_reactions_and_no_group_message(core: Core) -> None:
    messenger = ReactingMessenger()
    await handle(core, messenger, said("ann", GROUP, "/board", "1"))  # the group exists
    before = len(messenger.sent)
    checkin = said("ann", GROUP, "/checkin ship the shop page", "2")
    outbound = await core.router.handle(checkin, messenger)
    assert [item.acknowledge for item in outbound] == [Acknowledgement.NOTED]
    assert "Checked in, Ann" in plain(outbound[0].message.text)  # the fallback, if refused
    await core.router.replies.deliver(messenger, checkin, outbound)
    await handle(core, messenger, said("ann", GROUP, "/checkin ship it twice", "3"))
    await handle(core, messenger, said("ann", GROUP, "/done", "4"))
    await handle(core, messenger, said("ann", GROUP, "/done", "5"))
    assert messenger.reactions == [
        (GROUP, "2", Acknowledgement.NOTED),
        (GROUP, "3", Acknowledgement.NOTED),
        (GROUP, "4", Acknowledgement.DONE),
        (GROUP, "5", Acknowledgement.DONE),
    ]
    assert messenger.sent[before:] == []


async def test_a_chat_refusing_reactions_gets_the_reply(core: Core) -> None:
    messenger = ReactingMessenger(refuse=True)
    await handle(core, messenger, said("bob", GROUP, "/checkin ship it", "7"))
    assert messenger.reactions == []
    texts = [(kind, target, plain(out.text)) for kind, target, out, _ in messenger.sent]
    assert ("chat", GROUP, "✅ Checked in, Bob: “ship it” — streak 1 🔥") in texts


async def test_in_a_dm_done_is_still_a_message(core: Core) -> None:
    messenger = ReactingMessenger()
    await handle(core, messenger, said("cy", GROUP, "/checkin pour candles", "8"))
    await handle(core, messenger, said("cy", "cy", "/done", "9"))
    assert [(chat, mark) for chat, _, mark in messenger.reactions] == [
        (GROUP, Acknowledgement.NOTED)
    ]
    last = messenger.sent[-1]
    assert last[:2] == ("chat", "cy")
    assert "🎉 Done in" in plain(last[2].text)
