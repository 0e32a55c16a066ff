"""Approving proposals: **Approve all** / **One by one** buttons, `/program approve`, `pair`.

Approval re-checks the mentor's room and that the mentee has no mentor yet, makes the pair
active (the program is then running) and introduces both sides by DM.
"""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import Button, Outbound, OutMessage
from bot.core.markup import plain
from bot.core.registry import Registry
from bot.domain.program_matching import fit
from bot.features.programs import common
from bot.features.programs.introductions import introduce
from bot.features.programs.match_inputs import (
    as_mentee,
    as_mentor,
    proposal_line,
    reasons_of,
    stored_fit,
)
from storage.program_models import (
    IntakeStatus,
    PairStatus,
    Program,
    ProgramPair,
    ProgramParticipant,
    ProgramRole,
    ProgramStatus,
)
from storage.programs_repo import json_object

ACTION = "prg"
PAIR_EXAMPLE = "/program pair @mentee @mentor"
APPROVE_EXAMPLE = "/program approve all"


async def organized(ctx: Ctx, command: str) -> Program:
    """The live program here, when the actor organizes it."""
    program = await common.live_here(ctx)
    if program is None:
        raise UsageError(common.NO_PROGRAM)
    await common.require_organizer(ctx, program, command)
    return program


def approval_buttons(ctx: Ctx, program: Program) -> tuple[tuple[Button, ...], ...]:
    """**Approve all** and **One by one** under a list of proposals."""
    return (
        (
            Button(plain(ctx.t("Approve all")), ACTION, f"all|{program.id}"),
            Button(plain(ctx.t("One by one")), ACTION, f"one|{program.id}"),
        ),
    )


class Approval:
    """Turns proposals into pairs, by button or by text, and sets pairs by hand."""

    def __init__(self, registry: Registry) -> None:
        registry.add_button(ACTION, self.press)

    async def approve_text(self, ctx: Ctx, rest: str) -> None:
        """`/program approve all|<n>`: the buttons' work, by text."""
        common.need_group(ctx, APPROVE_EXAMPLE)
        program = await organized(ctx, "program approve")
        word = rest.strip().casefold().lstrip("#")
        proposed = await common.repo(ctx).pairs(program.id, (PairStatus.PROPOSED,))
        if word == "all":
            await self.approve_all(ctx, program, proposed)
            return
        if not (word.isascii() and word.isdigit() and len(word) <= 4):
            raise UsageError(
                "Say `all` or the number of a proposal from `/program match`.",
                example="/program approve 2",
            )
        number = int(word)
        wanted = [p for p in proposed if json_object(p.reasons).get("number") == number]
        if not wanted:
            raise UsageError(
                "There is no proposal #{number} waiting. Send `/program match` to see them.",
                {"number": number},
                APPROVE_EXAMPLE,
            )
        await self.approve_one(ctx, program, wanted[0])

    async def pair(self, ctx: Ctx, rest: str) -> None:
        """`/program pair @mentee @mentor`: one pair set by hand, under the same rules."""
        common.need_group(ctx, PAIR_EXAMPLE)
        program = await organized(ctx, "program pair")
        names = rest.split()
        if len(names) != 2:
            raise UsageError("Name the mentee, then the mentor.", example=PAIR_EXAMPLE)
        store = common.repo(ctx)
        rows: list[ProgramParticipant] = []
        for raw, role in zip(names, (ProgramRole.MENTEE, ProgramRole.MENTOR), strict=True):
            account, _ = await ctx.member(raw)
            row = await store.participant(program.id, account.person_id)
            if row is None or row.role != role.value or row.intake != IntakeStatus.COMPLETE:
                raise UsageError(
                    "{name} is not a {role} with a complete intake in “{program}”.",
                    {
                        "name": account.display_name,
                        "role": ctx.t(common.ROLE_NAMES[role.value]),
                        "program": program.name,
                    },
                    PAIR_EXAMPLE,
                )
            rows.append(row)
        mentee, mentor = rows
        existing = await store.find_pair(program.id, mentee.person_id, mentor.person_id)
        if existing is not None and existing.status != PairStatus.PROPOSED.value:
            raise UsageError(
                "These two have already been a pair in this program, and a pair is never repeated.",
                example=PAIR_EXAMPLE,
            )
        if existing is None:
            week = ctx.now.date()
            score = fit(as_mentee(mentee, week, set()), as_mentor(mentor, week, 0))
            existing = await store.add_pair(
                program.id, mentee.person_id, mentor.person_id, score.points, reasons_of(score),
                ctx.now,
            )  # fmt: skip
        await self.approve_one(ctx, program, existing)

    async def press(self, ctx: Ctx, payload: str) -> None:
        """**Approve all**, **One by one**, **Approve** and **Skip**."""
        kind, _, number = payload.partition("|")
        if not (number.isascii() and number.isdigit() and len(number) <= 12):
            ctx.reply("That button no longer works. Send the command again.", private=True)
            return
        store = common.repo(ctx)
        pair = await store.pair(int(number)) if kind in ("ok", "skip") else None
        program = await store.by_id(pair.program_id if pair is not None else int(number))
        if program is None or program.status == ProgramStatus.ENDED.value:
            ctx.reply("That program is no longer running, so the button does nothing.")
            return
        await common.require_organizer(ctx, program, "program match")
        proposed = await store.pairs(program.id, (PairStatus.PROPOSED,))
        if kind == "all":
            await self.approve_all(ctx, program, proposed)
        elif kind == "one":
            await self._ask_next(ctx, proposed)
        elif pair is None or pair.status != PairStatus.PROPOSED.value:
            ctx.reply("That proposal was already decided or replaced.", private=True)
        else:
            if kind == "ok":
                await self.approve_one(ctx, program, pair)
            else:
                await store.session.delete(pair)
                ctx.reply("Skipped.", private=True)
            await self._ask_next(ctx, [p for p in proposed if p.id != pair.id])

    async def _ask_next(self, ctx: Ctx, proposed: list[ProgramPair]) -> None:
        """The next waiting proposal with **Approve** / **Skip**."""
        if not proposed:
            ctx.reply("No proposals are waiting.", private=True)
            return
        pair = proposed[0]
        number = int(json_object(pair.reasons).get("number", 0))
        line = await proposal_line(ctx, number, pair, stored_fit(pair))
        buttons = (
            (
                Button(plain(ctx.t("Approve")), ACTION, f"ok|{pair.id}"),
                Button(plain(ctx.t("Skip")), ACTION, f"skip|{pair.id}"),
            ),
        )
        ctx.outbound.append(Outbound(OutMessage(line, buttons), private=ctx.in_group))

    async def approve_all(self, ctx: Ctx, program: Program, proposed: list[ProgramPair]) -> None:
        """Approves every waiting proposal the rules still allow, and says how many."""
        if not proposed:
            ctx.reply("No proposals are waiting. Send `/program match` first.", private=True)
            return
        made = [pair for pair in proposed if await self.approve(ctx, program, pair)]
        text = ctx.tn(
            "Approved {approved} of {count} proposed pair, and introduced it by DM.",
            "Approved {approved} of {count} proposed pairs, and introduced each by DM.",
            len(proposed),
            {"approved": len(made)},
        )
        ctx.reply_rich(text, private=True)

    async def approve_one(self, ctx: Ctx, program: Program, pair: ProgramPair) -> None:
        """Approves one pair and says so, or says why not."""
        values = {
            "mentee": await common.name_of(ctx, pair.mentee_id),
            "mentor": await common.name_of(ctx, pair.mentor_id),
        }
        if await self.approve(ctx, program, pair):
            ctx.reply(
                "Paired {mentee} with {mentor}, and introduced them by DM.", values, private=True
            )
        else:
            ctx.reply(
                "I can't pair {mentee} with {mentor}: {mentor} has no room left, or {mentee} "
                "already has a mentor.",
                values,
                private=True,
            )

    async def approve(self, ctx: Ctx, program: Program, pair: ProgramPair) -> bool:
        """Makes the pair active (room and rules permitting) and queues both introductions."""
        store = common.repo(ctx)
        mentor = await store.participant(program.id, pair.mentor_id)
        mentee = await store.participant(program.id, pair.mentee_id)
        if mentor is None or mentee is None:
            return False
        if (await store.active_load(program.id)).get(pair.mentor_id, 0) >= (mentor.capacity or 1):
            return False
        active = [
            p
            for p in await store.pairs_of(pair.mentee_id, program.id, (PairStatus.ACTIVE,))
            if p.mentee_id == pair.mentee_id
        ]
        if active and not mentee.wants_new_mentor:
            return False
        for old in active:  # a mentee who asked for another mentor leaves the old pair
            old.status = PairStatus.ENDED.value
            old.ended_at = ctx.now
            old.end_reason = "new_mentor"
        pair.status = PairStatus.ACTIVE.value
        pair.paired_at = ctx.now
        mentee.wants_new_mentor = False
        program.status = ProgramStatus.RUNNING.value
        await store.session.flush()
        await introduce(ctx, program, pair, mentee)
        pair.intro_sent_at = ctx.now
        return True
