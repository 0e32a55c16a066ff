"""Safety: escaping on every platform, no pings from user text, communities kept apart,
/forgetme leaving nothing behind, and no tokens or message text in INFO logs."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import String, Text, select

from adapters.discord import render as discord_render
from adapters.telegram import render as telegram_render
from bot.app import Core
from bot.core.events import Address, ChatKind, Message, OutMessage, Sender
from bot.core.markup import Mention, Span, Style, fmt, plain
from bot.features.notify import notify
from storage.models import Account, Base, Community, Person
from storage.outbox_repo import Delivery
from tests.discord_fake import FakeDiscord
from tests.harness import ChatDriver, FakeClock
from tests.telegram_fake import BOT_USERNAME, FakeBotApi, group, parse_html, user

ROOT = Path(__file__).resolve().parent.parent

NASTY = st.sampled_from(
    [
        "<b>",
        "</a>",
        "<a href='x'>",
        "&amp;",
        "&lt;",
        "&",
        "<",
        ">",
        '"',
        "'",
        "*",
        "**",
        "_",
        "__",
        "~~",
        "||",
        "`",
        "```",
        "> ",
        "# ",
        "-# ",
        "\\",
        "[x](https://evil.example)",
        "@everyone",
        "@here",
        "<@&123456789012345678>",
        "<@!123456789012345678>",
        "<#123456789012345678>",
        "\u200f",
        "\u202e",
        "\u200b",
        "👩🏽‍💻",
        "\n",
    ]
)
user_text = st.lists(st.one_of(NASTY, st.text(max_size=12)), max_size=10).map("".join)
spans = st.builds(
    Span,
    text=user_text,
    style=st.sampled_from(list(Style)),
    mention=st.none() | st.builds(Mention, st.just("telegram"), st.text(max_size=8)),
    url=st.none() | st.sampled_from(["https://example.org/a?b=1&c=2", 'javascript:"x"', "x"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(spans, max_size=6).map(tuple))
def test_telegram_html_shows_user_text_literally(text: tuple[Span, ...]) -> None:
    source = telegram_render.render_html(text)
    assert parse_html(source) == plain(text)  # Telegram would accept it and show exactly this
    tags = re.findall(r"<(/?)([a-z]+)", source)
    made = sum(
        (span.style is not Style.PLAIN) + (span.mention is not None or span.url is not None)
        for span in text
    )
    assert len(tags) == 2 * made, "user text produced a tag of its own"


def discord_unescape(content: str) -> str:
    """Undoes Discord's markdown escapes: the text a reader sees."""
    return re.sub(r"\\(.)", r"\1", content, flags=re.DOTALL).replace("@\u200b", "@")


@settings(max_examples=300, deadline=None)
@given(user_text)
def test_discord_markdown_shows_user_text_literally_and_pings_nobody(text: str) -> None:
    rendered = discord_render.render((Span(text),))
    assert "@everyone" not in rendered.content
    assert "@here" not in rendered.content
    assert not re.search(r"<@[&!]?\d+>", rendered.content)
    assert rendered.users == ()
    mentions = rendered.allowed_mentions
    assert mentions.everyone is False
    assert mentions.roles is False
    assert mentions.users is False
    if "http" not in text and "\u200b" not in text:  # discord.py leaves links unescaped
        assert discord_unescape(rendered.content) == text


@settings(max_examples=150, deadline=None)
@given(user_text, st.sampled_from(list(Style)))
def test_discord_styles_and_deliberate_pings_stay_deliberate(text: str, style: Style) -> None:
    ping = Span("Ann", mention=Mention("discord", "600000000000000042"))
    rendered = discord_render.render((Span(text, style), Span(" "), ping))
    assert rendered.users == (600000000000000042,)
    assert "@everyone" not in rendered.content
    assert "@here" not in rendered.content
    assert re.findall(r"<@[&!]?\d+>", rendered.content) == ["<@600000000000000042>"]


async def test_no_pings_from_user_text_through_the_router(core: Core, chat: ChatDriver) -> None:
    bait = "@everyone @here <@&123456789012345678> <@!123456789012345678> **bold** <b>x</b>"
    sender = Sender(f"@everyone {bait}", "eve")
    replies = []
    for text in (f"/ask {bait} #pricing", f"/skills {bait}", "/profile", "/requests all"):
        event = Message(
            Address("discord", "700", "600000000000000001"), ChatKind.GROUP, sender, text
        )
        replies += await core.router.handle(event, chat.console.messenger)
    assert len(replies) >= 4
    for reply in replies:
        for part in discord_render.parts(reply.message):
            content = part.rendered.content
            assert "@everyone" not in content
            assert "@here" not in content
            assert not re.search(r"<@[&!]?\d+>", content)
            assert part.rendered.allowed_mentions.everyone is False
            assert part.rendered.allowed_mentions.roles is False
        for piece in telegram_render.html_pieces(reply.message.text):
            assert "<b>x</b>" not in piece
            parse_html(piece)


async def test_one_community_never_sees_another(core: Core, chat: ChatDriver) -> None:
    chat.make_admin("alice", "g1")
    await chat.say("alice", "g1", "/skills zanzibar-skill")
    await chat.say("alice", "g1", "/promote @alice mentor")
    await chat.say("alice", "g1", "/ask zanzibar-question about pricing #pricing")
    await chat.say("alice", "g1", "/tip quokka-tip always invoice #pricing")
    await chat.say("alice", "g1", "/checkin narwhal-plan")
    await chat.say("alice", "g1", "/done")
    await chat.say("carl", "g1", "/kudos @alice okapi-thanks")
    chat.make_admin("bob", "g2")
    await chat.say("bob", "g2", "/join")
    seen = []
    for command in (
        "/requests all",
        "/requests open",
        "how can I help?",
        "/canhelp",
        "/tips quokka",
        "/tips #pricing",
        "/tips",
        "/board",
        "/leaderboard",
        "/profile @alice",
        "/streak @alice",
        "/kudos @alice thanks",
        "/claim 1",
        "/resolve 1",
        "/close 1",
        "/schedule list",
        "/settings",
        "/help",
    ):
        seen.append(await chat.say("bob", "g2", command))
    seen.append(await chat.say("bob", None, "/canhelp"))
    seen.append(await chat.say("bob", None, "/requests all"))
    everything = "\n".join(seen)
    for secret in ("zanzibar", "quokka", "narwhal", "okapi", "Alice", "Carl"):
        assert secret not in everything, f"{secret} leaked into g2:\n{everything}"
    # g1's request #1 is untouched by bob's /claim, /resolve and /close in g2.
    out = await chat.say("alice", "g1", "/requests all")
    assert "zanzibar-question" in out
    for status in ("claimed", "resolved", "closed"):
        assert status not in out


async def test_forgetme_leaves_no_row_that_references_the_person(
    core: Core, chat: ChatDriver, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("fay", None, "/start")
    await chat.say("fay", "g", "/skills pricing, design")
    await chat.say("fay", "g", "/interests taxes")
    await chat.say("fay", "g", "/timezone Europe/Berlin")
    await chat.say("olga", "g", "/promote @fay mentor")
    await chat.say("fay", "g", "/ask fay-question #pricing")
    await chat.say("olga", "g", "/ask olga-question #design")
    await chat.say("fay", "g", "/claim 2")
    await chat.say("olga", "g", "/resolve 2 thanks fay")
    await chat.say("olga", "g", "/claim 1")
    await chat.say("fay", "g", "/kudos @olga for the help")
    await chat.say("olga", "g", "/kudos @fay for the design")
    await chat.say("fay", "g", "/tip fay-tip invoice early #pricing")
    await chat.say("olga", "g", "/tips fay-tip")
    await chat.press("olga", "Helpful")
    await chat.say("olga", "g", "/tip olga-tip reply fast #support")
    await chat.say("fay", "g", "/tips olga-tip")
    await chat.press("fay", "Helpful")
    await chat.say("fay", "g", "/checkin fay-plan")
    await chat.say("fay", "g", "/done")
    await chat.say("fay", "g", "/blocked fay-blocker")
    await chat.say("fay", "g", "/remind in 2h fay-reminder")
    await chat.say("fay", "g", "/schedule tip in 3h fay-scheduled-tip")
    await chat.say("fay", "g", "/away 2026-12-24")

    async with core.database.sessions() as session:
        fay = await session.scalar(select(Person.id).join(Account).where(Account.user_id == "fay"))
    assert fay is not None
    before = await references(core, fay, "fay")
    assert len(before) >= 8, before  # the scenario really touched many tables

    await chat.say("fay", "g", "/forgetme")
    out = await chat.press("fay", "Delete everything")
    assert "deleted" in out
    after = await references(core, fay, "fay")
    assert after == {}, f"rows still reference the forgotten person: {after}"
    # Her own words are gone too, also where they were quoted in a message addressed to
    # someone else (the claim introduction queued for the helper, pending or sent).
    leftovers = await text_mentions(core, "fay-")
    assert leftovers == {}, f"her words remain: {leftovers}"


async def references(core: Core, person_id: int, user_id: str) -> dict[str, int]:
    """Rows in every table whose people-FK columns name the person or whose ids are hers."""
    found: dict[str, int] = {}
    async with core.database.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                targets = {fk.column.table.name for fk in column.foreign_keys}
                if "people" in targets or (table.name == "people" and column.primary_key):
                    value: object = person_id
                elif column.name == "user_id":
                    value = user_id
                else:
                    continue
                rows = (await session.execute(select(table).where(column == value))).all()
                if rows:
                    found[f"{table.name}.{column.name}"] = len(rows)
    return found


async def text_mentions(core: Core, marker: str) -> dict[str, int]:
    """Rows in any text column that still hold the person's own words."""
    found: dict[str, int] = {}
    async with core.database.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    rows = (
                        await session.execute(select(table).where(column.contains(marker)))
                    ).all()
                    if rows:
                        found[f"{table.name}.{column.name}"] = len(rows)
    return found


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_tokens_and_message_text_stay_out_of_info_logs(
    tmp_path: Path, log_format: str
) -> None:
    telegram = FakeBotApi()
    await telegram.start()
    discord = FakeDiscord()
    await discord.start()
    alice_d = discord.add_person("600000000000000001", "alice")
    discord_token = "fake.discord-token.never-logged"
    alice = user(1001, "Alice", "alice")
    makers = group(-4001, "Makers")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_"))},
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        "TELEGRAM_TOKEN": telegram.token,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "DISCORD_TOKEN": discord_token,
        "DISCORD_API_BASE_URL": discord.api_base_url,
        "DISCORD_GATEWAY_URL": discord.gateway_url,
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": log_format,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    lines: list[bytes] = []

    async def read() -> None:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            lines.append(line)

    reader = asyncio.create_task(read())
    try:
        await discord.wait_for(lambda: discord.identified and discord.commands)
        await telegram.wait_until(lambda: bool(telegram.calls_to("getUpdates")))
        # A failed send (its error text is logged) and a 429 on top of ordinary traffic.
        telegram.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        telegram.say(makers, alice, "/ask secret-zebra-question about pricing #pricing")
        telegram.say(makers, alice, "/skills secret-otter-skill")
        telegram.say(makers, alice, f"/nosuchcommand@{BOT_USERNAME} secret-lynx")  # answered
        await telegram.wait_sent(makers["id"], 3)
        token = await discord.slash(alice_d, "skills", {"skills": "secret-okapi-skill"})
        await discord.wait_call("POST", rf"/interactions/\d+/{token}/callback")
        while not any(b"mentorbot is running" in line for line in lines):
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
        await asyncio.wait_for(reader, 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        reader.cancel()
        await telegram.close()
        await discord.stop()
    logs = b"".join(lines).decode()
    assert "mentorbot is running" in logs
    secrets: list[Any] = [telegram.token, telegram.token.split(":")[1], discord_token]
    secrets += ["secret-zebra", "secret-otter", "secret-lynx", "secret-okapi"]
    for secret in secrets:
        assert secret not in logs, f"{secret!r} appears in the INFO logs:\n{logs}"
    if log_format == "json":
        records = [json.loads(line) for line in logs.splitlines()]  # each line one object
        handled = {(r["platform"], r["command"]) for r in records if "outcome" in r}
        assert {("telegram", "ask"), ("telegram", "unknown"), ("discord", "skills")} <= handled


async def test_a_combined_group_mention_pings_at_most_twenty_people() -> None:
    queued: list[tuple[str, OutMessage]] = []

    async def enqueue(key: str, delivery: Delivery, message: OutMessage) -> bool:
        queued.append((key, message))
        return True

    people = [
        Account(person_id=n, platform="telegram", user_id=str(n), display_name=f"P{n}")
        for n in range(1, 26)
    ]
    community = Community(id=1, platform="telegram", chat_id="-1", title="g")
    told = await notify(enqueue, community, people, fmt("dm"), fmt("no check-in yet"), "k")
    assert told == 25
    [(key, message)] = queued  # nobody opened a DM: one group post
    assert key == "k:group"
    pinged = [span.mention.user_id for span in message.text if span.mention is not None]
    assert pinged == [str(n) for n in range(1, 21)]
    assert plain(message.text).endswith("P20, +5: no check-in yet")  # no English in between
