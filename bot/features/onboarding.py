"""First contact: /start, /join and the community's /settings (/help lives in `help`)."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import ChatKind
from bot.core.i18n import language_name, normalize_language
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.domain.timezones import local_time, resolve_timezone, suggest_timezones
from bot.features.bridges import Bridging
from storage.schedule_repo import ScheduleRepository


def timezone_or_suggest(text: str, example: str) -> str:
    """The canonical timezone for `text`, or a UsageError listing the closest names."""
    zone = resolve_timezone(text)
    if zone is not None:
        return zone
    suggestions = suggest_timezones(text)
    if suggestions:
        raise UsageError(
            "I don't know the timezone “{zone}”. Did you mean: {names}?",
            {"zone": text, "names": ", ".join(suggestions)},
            example,
        )
    raise UsageError(
        "I don't know the timezone “{zone}”. Use an Area/City name.", {"zone": text}, example
    )


def language_or_refuse(text: str, example: str) -> str:
    """The canonical language code for `text`, or a UsageError with examples."""
    code = normalize_language(text)
    if code is None:
        raise UsageError(
            "I don't know the language code “{code}”. Use a code like en, es, de or pt_BR.",
            {"code": text},
            example,
        )
    return code


class Onboarding:
    """Welcomes people and communities and explains what the bot can do."""

    def __init__(self, registry: Registry, bridging: Bridging) -> None:
        self._registry = registry
        self._bridging = bridging

    def register(self) -> None:
        """Declares this feature's commands."""
        self._registry.extend(
            [
                CommandSpec(
                    "start",
                    "Welcome and profile set-up (in a DM), or register this group",
                    self.start,
                    "/start",
                    (Param("code", ParamKind.WORD, "A start code from a link", required=False),),
                    access=Access.ANYONE,
                ),
                CommandSpec(
                    "join",
                    "Join this community as a member",
                    self.join,
                    "/join",
                    access=Access.ANYONE,
                    where=Where.GROUP,
                ),
                CommandSpec(
                    "settings",
                    "Show this community's settings; organizers can change them",
                    self.settings,
                    "/settings timezone Europe/Berlin",
                    (
                        Param(
                            "setting",
                            ParamKind.CHOICE,
                            "What to change",
                            required=False,
                            choices=("timezone", "language", "bridge"),
                        ),
                        Param(
                            "value",
                            ParamKind.WORD,
                            "The new value (for bridge: a code, or off)",
                            required=False,
                        ),
                    ),
                    access=Access.ANYONE,
                    where=Where.GROUP,
                    usage_override=(
                        "/settings [timezone <Area/City> | language <code> | bridge [code|off]]"
                    ),
                    details=(
                        "`/settings bridge` (organizers) gives a one-time code privately; an "
                        "organizer of a community on another platform sends "
                        "`/settings bridge <code>` there to share requests, tips and the "
                        "check-in board. `/settings bridge off` stops sharing."
                    ),
                ),
            ]
        )

    async def start(self, ctx: Ctx, args: Args) -> None:
        """In a DM: opt in to DMs and explain set-up; in a group: introduce the bot."""
        if ctx.event.chat_kind is ChatKind.DM:
            ctx.account.dm_opted_in = True
            ctx.account.dm_unreachable = False
            ctx.reply(
                "Hi {name}! I'm mentorbot. I connect people who need help with people who can "
                "give it, share tips, and keep you accountable.\n\n"
                "**Set up your profile:**\n"
                "`/skills design, pricing` what you can help with\n"
                "`/interests marketing` what you want help with\n"
                "`/timezone Europe/Berlin` so pings come at your local time\n\n"
                "I'll send reminders, introductions and private answers here. "
                "Send /help any time.",
                {"name": ctx.account.display_name},
            )
            return
        community, _ = ctx.group()
        ctx.reply(
            "Hello, **{title}**! I'm mentorbot.\n"
            "**Ask** for help, **offer** help, share **tips**, and keep each other "
            "**accountable**.\n\n"
            "Start with `/skills …` (what you can help with) and `/interests …` (what you "
            "want help with). Organizers: see `/settings`. Everyone: /help.\n"
            "Open a private chat with me and send /start to get reminders by DM.",
            {"title": community.title or "everyone"},
        )

    async def join(self, ctx: Ctx, args: Args) -> None:
        """Confirms membership (the router has already joined the person)."""
        community, membership = ctx.group()
        if not ctx.joined_now:
            ctx.reply(
                "You're already in **{title}** as {role}.",
                {"title": community.title, "role": ctx.t(membership.role)},
            )
            return
        ctx.reply(
            "Welcome to **{title}**, {name}! Tell people what you can help with: "
            "`/skills design, pricing`.",
            {"title": community.title, "name": ctx.account.display_name},
        )

    async def settings(self, ctx: Ctx, args: Args) -> None:
        """Shows the settings, or changes one when an organizer asks."""
        community, _ = ctx.group()
        setting = args.get("setting")
        if setting is None:
            if "value" in args:
                raise UsageError(
                    "Say which setting to change.", example="/settings timezone Europe/Berlin"
                )
            members = await ctx.repo.member_count(community.id)
            ctx.reply(
                "**Settings of {title}**\nTimezone: {tz} (now {time})\nLanguage: {language}\n"
                "Unclaimed requests are re-announced after {hours} h\nMembers: {members}\n"
                "Active schedules: {schedules}\nBridge: {bridge}",
                {
                    "title": community.title,
                    "tz": community.timezone,
                    "time": local_time(community.timezone, ctx.now),
                    "language": f"{community.language} ({language_name(community.language)})",
                    "hours": community.escalation_hours,
                    "members": members,
                    "schedules": ", ".join(
                        f"#{s.id} {s.kind} {s.local_time}"
                        for s in await ScheduleRepository(ctx.repo.session).enabled(community.id)
                        if s.run_at is None
                    )
                    or ctx.t("none (see `/schedule list`)"),
                    "bridge": await self._bridging.describe(ctx),
                },
            )
            return
        value = str(args.get("value", ""))
        if setting == "bridge":
            await self._bridging.handle(ctx, value)
            return
        await ctx.require(Access.ORGANIZER, "settings")
        if setting == "timezone":
            example = "/settings timezone Europe/Berlin"
            if not value:
                raise UsageError("Which timezone?", example=example)
            community.timezone = timezone_or_suggest(value, example)
            ctx.replan_after_commit(community.id)  # schedules follow the new local time
            ctx.reply(
                "This community's timezone is now **{tz}** (local time {time}).",
                {"tz": community.timezone, "time": local_time(community.timezone, ctx.now)},
            )
            return
        example = "/settings language es"
        if not value:
            raise UsageError("Which language?", example=example)
        community.language = language_or_refuse(value, example)
        ctx.reply(
            "This community's language is now **{language}**.{note}",
            {
                "language": language_name(community.language),
                "note": ""
                if ctx.translator.has_catalog(community.language)
                else ctx.t(" My messages stay in English until a translation is available."),
            },
        )
