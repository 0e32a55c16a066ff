"""Through python-telegram-bot: a group check-in gets ✍ on the member's message, or a reply."""

from __future__ import annotations

from adapters.telegram import TelegramAdapter
from bot.app import Core
from tests.telegram_fake import FakeBotApi, Reaction, group, user

ANN = user(3101, "Ann", "ann")
SHOP = group(-3100, "Shop Owners")


async def test_a_checkin_is_a_reaction_on_the_members_message(
    core: Core, telegram_api: FakeBotApi, telegram_bot: TelegramAdapter
) -> None:
    telegram_api.say(SHOP, ANN, "/checkin ship the shop page")
    mine = telegram_api.written[-1]["message_id"]
    await telegram_api.wait_until(lambda: bool(telegram_api.reactions_in(SHOP["id"])))
    assert telegram_api.reactions_in(SHOP["id"]) == [Reaction(SHOP["id"], mine, "✍")]
    (call,) = telegram_api.calls_to("setMessageReaction")
    assert (call.params["chat_id"], call.params["message_id"], call.status) == (
        SHOP["id"],
        mine,
        200,
    )
    telegram_api.say(SHOP, ANN, "/board")  # replies in order: the board comes after
    board = await telegram_api.wait_text(SHOP["id"], "Board for")
    assert "📝 Ann: ship the shop page" in board.text
    assert not [m for m in telegram_api.sent_to(SHOP["id"]) if "Checked in" in m.text]


async def test_a_chat_without_reactions_gets_the_reply(
    core: Core, telegram_api: FakeBotApi, telegram_bot: TelegramAdapter
) -> None:
    telegram_api.no_reactions.add(SHOP["id"])
    telegram_api.say(SHOP, ANN, "/checkin ship the shop page")
    reply = await telegram_api.wait_text(SHOP["id"], "Checked in")
    assert reply.text == "✅ Checked in, Ann: “ship the shop page” — streak 1 🔥"
    assert [call.status for call in telegram_api.calls_to("setMessageReaction")] == [400]
    assert telegram_api.reactions == []
