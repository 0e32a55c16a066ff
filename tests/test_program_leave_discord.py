"""Leaving a Discord server, end to end through the real discord.py and the fake: the Server
Members intent brings GUILD_MEMBER_REMOVE, which ends a program pair; the partner and the
organizer hear by DM."""

from __future__ import annotations

from adapters.discord import DiscordAdapter
from bot.app import Core
from storage.program_models import PairStatus, ProgramPair
from tests.both_platforms import slash
from tests.discord_fake import CHANNEL_ID, GUILD_MEMBERS, FakeDiscord
from tests.harness import FakeClock
from tests.program_seed import seed_running_pair
from tests.test_program_e2e import wait_dm
from tests.test_program_loop import rows


async def test_a_member_who_leaves_the_server_ends_their_pair(
    core: Core, clock: FakeClock, discord_api: FakeDiscord, discord_bot: DiscordAdapter
) -> None:
    fake = discord_api
    assert fake.identified is not None
    assert fake.identified["intents"] & GUILD_MEMBERS
    core.attach(discord_bot.messenger)
    await core.start_delivery()  # stopped with the core by the fixture
    olga = fake.add_person("610000000000000001", "olga", organizer=True)
    mia = fake.add_person("610000000000000002", "mia")
    max_ = fake.add_person("610000000000000003", "max")
    for person in (olga, mia, max_):
        await slash(fake, person, "mentor")
    await seed_running_pair(core, CHANNEL_ID, olga.user_id, mia.user_id, max_.user_id, clock.now())

    await fake.leave(max_)
    told = await wait_dm(fake, mia, "Your mentor Max has left the community")
    assert "your pair in **Spring** has ended" in told["content"]
    await wait_dm(fake, olga, "Max has left the community, so they are out of **Spring**")
    [pair] = await rows(core, ProgramPair)
    assert (pair.status, pair.end_reason) == (PairStatus.ENDED.value, "partner_left")


async def test_without_the_members_intent_the_bot_still_connects(
    core: Core, discord_api: FakeDiscord
) -> None:
    discord_api.privileged_intents = False  # neither switch on in the Developer Portal
    adapter = DiscordAdapter(
        core.router,
        core.registry,
        "fake.discord-token.never-logged",
        api_base_url=discord_api.api_base_url,
        gateway_url=discord_api.gateway_url,
        message_content=True,
        guild_ready_timeout=0.05,
        ready_timeout=10.0,
    )
    await adapter.start()
    try:
        assert adapter.connected()
        assert discord_api.identified is not None
        assert not discord_api.identified["intents"] & GUILD_MEMBERS
    finally:
        await adapter.stop()
