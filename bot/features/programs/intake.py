"""`/program join` and `/program profile`: the guided intake in the DM, and what it stores.

The intake is one declared dialog per role, with a first step asking the timezone for people
who have none set. Completing it fills the participant's answers and marks the intake
complete; cancelling (or letting it lapse) withdraws a join that had not completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.markup import join
from bot.dialogs import Answer, Completion, Dialogs, DialogSpec, Lapse
from bot.domain.timezones import lookup_timezone
from bot.domain.weekly_windows import WindowsRefusal, read_windows, windows_to_json
from bot.features.programs import common
from bot.features.programs.intake_steps import dialog_name, steps, summary
from storage.program_models import IntakeStatus, ProgramRole
from storage.programs_repo import ProgramRepository, dumps

JOIN_EXAMPLE = "/program join mentee"
JOIN, PROFILE = "join", "profile"


class Intake:
    """Starts, re-runs and completes intakes; a cancelled or lapsed join is withdrawn."""

    def __init__(self, dialogs: Dialogs) -> None:
        self._dialogs = dialogs
        for role in ProgramRole:
            for ask_zone in (True, False):
                dialogs.add(
                    DialogSpec(
                        dialog_name(role, ask_zone),
                        steps(role, ask_zone),
                        self.completed,
                        on_cancel=self.cancelled,
                        on_lapse=self.lapsed,
                    )
                )

    async def join(self, ctx: Ctx, rest: str) -> None:
        """`/program join mentor|mentee`: adds the person and starts the intake in the DM."""
        word = rest.strip().casefold()
        if word not in (ProgramRole.MENTOR.value, ProgramRole.MENTEE.value):
            raise UsageError("Say whether you join as a mentor or a mentee.", example=JOIN_EXAMPLE)
        wanted = ProgramRole(word)
        program = await common.live_here(ctx)
        if program is None:
            ctx.reply(common.NO_PROGRAM)
            return
        store = common.repo(ctx)
        row = await store.participant(program.id, ctx.person.id)
        values = {"program": program.name, "role": ctx.t(common.ROLE_NAMES[wanted.value])}
        if row is not None and row.intake != IntakeStatus.WITHDRAWN.value:
            values["have"] = ctx.t(common.ROLE_NAMES[row.role])
            if row.role != wanted.value:
                ctx.reply(
                    "You're already in “{program}” as a {have}. One person takes one role in a "
                    "program, so I can't add you as a {role} too.",
                    values,
                )
            elif row.intake == IntakeStatus.COMPLETE.value:
                ctx.reply(
                    "You're already in “{program}” as a {role}. To change your answers, send "
                    "`/program profile`.",
                    values,
                )
            else:
                ctx.reply(
                    "You're already joining “{program}” as a {role}: please answer my questions "
                    "in our private chat, or send `/cancel` there to leave.",
                    values,
                )
            return
        await store.join(program.id, ctx.person.id, wanted, ctx.now)
        await self._start(ctx, program.id, program.name, wanted, JOIN)

    async def profile(self, ctx: Ctx) -> None:
        """`/program profile`: shows the current answers and asks the intake again."""
        program = await common.live_here(ctx)
        if program is None:
            ctx.reply(common.NO_PROGRAM)
            return
        row = await common.repo(ctx).participant(program.id, ctx.person.id)
        if row is None or row.intake == IntakeStatus.WITHDRAWN.value:
            ctx.reply(
                "You haven't joined “{program}”. Join with `/program join mentor` or "
                "`/program join mentee`.",
                {"program": program.name},
            )
            return
        if row.intake == IntakeStatus.COMPLETE.value:
            text = join(
                [
                    ctx.t("Your answers for “{program}” now:", {"program": program.name}),
                    *summary(ctx, row),
                    ctx.t("Answer the questions again to change them; `/cancel` keeps these."),
                ]
            )
            ctx.reply_rich(text, private=True)
        await self._start(ctx, program.id, program.name, ProgramRole(row.role), PROFILE)

    async def _start(
        self, ctx: Ctx, program_id: int, name: str, role: ProgramRole, mode: str
    ) -> None:
        context = {"program": name, "program_id": program_id, "role": role.value, "mode": mode}
        await self._dialogs.start(ctx, dialog_name(role, not ctx.person.timezone), context)

    async def completed(self, end: Completion) -> None:
        """Stores the answers, marks the intake complete, and shows a summary."""
        ctx = end.ctx
        store = common.repo(ctx)
        row = await store.participant(int(end.context["program_id"]), ctx.person.id)
        if row is None:  # the program was removed meanwhile
            ctx.reply("That program no longer exists, so I kept nothing.")
            return
        answers = end.answers
        if answers.get("zone"):
            found = lookup_timezone(str(answers["zone"]), ctx.now)
            if found.zone is not None:
                ctx.person.timezone = found.zone
        zone = ctx.person.timezone or common.zone_of(ctx)
        windows = read_windows(str(answers["availability"]))
        assert not isinstance(windows, WindowsRefusal)  # the step's check passed
        row.topics = dumps(_strings(answers.get("topics")))
        row.languages = dumps(_strings(answers.get("languages")))
        row.meeting_way = str(answers["meeting"])
        row.availability = dumps({"zone": zone, "windows": windows_to_json(windows)})
        if row.role == ProgramRole.MENTEE.value:
            row.goal = str(answers["goal"])
        else:
            row.wants = None if answers.get("wants") is None else str(answers["wants"])
            row.capacity = int(str(answers["capacity"]))
        row.intake = IntakeStatus.COMPLETE.value
        row.updated_at = ctx.now
        lines = [
            ctx.t("Here is what I have for “{program}”:", {"program": end.context["program"]}),
            *summary(ctx, row),
            ctx.t(
                "Your intake is complete. You can change these answers any time with "
                "`/program profile`."
            ),
        ]
        ctx.reply_rich(join(lines))

    async def cancelled(self, end: Completion) -> None:
        """A cancelled join is withdrawn; a cancelled profile change keeps the old answers."""
        ctx = end.ctx
        await self._withdraw(
            ProgramRepository(ctx.repo.session), end.context, ctx.person.id, ctx.now
        )
        if end.context.get("mode") == PROFILE:
            ctx.reply("Your earlier answers stay as they were.")
        else:
            ctx.reply(
                "You have left “{program}”. Join again any time with `/program join {role}`.",
                {"program": end.context["program"], "role": end.context["role"]},
            )

    async def lapsed(self, end: Lapse) -> None:
        """A join left unanswered for a day is withdrawn, like a cancelled one."""
        await self._withdraw(ProgramRepository(end.session), end.context, end.person_id, end.now)

    async def _withdraw(
        self, store: ProgramRepository, context: Mapping[str, Any], person_id: int, now: datetime
    ) -> None:
        row = await store.participant(int(context["program_id"]), person_id)
        if row is not None and row.intake == IntakeStatus.IN_PROGRESS.value:
            row.intake = IntakeStatus.WITHDRAWN.value
            row.updated_at = now


def _strings(value: Answer) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
