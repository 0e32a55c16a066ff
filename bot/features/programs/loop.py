"""The relationship loop's commands, buttons and dialogs, declared together."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import Translator
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.dialogs import Dialogs
from bot.features.mentoring import Mentoring
from bot.features.programs.goals import Goals
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
        """Declares everything; `/program` only when enrolment has not declared it."""
        Meetings(self._registry, self._voice).register()
        Goals(self._registry, self._voice).register()
        Reflections(self._registry, self._dialogs, self._voice, self._mentoring).register()
        Pulses(self._dialogs, self._voice).register()
        if "program" not in self._registry.commands:
            self._registry.add_command(
                CommandSpec(
                    "program",
                    "The mentorship program here; organizers get its report",
                    self._program,
                    REPORT_EXAMPLE,
                    params=(Param("what", ParamKind.TEXT, "report", required=False),),
                    access=Access.ORGANIZER,
                    where=Where.GROUP,
                )
            )

    async def _program(self, ctx: Ctx, args: Args) -> None:
        """`/program report` until enrolment brings the whole `/program` command."""
        if str(args.get("what", "")).strip().casefold() != "report":
            raise UsageError("Try `/program report`.", example=REPORT_EXAMPLE)
        await self.report.report(ctx)
