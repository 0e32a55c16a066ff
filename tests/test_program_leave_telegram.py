"""Leaving a Telegram group, end to end through the real python-telegram-bot and the fake Bot
API: the `left_chat_member` service message and a `chat_member` update (kicked) both end a
program pair; the partner and the organizer hear by DM."""

from __future__ import annotations

from datetime import timedelta

from adapters.telegram import TelegramAdapter
from bot.app import Core
from storage.program_models import PairStatus, ProgramPair
from tests.harness import FakeClock
from tests.program_seed import seed_running_pair
from tests.telegram_fake import FakeBotApi, group, private, user
from tests.test_program_loop import rows

OLGA = user(3001, "Olga", "olga")
MIA = user(3002, "Mia", "mia")
MAX = user(3003, "Max", "max")
MAKERS = group(-6001, "Makers")


async def test_leaving_and_being_removed_end_program_pairs(
    core: Core, clock: FakeClock, telegram_bot: TelegramAdapter, telegram_api: FakeBotApi
) -> None:
    fake = telegram_api
    core.attach(telegram_bot.messenger)
    await core.start_delivery()  # stopped with the core by the fixture
    for number, person in enumerate((OLGA, MIA, MAX), start=1):
        fake.say(private(person), person, "/start")
        await fake.wait_sent(person["id"])
        fake.say(MAKERS, person, "/help")
        await fake.wait_sent(MAKERS["id"], number)
    await seed_running_pair(
        core, str(MAKERS["id"]), str(OLGA["id"]), str(MIA["id"]), str(MAX["id"]), clock.now()
    )

    fake.service(MAKERS, MIA, left_chat_member=MIA)
    told = await fake.wait_text(MAX["id"], "Your mentee Mia has left the community")
    assert "your pair in <b>Spring</b> has ended" in told.html
    await fake.wait_text(OLGA["id"], "Mia has left the community, so they are out of Spring")
    [pair] = await rows(core, ProgramPair)
    assert (pair.status, pair.end_reason) == (PairStatus.ENDED.value, "partner_left")

    fake.member_status(MAKERS, MAX, "member", "kicked", by=OLGA)
    await fake.wait_text(
        OLGA["id"], "Max has left the community, so they are out of Spring and won't be matched."
    )
    # the group itself hears nothing of either departure
    assert all("left the community" not in sent.text for sent in fake.sent_to(MAKERS["id"]))


async def test_a_mentee_who_blocked_the_bot_sees_the_question_again_when_back(
    core: Core, clock: FakeClock, telegram_bot: TelegramAdapter, telegram_api: FakeBotApi
) -> None:
    fake = telegram_api
    core.attach(telegram_bot.messenger)
    for number, person in enumerate((OLGA, MIA, MAX), start=1):
        fake.say(private(person), person, "/start")
        await fake.wait_sent(person["id"])
        fake.say(MAKERS, person, "/help")
        await fake.wait_sent(MAKERS["id"], number)
    paired = clock.now() - timedelta(days=7)  # the reflection is due Mondays 18:00
    await seed_running_pair(
        core, str(MAKERS["id"]), str(OLGA["id"]), str(MIA["id"]), str(MAX["id"]), paired
    )
    clock.current = clock.now().replace(hour=18)
    fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=MIA["id"])
    assert await core.program_sweeps.sweep() == 1
    await core.dispatcher.drain_due()
    assert [call.status for call in fake.calls_to("sendMessage")][-1] == 403
    before = len(fake.sent_to(MIA["id"]))

    fake.say(private(MIA), MIA, "sorry, I was away")  # unblocked, she writes first
    asked = await fake.wait_text(MIA["id"], "here is my question again")
    assert "Time for this week's reflection with Max." in asked.text
    await core.dispatcher.drain_due()
    assert len(fake.sent_to(MIA["id"])) == before + 1  # the stale question is not sent too
    fake.say(private(MIA), MIA, "I priced ten candles")
    await fake.wait_text(MIA["id"], "What is in the way?")
