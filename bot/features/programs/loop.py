"""The relationship loop's commands, buttons and dialogs, declared together."""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import Translator
from bot.core.registry import (
    Access,
    Args,
    CommandSpec,
    Handler,
    Param,
    ParamKind,
    Registry,
    Where,
)
from bot.dialogs import Dialogs
from bot.features.mentoring import Mentoring
from bot.features.programs.goals import Goals
from bot.features.programs.leaving import ProgramDepartures
from bot.features.programs.meetings import Meetings
from bot.features.programs.pulses import Pulses
from bot.features.programs.reach import Voice
from bot.features.programs.reflections import Reflections
from bot.features.programs.report import ProgramReport

REPORT_EXAMPLE = "/program report"


class ProgramLoop:
    """`/met`, `/goal`, `/reflect`, the reflection and pulse dialogs, and `/program report`."""

    def __init__(
        self, registry: Registry, dialogs: Dialogs, translator: Translator, mentoring: Mentoring
    ) -> None:
        self._registry = registry
        self._dialogs = dialogs
        self._voice = Voice(translator)
        self._mentoring = mentoring
        self.report = ProgramReport()
        """`/program report`; the enrolment side's `/program` dispatches `report` here."""

    def register(self) -> None:
        """Declares everything; adds `report` to enrolment's `/program` (declared before this)."""
        Meetings(self._registry, self._voice).register()
        Goals(self._registry, self._voice).register()
        Reflections(self._registry, self._dialogs, self._voice, self._mentoring).register()
        Pulses(self._dialogs, self._voice).register()
        self._registry.add_leave_handler(ProgramDepartures(self._voice).member_left)
        existing = self._registry.commands.get("program")
        if existing is not None:  # enrolment's `/program`: `report` is answered here
            self._registry.commands["program"] = replace(
                existing, handler=self._with_report(existing.handler)
            )
            return
        self._registry.add_command(
            CommandSpec(
                "program",
                "The mentorship program here; organizers get its report",
                self._with_report(_only_report),
                REPORT_EXAMPLE,
                params=(
                    Param("action", ParamKind.WORD, "report", required=False),
                    Param("details", ParamKind.TEXT, "the rest", required=False),
                ),
                access=Access.ORGANIZER,
                where=Where.GROUP,
            )
        )

    def _with_report(self, handler: Handler) -> Handler:
        """`/program report` here; every other `/program …` to the handler that had it."""

        async def program(ctx: Ctx, args: Args) -> None:
            if str(args.get("action", "")).casefold() == "report":
                await self.report.report(ctx)
            else:
                await handler(ctx, args)

        return program


async def _only_report(ctx: Ctx, args: Args) -> None:
    """Without enrolment's `/program`, only the report is here."""
    raise UsageError("Try `/program report`.", example=REPORT_EXAMPLE)
