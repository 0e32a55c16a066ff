"""First contact: /start, /join and the community's /settings (/help lives in `help`)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import ChatKind
from bot.core.i18n import N_, language_name
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.domain.timezones import local_time
from bot.features.bridges import Bridging
from bot.features.community_settings import (
    LANGUAGE_EXAMPLE,
    TIMEZONE_EXAMPLE,
    SettingChange,
    change_escalation,
    change_language,
    change_nudge,
    change_zone,
)
from bot.features.language_choice import confirm_community
from bot.features.roles import ROLE_NAME
from bot.features.zone_choice import read_choice, utc_note, zone_or_choices
from storage.models import Community
from storage.schedule_repo import ScheduleRepository

COMMUNITY_ZONE_ACTION = "tzs"
DELAYS: dict[str, tuple[Callable[[Community, str], SettingChange], str]] = {
    "escalation": (
        change_escalation,
        N_("Unclaimed requests are now re-announced after **{hours} h**."),
    ),
    "nudge": (
        change_nudge,
        N_("Members who haven't checked in now get a nudge **{hours} h** after the ping."),
    ),
}
"""`/settings escalation|nudge <hours>`: the rule that changes it, and the confirmation."""


class Onboarding:
    """Welcomes people and communities and explains what the bot can do."""

    def __init__(self, registry: Registry, bridging: Bridging) -> None:
        self._registry = registry
        self._bridging = bridging

    def register(self) -> None:
        """Declares this feature's commands."""
        self._registry.add_button(COMMUNITY_ZONE_ACTION, self.timezone_chosen)
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
                            choices=("timezone", "language", "escalation", "nudge", "bridge"),
                        ),
                        Param(
                            "value",
                            ParamKind.TEXT,
                            "The new value (hours for escalation and nudge; for bridge: a "
                            "code, or off)",
                            required=False,
                        ),
                    ),
                    access=Access.ANYONE,
                    where=Where.GROUP,
                    usage_override=(
                        "/settings [timezone <city or Area/City> | language <code> | "
                        "escalation <hours> | nudge <hours> | bridge [code|off]]"
                    ),
                    details=(
                        "`/settings escalation 24` re-announces unclaimed requests after 24 "
                        "hours (1–168); `/settings nudge 4` nudges members who have not "
                        "checked in 4 hours after the ping (1–12). "
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
                {"title": community.title, "role": ctx.t(ROLE_NAME[membership.role])},
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
                "Unclaimed requests are re-announced after {hours} h\n"
                "Check-in nudge: {nudge} h after the ping\nMembers: {members}\n"
                "Active schedules: {schedules}\nBridge: {bridge}",
                {
                    "title": community.title,
                    "tz": community.timezone,
                    "time": local_time(community.timezone, ctx.now),
                    "language": f"{community.language} ({language_name(community.language)})",
                    "hours": community.escalation_hours,
                    "nudge": community.nudge_hours,
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
            example = TIMEZONE_EXAMPLE
            if not value:
                raise UsageError("Which timezone?", example=example)
            chosen = await zone_or_choices(ctx, value, COMMUNITY_ZONE_ACTION, community.id, example)
            if chosen is not None:
                self._set_zone(ctx, chosen)
            return
        if setting in DELAYS:
            change, confirmation = DELAYS[setting]
            ctx.reply(confirmation, {"hours": change(community, value).after})
            return
        if not value:
            raise UsageError("Which language?", example=LANGUAGE_EXAMPLE)
        _, choice = change_language(community, value)
        confirm_community(ctx, choice)

    async def timezone_chosen(self, ctx: Ctx, payload: str) -> None:
        """Sets the community's zone an organizer picked from `/settings timezone` choices."""
        community, _ = ctx.group()
        choice = read_choice(payload)
        if choice is None or choice[0] != community.id:
            raise UsageError(
                "That button no longer works.", example="/settings timezone Europe/Berlin"
            )
        await ctx.require(Access.ORGANIZER, "settings")
        self._set_zone(ctx, choice[1])

    def _set_zone(self, ctx: Ctx, zone: str) -> None:
        community, _ = ctx.group()
        change_zone(community, zone)
        ctx.replan_after_commit(community.id)  # schedules follow the new local time
        ctx.reply(
            # Translators: {note} is empty or one more whole sentence, starting with a space.
            "This community's timezone is now **{tz}** (local time {time}).{note}",
            {"tz": zone, "time": local_time(zone, ctx.now), "note": utc_note(ctx, zone)},
        )
