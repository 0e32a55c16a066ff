"""Counts read right: "1 member", "2 members", never "member(s)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.i18n import Translator
from tests.harness import ChatDriver

BOT = Path(__file__).resolve().parent.parent / "bot"


@pytest.mark.parametrize(("count", "expected"), [(0, "0 tips"), (1, "1 tip"), (2, "2 tips")])
def test_translator_picks_the_plural_form(count: int, expected: str) -> None:
    chosen = Translator().ngettext("en", "{count} tip", "{count} tips", count)
    assert chosen.format(count=count) == expected


def test_no_template_hedges_a_plural_with_parentheses() -> None:
    hedged = [
        f"{path.relative_to(BOT)}:{number}"
        for path in BOT.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"[a-z]\(s\)", line) and not line.lstrip().startswith(("log.", "#"))
    ]
    assert hedged == []


async def test_streak_of_one_day_is_singular(chat: ChatDriver) -> None:
    await chat.say("ann", "g", "/checkin plan")
    assert "current streak 1 day, best 1." in await chat.say("ann", "g", "/streak")


async def test_routing_counts_members_in_singular_and_plural(chat: ChatDriver) -> None:
    await chat.say("mia", "g", "/skills pricing")
    out = await chat.say("bob", "g", "/ask How to price? #pricing")
    assert "I told 1 member with matching skills (pricing)." in out
    await chat.say("ned", "g", "/skills pricing")
    out = await chat.say("bob", "g", "/ask And shipping? #pricing")
    assert "I told 2 members with matching skills (pricing)." in out
    out = await chat.say("bob", "g", "/blocked stuck on prices #pricing")
    assert "told 2 members who can help." in out


async def test_leaderboard_counts_one_tip_in_the_singular(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/tip Price by value #pricing")
    out = await chat.say("bob", "g", "/leaderboard")
    assert "1. Olga — 0 helped, 0 kudos, 1 tip" in out
    assert "1 tips" not in out
