"""Permission matrix: every command × role × chat kind, checked against SPEC.md's "who" column.

The expectations come from the table below, written from SPEC.md (not from the registry), so a
registry that drifts from the spec fails here. A command in the registry but missing from the
table fails too: a new command must say who may run it and where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.app import Core
from bot.core.registry import Access, Where
from tests.harness import ChatDriver, FakeClock


class Who(StrEnum):
    """SPEC.md's "who" column."""

    ANYONE = "anyone"
    MEMBER = "member"
    MENTOR = "mentor"
    ORGANIZER = "organizer"
    ASKER_OR_ORGANIZER = "the asker or an organizer"
    HELPER = "the helper"


ROLES = ("stranger", "member", "mentor", "organizer")
RANK = {"stranger": 0, "member": 1, "mentor": 2, "organizer": 3}
NEEDED = {Who.ANYONE: 0, Who.MEMBER: 0, Who.MENTOR: 2, Who.ORGANIZER: 3}


@dataclass(frozen=True)
class Row:
    """One way of running a command: its arguments, who may, and where it works."""

    command: str
    args: str
    who: Who
    where: Where


# Written from SPEC.md's command tables. `{n}` in args is replaced by a request number made for
# that row. A stranger's first command in a group makes them a member (SPEC: /join "also implied
# by a person's first command"), so member commands admit strangers there.
TABLE: tuple[Row, ...] = (
    Row("start", "", Who.ANYONE, Where.ANY),
    Row("help", "", Who.ANYONE, Where.ANY),
    Row("help", "skills", Who.ANYONE, Where.ANY),
    Row("join", "", Who.ANYONE, Where.GROUP),
    Row("profile", "", Who.MEMBER, Where.ANY),
    Row("skills", "pricing, design", Who.MEMBER, Where.ANY),
    Row("skills", "", Who.MEMBER, Where.ANY),
    Row("interests", "marketing", Who.MEMBER, Where.ANY),
    Row("timezone", "Europe/Berlin", Who.MEMBER, Where.ANY),
    Row("language", "en", Who.MEMBER, Where.ANY),
    Row("away", "off", Who.MEMBER, Where.ANY),
    Row("forgetme", "", Who.MEMBER, Where.ANY),
    Row("promote", "@target mentor", Who.ORGANIZER, Where.GROUP),
    Row("demote", "@target", Who.ORGANIZER, Where.GROUP),
    Row("link", "", Who.MEMBER, Where.DM),
    Row("settings", "", Who.ANYONE, Where.GROUP),
    Row("settings", "timezone Europe/Berlin", Who.ORGANIZER, Where.GROUP),
    Row("ask", "How do I price candles? #pricing", Who.MEMBER, Where.GROUP),
    Row("canhelp", "", Who.ANYONE, Where.ANY),
    Row("claim", "{n}", Who.MEMBER, Where.GROUP),
    Row("unclaim", "{n}", Who.HELPER, Where.GROUP),
    Row("resolve", "{n} thanks", Who.ASKER_OR_ORGANIZER, Where.GROUP),
    Row("close", "{n}", Who.ASKER_OR_ORGANIZER, Where.GROUP),
    Row("reopen", "{n}", Who.ASKER_OR_ORGANIZER, Where.GROUP),
    Row("requests", "open", Who.MEMBER, Where.GROUP),
    Row("request", "{n}", Who.MEMBER, Where.ANY),
    Row("kudos", "@asker for the pricing sheet", Who.MEMBER, Where.GROUP),
    Row("leaderboard", "", Who.MEMBER, Where.GROUP),
    Row("tip", "Invoice the day the work is done #invoicing", Who.MENTOR, Where.GROUP),
    Row("tip", "all Invoice the day the work is done", Who.MENTOR, Where.ANY),
    Row("tips", "", Who.MEMBER, Where.GROUP),
    Row("savetip", "{n}", Who.ASKER_OR_ORGANIZER, Where.GROUP),
    Row("schedule", "checkin 09:00", Who.ORGANIZER, Where.GROUP),
    Row("schedule", "tips 10:00 weekdays", Who.ORGANIZER, Where.GROUP),
    Row("schedule", "tip in 2h Drink water", Who.MENTOR, Where.GROUP),
    Row("schedule", "list", Who.ANYONE, Where.GROUP),
    Row("schedule", "off tips", Who.ORGANIZER, Where.GROUP),
    Row("checkin", "finish the product photos", Who.MEMBER, Where.GROUP),
    Row("done", "", Who.MEMBER, Where.ANY),
    Row("blocked", "the payment page #stripe", Who.MEMBER, Where.GROUP),
    Row("streak", "", Who.MEMBER, Where.ANY),
    Row("board", "", Who.MEMBER, Where.GROUP),
    Row("remind", "in 2h send the invoice", Who.MEMBER, Where.ANY),
    Row("reminders", "", Who.MEMBER, Where.ANY),
    Row("cancel", "", Who.ANYONE, Where.ANY),
    Row("partners", "on", Who.ORGANIZER, Where.GROUP),
    Row("partner", "", Who.MEMBER, Where.GROUP),
    Row("badges", "", Who.MEMBER, Where.ANY),
    Row("stats", "", Who.MEMBER, Where.GROUP),
    Row("export", "", Who.ORGANIZER, Where.GROUP),
    Row("dashboard", "", Who.ORGANIZER, Where.ANY),
    Row("program", "new Matrix program", Who.ORGANIZER, Where.GROUP),
    Row("program", "", Who.ANYONE, Where.ANY),
    Row("program", "join mentee", Who.MEMBER, Where.ANY),
    Row("program", "set weeks 8", Who.ORGANIZER, Where.GROUP),
    Row("program", "match", Who.ORGANIZER, Where.GROUP),
    Row("program", "pairs", Who.MEMBER, Where.ANY),
    Row("mentor", "", Who.MEMBER, Where.ANY),
    Row("met", "we planned prices", Who.MEMBER, Where.ANY),
    Row("goal", "open my shop", Who.MEMBER, Where.ANY),
    Row("reflect", "", Who.MEMBER, Where.ANY),
    Row("program", "report", Who.ORGANIZER, Where.GROUP),
)

# How the bot says no. Wrong place comes first (the router checks it before the role).
WRONG_PLACE = re.compile(r"works in a group chat|works in a private chat|Post a tip in a group")
DENIED = re.compile(
    r"Only (organizers|mentors and organizers|the asker or an organizer) can"
    r"|You are not a mentor or organizer in any community"
    r"|You're not helping with"
    r"|Only the asker, the helper or an organizer can"
)
BROKEN = re.compile(r"Traceback|something went wrong|Error\b")

# The access each "who" becomes in the registry (finer rules are the handlers').
REGISTRY_ACCESS = {
    Who.ANYONE: {Access.ANYONE, Access.MEMBER},
    Who.MEMBER: {Access.MEMBER},
    Who.MENTOR: {Access.MEMBER, Access.MENTOR},
    Who.ORGANIZER: {Access.MEMBER, Access.ORGANIZER, Access.ANYONE},
    Who.ASKER_OR_ORGANIZER: {Access.MEMBER},
    Who.HELPER: {Access.MEMBER},
}


def allowed(row: Row, role: str, in_group: bool) -> bool:
    """What SPEC.md says for this role in this kind of chat."""
    if row.where is Where.GROUP and not in_group:
        return False
    if row.where is Where.DM and in_group:
        return False
    if row.who is Who.HELPER:
        return False  # none of the matrix people is the helper of the request
    if row.who is Who.ASKER_OR_ORGANIZER:
        return role == "organizer"  # none of them is the asker
    if not in_group and row.who in (Who.MENTOR, Who.ORGANIZER):
        # In a DM only `/tip all` qualifies: it reaches communities where the person mentors.
        return RANK[role] >= NEEDED[row.who] and role != "stranger"
    return RANK[role] >= NEEDED[row.who]


def test_every_registry_command_is_in_the_table() -> None:
    from tests.harness import standalone_registry

    registry = standalone_registry()
    tabled = {row.command for row in TABLE}
    missing = sorted(set(registry.commands) - tabled)
    assert not missing, f"commands without a permission row from SPEC.md: {missing}"
    for row in TABLE:
        spec = registry.commands.get(row.command)
        if spec is None:
            continue  # specified, not built yet
        assert spec.access in REGISTRY_ACCESS[row.who], (row, spec.access)
        if row.where is not Where.ANY:
            assert spec.where in (row.where, Where.ANY), (row, spec.where)


async def _ask(chat: ChatDriver, text: str, clock: FakeClock) -> int:
    clock.advance(minutes=13)  # stay under the 5-requests-an-hour limit for one asker
    out = await chat.say("asker", "g", f"/ask {text}")
    match = re.search(r"Request #(\d+) is open", out)
    assert match, out
    return int(match.group(1))


async def test_permission_matrix(core: Core, chat: ChatDriver, clock: FakeClock) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("mia", "g", "/join")
    await chat.say("mo", "g", "/join")
    await chat.say("target", "g", "/join")
    await chat.say("helper", "g", "/join")
    assert "mentor" in await chat.say("olga", "g", "/promote @mo mentor")
    # Mentors and organizers in DMs: `/tip all` needs a community where they mentor.
    people = {"member": "mia", "mentor": "mo", "organizer": "olga"}

    rows = [row for row in TABLE if row.command in core.registry.commands]
    failures: list[str] = []
    strangers = 0
    for row in rows:
        for in_group in (True, False):
            for role in ROLES:
                number = None
                if "{n}" in row.args:
                    number = await _ask(chat, f"question for {row.command} {role}", clock)
                    if row.command == "reopen":
                        await chat.say("asker", "g", f"/close {number}")
                    if row.command == "unclaim":
                        await chat.say("helper", "g", f"/claim {number}")
                    if row.command == "savetip":
                        await chat.say("asker", "g", f"/resolve {number}")
                args = row.args.replace("{n}", str(number))
                if role == "stranger":
                    strangers += 1
                    person = f"stranger{strangers}"
                else:
                    person = people[role]
                text = f"/{row.command} {args}".strip()
                out = await chat.say(person, "g" if in_group else None, text)
                where = "group" if in_group else "DM"
                case = f"{text!r} as {role} in {where}: {out!r}"
                if not out.strip():
                    failures.append(f"silence: {case}")
                elif BROKEN.search(out):
                    failures.append(f"broken: {case}")
                elif allowed(row, role, in_group):
                    if WRONG_PLACE.search(out) or DENIED.search(out):
                        failures.append(f"refused but SPEC allows: {case}")
                else:
                    place_ok = (row.where is Where.GROUP and in_group) or (
                        row.where is Where.DM and not in_group
                    )
                    wanted = DENIED if row.where is Where.ANY or place_ok else WRONG_PLACE
                    if not wanted.search(out):
                        failures.append(f"not refused with {wanted.pattern[:30]}…: {case}")
    assert not failures, "\n".join(failures)
