"""/help: short and grouped by job in a group, the full list in a DM, one command in detail."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import N_
from bot.core.markup import RichText, join
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.features.limits import COMMAND_LIMITS

WHO = {
    Access.ANYONE: N_("anyone"),
    Access.MEMBER: N_("members"),
    Access.MENTOR: N_("mentors and organizers"),
    Access.ORGANIZER: N_("organizers"),
}
WHERE = {Where.ANY: N_("groups and DMs"), Where.GROUP: N_("groups only"), Where.DM: N_("DMs only")}


@dataclass(frozen=True, slots=True)
class Job:
    """One job the bot does, with its commands in the order people need them."""

    key: str
    title: str
    """A bold heading template."""
    commands: tuple[str, ...]
    short: tuple[str, ...]
    """The few a group's short /help shows."""


JOBS: tuple[Job, ...] = (
    Job(
        "mentoring",
        N_("**Mentoring**"),
        (
            "ask",
            "canhelp",
            "requests",
            "request",
            "claim",
            "unclaim",
            "resolve",
            "close",
            "reopen",
            "kudos",
            "leaderboard",
            "program",
            "mentor",
            "met",
            "goal",
            "reflect",
        ),
        ("ask", "canhelp", "claim", "resolve"),
    ),
    Job("tips", N_("**Tips**"), ("tip", "tips", "savetip"), ("tip", "tips")),
    Job(
        "accountability",
        N_("**Accountability**"),
        (
            "checkin",
            "done",
            "blocked",
            "board",
            "streak",
            "remind",
            "reminders",
            "partner",
            "badges",
            "stats",
        ),
        ("checkin", "done", "board", "remind"),
    ),
    Job(
        "profile",
        N_("**Profile**"),
        (
            "start",
            "help",
            "cancel",
            "join",
            "profile",
            "skills",
            "interests",
            "timezone",
            "language",
            "away",
            "link",
            "forgetme",
        ),
        ("profile", "skills", "interests", "timezone"),
    ),
    Job(
        "organizers",
        N_("**Organizers**"),
        ("settings", "schedule", "partners", "promote", "demote", "export", "dashboard"),
        ("settings", "schedule", "promote", "export"),
    ),
)
"""Every command belongs to exactly one job (a test checks the registry against this)."""

ORGANIZERS = "organizers"


def job_of(name: str) -> Job | None:
    """The job a command belongs to."""
    return next((job for job in JOBS if name in job.commands), None)


class Help:
    """Explains what the bot can do, from the same registry every platform reads."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares /help."""
        self._registry.add_command(
            CommandSpec(
                "help",
                "The commands you can use here, or one command in detail",
                self.help,
                "/help skills",
                (Param("command", ParamKind.WORD, "A command name", required=False),),
                access=Access.ANYONE,
            )
        )

    async def help(self, ctx: Ctx, args: Args) -> None:
        """Short and grouped in a group, full in a DM, or one command in detail."""
        wanted = str(args.get("command", "")).lstrip("/").lower()
        if wanted:
            self._explain(ctx, wanted)
        elif ctx.in_group:
            await self._short(ctx)
        else:
            self._full(ctx)

    def _explain(self, ctx: Ctx, name: str) -> None:
        spec = self._registry.commands.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(self._registry.commands), n=3)
            if close:
                raise UsageError(
                    "There is no /{name}. Close: {close}.",
                    {"name": name, "close": ", ".join(f"/{c}" for c in close)},
                    "/help skills",
                )
            raise UsageError("There is no /{name}. Send /help for the list.", {"name": name})
        parts: list[RichText] = [
            ctx.t("**{usage}**", {"usage": spec.usage}),
            ctx.t(spec.summary),
        ]
        if spec.details:
            parts.append(ctx.t(spec.details))
        parts.extend(
            ctx.t(limit.sentence, {"count": limit.count}) for limit in COMMAND_LIMITS.get(name, ())
        )
        parts.append(
            ctx.t(
                # Translators: {who} is like "members"; {where} is like "groups only" (translated
                # separately).
                "Who: {who}. Where: {where}.",
                {"who": ctx.t(WHO[spec.access]), "where": ctx.t(WHERE[spec.where])},
            )
        )
        shown = ctx.translator.gettext(ctx.language, spec.example)  # N_-marked ones translate
        parts.append(ctx.t("Example: `{example}`", {"example": shown}))
        ctx.reply_rich(join(parts))

    async def _short(self, ctx: Ctx) -> None:
        organizer = await ctx.may(Access.ORGANIZER)
        parts: list[RichText] = [ctx.t("**What you can do here:**")]
        for job in JOBS:
            if job.key == ORGANIZERS and not organizer:
                continue
            specs = [
                spec
                for spec in self._specs(job.short)
                if spec.where is not Where.DM and await ctx.may(spec.access)
            ]
            if specs:
                parts.append(self._section(ctx, job, specs))
        parts.append(
            ctx.t(
                "Send `/help <command>` for details and an example. "
                "For the full list, send /help to me in a private chat."
            )
        )
        ctx.reply_rich(join(parts, "\n\n"))

    def _full(self, ctx: Ctx) -> None:
        parts: list[RichText] = [ctx.t("**Everything I can do:**")]
        for job in JOBS:
            specs = self._specs(job.commands)
            if specs:
                parts.append(self._section(ctx, job, specs))
        parts.append(ctx.t("Send `/help <command>` for details and an example."))
        ctx.reply_rich(join(parts, "\n\n"))

    def _specs(self, names: tuple[str, ...]) -> list[CommandSpec]:
        return [self._registry.commands[name] for name in names if name in self._registry.commands]

    def _section(self, ctx: Ctx, job: Job, specs: list[CommandSpec]) -> RichText:
        lines = [ctx.t(job.title)]
        for spec in specs:
            values = {"name": spec.name, "summary": ctx.t(spec.summary)}
            if spec.where is Where.GROUP and not ctx.in_group:
                lines.append(ctx.t("/{name} — {summary} (in a group)", values))
            elif spec.where is Where.DM and ctx.in_group:
                lines.append(ctx.t("/{name} — {summary} (in a private chat)", values))
            else:
                lines.append(ctx.t("/{name} — {summary}", values))
        return join(lines)
