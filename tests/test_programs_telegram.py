"""A program intake end to end through the real python-telegram-bot against the fake Bot API."""

from __future__ import annotations

from adapters.telegram import TelegramAdapter
from tests.telegram_fake import FakeBotApi, group, private, user

ALICE = user(2001, "Alice", "alice")
BOB = user(2002, "Bob", "bob")
MAKERS = group(-5001, "Makers")


async def test_an_intake_in_the_telegram_dm_with_a_button_answer(
    telegram_bot: TelegramAdapter, telegram_api: FakeBotApi
) -> None:
    fake = telegram_api
    fake.admins[MAKERS["id"]] = [ALICE]
    fake.say(MAKERS, ALICE, "/program new Spring")
    await fake.wait_text(MAKERS["id"], "The mentorship program “Spring” is open!")
    fake.say(private(BOB), BOB, "/start")
    await fake.wait_sent(BOB["id"])

    fake.say(MAKERS, BOB, "/program join mentee")
    await fake.wait_text(MAKERS["id"], "I've sent you a private message with the first question.")
    await fake.wait_text(BOB["id"], "Welcome to “Spring”! First, which timezone are you in?")
    steps = [
        ("Taipei", "Which topics do you want help with"),
        ("pricing, packaging", "What is the one goal"),
        ("Sell candles in two shops", "Which languages can you meet in?"),
        ("English", "How do you prefer to meet?"),
    ]
    for answer, question in steps:
        fake.say(private(BOB), BOB, answer)
        asked = await fake.wait_text(BOB["id"], question)
    labels = [button["text"] for button in asked.buttons]
    assert labels == ["Video call", "Phone", "Chat", "In person"]
    fake.press(BOB, asked, asked.buttons[1]["callback_data"])
    await fake.wait_text(BOB["id"], "When are you free each week, in your own time?")
    fake.say(private(BOB), BOB, "mon-fri 18-20")
    done = await fake.wait_text(BOB["id"], "Your intake is complete.")
    assert "Meeting: Phone" in done.text
    assert "Weekly availability (Asia/Taipei): Mon–Fri 18:00–20:00" in done.text
    assert all("Sell candles" not in sent.text for sent in fake.sent_to(MAKERS["id"]))
