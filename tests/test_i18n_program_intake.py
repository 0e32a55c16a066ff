"""A program intake in a Traditional Chinese community, end to end on Telegram and Discord.

Issue #16's "done when" asks for a program intake in zh_Hant on the real stack. The expected
words come from the catalog (see `tests/test_i18n_rounds.py`), never typed here.
"""

from __future__ import annotations

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter
from bot.core.i18n import Translator
from tests.discord_fake import FakeDiscord
from tests.harness import ChatDriver
from tests.telegram_fake import FakeBotApi, group, private, user
from tests.test_i18n_rounds import assert_in, pieces
from tests.test_programs_discord import answer

LIN = user(2201, "Lin", "lin")
MEI = {**user(2202, "Mei", "mei"), "language_code": "zh-hant-tw"}
SHOP = group(-5201, "台北小店")

OPENED = (
    "The mentorship program “{name}” is open! It runs {weeks} weeks from {start}, with a "
    "weekly reflection on {weekday} at {time} in each mentee's own timezone, and an "
    "organizer approves the pairs. Organizers can change this with `/program set`. "
    "Join with `/program join mentor` or `/program join mentee`."
)
POINTER = "I've sent you a private message with the first question."
ZONE = (
    "Welcome to “{program}”! First, which timezone are you in? Type your city, like `Taipei` "
    "or `New York`: I read your weekly hours in it."
)
STEPS = [
    ("Taipei", "Which topics do you want help with in “{program}”? List them with commas."),
    ("pricing, packaging", "What is the one goal you want to reach in this program?"),
    ("在兩家店賣蠟燭", "Which languages can you meet in? List them with commas."),
    ("中文, English", "How do you prefer to meet?"),
]
FREE = "When are you free each week, in your own time? Give days, then hours."
COMPLETE = "Your intake is complete. You can change these answers any time with `/program profile`."


async def test_a_program_intake_in_traditional_chinese(
    telegram_bot: TelegramAdapter, telegram_api: FakeBotApi
) -> None:
    fake = telegram_api
    fake.admins[SHOP["id"]] = [LIN]
    fake.say(SHOP, LIN, "/settings language zh-TW")
    await fake.wait_sent(SHOP["id"])
    fake.say(SHOP, LIN, "/program new 春季計畫")
    opened = await fake.wait_text(SHOP["id"], pieces("zh_Hant", OPENED)[0])
    assert_in("zh_Hant", OPENED, opened.text)

    fake.say(private(MEI), MEI, "/start")
    await fake.wait_sent(MEI["id"])
    fake.say(SHOP, MEI, "/program join mentee")
    pointer = await fake.wait_text(SHOP["id"], pieces("zh_Hant", POINTER)[0])
    assert_in("zh_Hant", POINTER, pointer.text)
    asked = await fake.wait_text(MEI["id"], pieces("zh_Hant", ZONE)[0])
    assert_in("zh_Hant", ZONE, asked.text)
    for typed, question in STEPS:
        fake.say(private(MEI), MEI, typed)
        asked = await fake.wait_text(MEI["id"], pieces("zh_Hant", question)[0])
        assert_in("zh_Hant", question, asked.text)
    translator = Translator()
    labels = [button["text"] for button in asked.buttons]
    ways = ["Video call", "Phone", "Chat", "In person"]
    assert labels == [translator.gettext("zh_Hant", way) for way in ways]
    assert labels != ways  # the catalog translates them
    fake.press(MEI, asked, asked.buttons[1]["callback_data"])
    free = await fake.wait_text(MEI["id"], pieces("zh_Hant", FREE)[0])
    assert_in("zh_Hant", FREE, free.text)
    fake.say(private(MEI), MEI, "mon-fri 18-20")
    done = await fake.wait_text(MEI["id"], pieces("zh_Hant", COMPLETE)[0])
    assert_in("zh_Hant", COMPLETE, done.text)
    assert translator.gettext("zh_Hant", "Phone") in done.text
    assert all("在兩家店賣蠟燭" not in sent.text for sent in fake.sent_to(SHOP["id"]))


async def _answered(fake: FakeDiscord, token: str) -> str:
    return str((await answer(fake, token))["data"]["content"])


async def test_a_program_intake_in_traditional_chinese_on_discord(
    discord_api: FakeDiscord, discord_bot: DiscordAdapter
) -> None:
    fake = discord_api
    lin = fake.add_person("600000000000000011", "lin", organizer=True)
    mei = fake.add_person("600000000000000012", "mei")
    await _answered(
        fake, await fake.slash(lin, "settings", {"setting": "language", "value": "zh-TW"})
    )
    await _answered(fake, await fake.slash(mei, "language", {"code": "zh-TW"}))
    opened = await _answered(
        fake, await fake.slash(lin, "program", {"action": "new", "details": "春季計畫"})
    )
    assert_in("zh_Hant", OPENED, opened)
    joined = await _answered(
        fake, await fake.slash(mei, "program", {"action": "join", "details": "mentee"})
    )
    assert_in("zh_Hant", POINTER, joined)
    channel = f"5{mei.user_id[1:]}"
    calls = await fake.wait_call("POST", rf"/channels/{channel}/messages", 1)
    assert_in("zh_Hant", ZONE, str(calls[-1].json.get("content")))
    translator = Translator()
    answers = [*STEPS, (translator.gettext("zh_Hant", "Phone"), FREE), ("sat 10-12", COMPLETE)]
    for number, (text, question) in enumerate(answers, start=2):
        await fake.dispatch("MESSAGE_CREATE", fake.message_payload(channel, text, author=mei.user))
        calls = await fake.wait_call("POST", rf"/channels/{channel}/messages", number)
        assert_in("zh_Hant", question, str(calls[-1].json.get("content")))


async def test_a_refused_answer_shows_its_example_in_the_readers_language(
    chat: ChatDriver,
) -> None:
    chat.make_admin("olga", "tienda")
    await chat.say("olga", "tienda", "/settings language es")
    await chat.say("olga", "tienda", "/program new Primavera")
    await chat.say("ana", "tienda", "/program join mentee")
    asked = await chat.say("ana", None, "Europe/Madrid")
    assert "¿Con qué temas quieres ayuda" in asked  # the topics step, in Spanish
    refused = await chat.say("ana", None, ", ".join(f"tema{n}" for n in range(30)))  # too many
    translator = Translator()
    spanish = translator.gettext("es", "pricing, instagram, bookkeeping")
    assert spanish != "pricing, instagram, bookkeeping"
    assert spanish in refused
    assert "pricing, instagram, bookkeeping" not in refused
    # The rest of the intake, in her words; the summary writes her hours as she would.
    await chat.say("ana", None, "precios, empaque")
    await chat.say("ana", None, "vender velas en dos tiendas")
    await chat.say("ana", None, "español")
    await chat.press("ana", translator.gettext("es", "Chat"))
    done = await chat.say("ana", None, "lunes a viernes 18-20, sábado 10-12")
    assert "lun–vie 18:00–20:00; sáb 10:00–12:00" in done
