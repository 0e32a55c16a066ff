"""Operations settings: log format, web address, Discord shards (refused with one clear line)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.discord import DiscordAdapter
from bot.config import SettingsError, load_settings
from bot.core.i18n import Translator
from tests.discord_fake import FakeDiscord
from tests.harness import standalone_registry

ROOT = Path(__file__).resolve().parent.parent


def test_operations_defaults() -> None:
    settings = load_settings(_env_file=None)
    assert settings.log_format == "text"
    assert settings.web_host == "127.0.0.1"
    assert settings.web_port is None
    assert settings.public_web_url is None
    assert settings.discord_shard_count is None
    assert settings.discord_shard_ids is None


@pytest.mark.parametrize(
    ("values", "url"),
    [
        ({"web_port": "8080"}, "http://127.0.0.1:8080"),
        ({"web_host": "0.0.0.0", "web_port": "9000"}, "http://0.0.0.0:9000"),
        (
            {"web_port": "8080", "web_base_url": "https://bot.example.org/"},
            "https://bot.example.org",
        ),
        ({"web_port": " "}, None),
    ],
)
def test_public_web_url(values: dict[str, str], url: str | None) -> None:
    assert load_settings(_env_file=None, **values).public_web_url == url


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("2", "0,1", (0, 1)),
        ("4", " 3 , 1 ", (3, 1)),
        ("1", "0", (0,)),
        ("3", "", None),
        (None, None, None),
    ],
)
def test_shard_ids_people_write(count: str | None, ids: str | None, expected: object) -> None:
    values = {"discord_shard_count": count, "discord_shard_ids": ids}
    settings = load_settings(_env_file=None, **{k: v for k, v in values.items() if v is not None})
    assert settings.discord_shard_ids == expected


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"discord_shard_ids": "0,1"}, "DISCORD_SHARD_IDS: needs DISCORD_SHARD_COUNT"),
        ({"discord_shard_count": "2", "discord_shard_ids": "0,2"}, "DISCORD_SHARD_IDS: shard 2"),
        ({"discord_shard_count": "2", "discord_shard_ids": "-1"}, "DISCORD_SHARD_IDS: expected"),
        ({"discord_shard_count": "3", "discord_shard_ids": "1,1"}, "shard 1 is listed twice"),
        ({"discord_shard_count": "3", "discord_shard_ids": "one"}, "DISCORD_SHARD_IDS: expected"),
        ({"discord_shard_count": "0"}, "DISCORD_SHARD_COUNT"),
        ({"log_format": "xml"}, "LOG_FORMAT"),
        ({"web_port": "70000"}, "WEB_PORT"),
        ({"web_base_url": "not a url"}, "WEB_BASE_URL"),
    ],
)
def test_bad_operations_setting_is_one_line(values: dict[str, str], fragment: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **values)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_log_format_is_case_insensitive() -> None:
    assert load_settings(_env_file=None, log_format="JSON").log_format == "json"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DISCORD_SHARD_IDS": "0,1"}, "DISCORD_SHARD_IDS"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "0,5"}, "DISCORD_SHARD_IDS"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "1,1"}, "DISCORD_SHARD_IDS"),
    ],
)
def test_mentorbot_run_refuses_bad_shards(
    env: dict[str, str], variable: str, tmp_path: Path
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(ROOT), "DISCORD_TOKEN": "x", **env},
        cwd=tmp_path,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"mentorbot: invalid setting {variable}:")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


async def _identify(fake: FakeDiscord, **sharding: object) -> tuple[discord.Client, object]:
    adapter = DiscordAdapter(
        _NoRouter(),  # type: ignore[arg-type]
        standalone_registry(),
        "fake.discord-token.shards",
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout=0.05,
        ready_timeout=10.0,
        **sharding,  # type: ignore[arg-type]
    )
    try:
        await adapter.start()
        identified = await fake.wait_for(lambda: fake.identified)
    finally:
        await adapter.stop()
    return adapter.client, identified.get("shard")


class _NoRouter:
    """Nothing is said in these tests; the adapter only connects (and registers commands)."""

    translator = Translator()


async def test_discord_connects_as_the_shard_it_was_given(fake: FakeDiscord) -> None:
    client, shard = await _identify(fake, shard_count=3, shard_ids=[2])
    assert isinstance(client, discord.AutoShardedClient)
    assert shard == [2, 3]


async def test_discord_without_shard_settings_stays_one_plain_client(fake: FakeDiscord) -> None:
    client, shard = await _identify(fake)
    assert not isinstance(client, discord.AutoShardedClient)
    assert shard in (None, [0, 1])


@given(
    count=st.integers(min_value=1, max_value=64),
    ids=st.lists(st.integers(min_value=-3, max_value=70), min_size=1, max_size=8),
    spaces=st.sampled_from(["", " ", "  "]),
)
def test_shard_ids_accepted_exactly_when_in_range_and_unique(
    count: int, ids: list[int], spaces: str
) -> None:
    written = ",".join(f"{spaces}{shard}{spaces}" for shard in ids)
    valid = all(0 <= shard < count for shard in ids) and len(set(ids)) == len(ids)
    values = {"discord_shard_count": str(count), "discord_shard_ids": written}
    if valid:
        assert load_settings(_env_file=None, **values).discord_shard_ids == tuple(ids)
        return
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, **values)
    assert str(refused.value).startswith("invalid setting DISCORD_SHARD_IDS: ")
    assert "\n" not in str(refused.value)
