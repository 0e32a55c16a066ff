"""Mentorship programs: `/program …` and `/mentor` (enrolment, matching, pair views).

The relationship loop (`/met`, `/goal`, reflections, pulses, report) lives beside these
modules and reads the same tables (`storage/program_models.py`).
"""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.paging import Pager
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry
from bot.dialogs import Dialogs
from bot.features.programs.approval import Approval
from bot.features.programs.intake import Intake
from bot.features.programs.lifecycle import Lifecycle
from bot.features.programs.matching_flow import MatchingFlow
from bot.features.programs.views import Views

EXAMPLE = "/program join mentee"
ACTIONS = "new, set, join, profile, match, approve, pair, pairs, end"


class Programs:
    """Declares `/program` and `/mentor` and hands each sub-command to its module."""

    def __init__(self, registry: Registry, dialogs: Dialogs, pager: Pager) -> None:
        self._registry = registry
        self._lifecycle = Lifecycle(dialogs)
        self._intake = Intake(dialogs)
        self._approval = Approval(registry)
        self._matching = MatchingFlow(self._approval)
        self._views = Views(pager)

    def register(self) -> None:
        """Declares the commands."""
        self._registry.add_command(
            CommandSpec(
                "program",
                "The mentorship program: what it is, joining, and (organizers) running it",
                self.program,
                EXAMPLE,
                (
                    Param("action", ParamKind.WORD, "What to do", required=False),
                    Param("details", ParamKind.TEXT, "The rest", required=False, max_length=300),
                ),
                access=Access.MEMBER,
                details=(
                    "`/program` shows the program here. `/program join mentor|mentee` starts "
                    "your intake in a DM; `/program profile` changes it. Organizers, in the "
                    "group: `/program new <name>`, `/program set weeks <4–52>`, "
                    "`/program set start <date>`, `/program set reflection <weekday> <HH:MM>`, "
                    "`/program set pairing approve|auto`, `/program match`, "
                    "`/program approve all|<n>`, `/program pair @mentee @mentor`, "
                    "`/program pairs` and `/program end`."
                ),
                usage_override=(
                    "/program | /program join mentor|mentee | /program profile | "
                    "/program new <name> | /program set … | /program match | "
                    "/program approve all|<n> | /program pair @mentee @mentor | "
                    "/program pairs | /program end"
                ),
            )
        )
        self._registry.add_command(
            CommandSpec(
                "mentor",
                "Your mentoring pairs: who, the goal, the next reflection, the last meeting",
                self._mentor,
                "/mentor",
                access=Access.MEMBER,
            )
        )

    async def program(self, ctx: Ctx, args: Args) -> None:
        """Dispatches `/program <action> <details>`."""
        action = str(args.get("action") or "").casefold()
        rest = str(args.get("details") or "")
        if not action:
            await self._lifecycle.overview(ctx)
        elif action == "new":
            await self._lifecycle.new(ctx, rest)
        elif action == "set":
            await self._lifecycle.configure(ctx, rest)
        elif action == "end":
            await self._lifecycle.end(ctx)
        elif action == "join":
            await self._intake.join(ctx, rest)
        elif action == "profile":
            await self._intake.profile(ctx)
        elif action == "match":
            await self._matching.match(ctx)
        elif action == "approve":
            await self._approval.approve_text(ctx, rest)
        elif action == "pair":
            await self._approval.pair(ctx, rest)
        elif action == "pairs":
            await self._views.pairs(ctx)
        else:
            raise UsageError(
                "I don't know `/program {action}`. Try one of: {actions}.",
                {"action": action, "actions": ACTIONS},
                EXAMPLE,
            )

    async def _mentor(self, ctx: Ctx, _args: Args) -> None:
        await self._views.mentor(ctx)
