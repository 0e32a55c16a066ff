"""A person's profile: skills, interests, timezone, language, away, and roles."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.i18n import N_, language_name
from bot.core.markup import RichText
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.domain.dates import local_today
from bot.domain.timezones import MAX_INPUT, local_time
from bot.domain.when import Day, format_day, parse_day
from bot.features import roles
from bot.features.badges import badge_labels
from bot.features.language_choice import choose_or_refuse, confirm_person
from bot.features.linking import accounts_line
from bot.features.topic_lists import (
    LIST_INPUT,
    LIST_PARAM,
    OTHER_READING,
    list_details,
    other_reading_pressed,
    show_or_replace,
)
from bot.features.zone_choice import read_choice, utc_note, zone_or_choices
from storage.link_repo import LinkRepository
from storage.mentoring_repo import MentoringRepository
from storage.models import Account, Membership, Role, TopicKind

AWAY_EXAMPLE = N_("/away dec 24")

ZONE_ACTION = "tz"


class Profiles:
    """Everything a person says about themselves, and organizers' role changes."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares this feature's commands and buttons."""
        person = Param("person", ParamKind.PERSON, "Who")
        self._registry.add_button(ZONE_ACTION, self.timezone_chosen)
        self._registry.extend(
            [
                CommandSpec(
                    "profile",
                    "Role, skills, interests, timezone and more (sent privately)",
                    self.profile,
                    "/profile @alice",
                    (Param("person", ParamKind.PERSON, "Whose profile", required=False),),
                ),
                CommandSpec(
                    "skills",
                    "Topics you can help with (replaces the list; alone shows it)",
                    self.skills,
                    "/skills pricing, design, excel",
                    (
                        Param(
                            "skills",
                            ParamKind.LIST,
                            LIST_PARAM,
                            required=False,
                            max_length=LIST_INPUT,
                        ),
                    ),
                    details=list_details("skills"),
                ),
                CommandSpec(
                    "interests",
                    "Topics you want help with",
                    self.interests,
                    "/interests marketing, taxes",
                    (
                        Param(
                            "interests",
                            ParamKind.LIST,
                            LIST_PARAM,
                            required=False,
                            max_length=LIST_INPUT,
                        ),
                    ),
                    details=list_details("interests"),
                ),
                CommandSpec(
                    "timezone",
                    "Your timezone, so pings and reminders come at your local time",
                    self.timezone,
                    "/timezone Europe/Berlin",
                    (
                        Param(
                            "zone",
                            ParamKind.TEXT,
                            "A city, country, Area/City name or UTC offset",
                            required=False,
                            max_length=MAX_INPUT,
                        ),
                    ),
                    details=(
                        "Understood: a city (`Taipei`, `São Paulo`), a country (`Taiwan`), "
                        "an IANA name (`America/New_York`, `new york`), an offset (`UTC+8`, "
                        "`+05:30`) or an abbreviation (`EST`, `CET`). When several zones fit, "
                        "pick yours with a button. `/timezone` alone shows yours."
                    ),
                ),
                CommandSpec(
                    "language",
                    "Your language (else the community's, else English)",
                    self.language,
                    "/language es",
                    (
                        Param(
                            "code",
                            ParamKind.TEXT,
                            "A language: es, Spanish, español, zh-TW, 中文, hi, हिन्दी …",
                            max_length=40,
                        ),
                    ),
                ),
                CommandSpec(
                    "away",
                    "Vacation: no pings and a frozen streak until a date",
                    self.away,
                    "/away 2026-12-31",
                    (Param("until", ParamKind.TEXT, "A date, or off", max_length=64),),
                    usage_override="/away <date> | /away off",
                ),
                CommandSpec(
                    "promote",
                    "Make a member a mentor or an organizer",
                    self.promote,
                    "/promote @alice mentor",
                    (
                        person,
                        Param(
                            "role",
                            ParamKind.CHOICE,
                            "The new role",
                            choices=("mentor", "organizer"),
                        ),
                    ),
                    access=Access.ORGANIZER,
                    where=Where.GROUP,
                ),
                CommandSpec(
                    "demote",
                    "Make a mentor or organizer a plain member again",
                    self.demote,
                    "/demote @alice",
                    (person,),
                    access=Access.ORGANIZER,
                    where=Where.GROUP,
                ),
            ]
        )
        self._registry.add_button(OTHER_READING, other_reading_pressed)

    async def profile(self, ctx: Ctx, args: Args) -> None:
        """Shows a profile, privately: an ephemeral reply or a DM."""
        ctx.speak_privately()
        account, membership = ctx.account, ctx.membership
        if "person" in args:
            account, membership = await ctx.member(str(args["person"]))
        person = account.person
        skills = await ctx.repo.topics(person.id, TopicKind.SKILL)
        interests = await ctx.repo.topics(person.id, TopicKind.INTEREST)
        role = ctx.t("—")
        if membership is not None:
            role = ctx.t(roles.ROLE_NAME[await self._effective_role(ctx, account, membership)])
        zone = person.timezone or (ctx.community.timezone if ctx.community else None)
        helped, kudos = await MentoringRepository(ctx.repo.session).totals(person.id)
        extra: RichText = ()
        if account.id == ctx.account.id:  # which accounts are one person is private
            linked = await LinkRepository(ctx.repo.session).accounts_of(person.id)
            if len(linked) > 1:
                extra = ctx.t("\nAccounts: {accounts}", {"accounts": accounts_line(linked)})
        badges = [ctx.label(label) for label in await badge_labels(ctx.repo.session, person.id)]
        if person.away_until is not None and person.away_until >= ctx.now.date():
            extra += ctx.t("\nAway until: {date}", {"date": person.away_until.isoformat()})
        ctx.reply(
            "**{name}**\nRole: {role}\nSkills: {skills}\nInterests: {interests}\n"
            "Timezone: {tz}\nLanguage: {language}\nHelped: {helped} · Kudos: {kudos}\n"
            "Badges: {badges}{away}",
            {
                "name": account.display_name,
                "role": role,
                "skills": ", ".join(t.label for t in skills) or ctx.t("none yet"),
                "interests": ", ".join(t.label for t in interests) or ctx.t("none yet"),
                "tz": zone or "UTC",
                "language": language_name(person.language) if person.language else ctx.t("not set"),
                "away": extra,
                "helped": helped,
                "kudos": kudos,
                "badges": ", ".join(badges) or ctx.t("none yet"),
            },
            private=True,
        )

    async def _effective_role(self, ctx: Ctx, account: Account, membership: Membership) -> str:
        if account.id == ctx.account.id:
            return (await ctx.role()).value
        if (
            membership.role != Role.ORGANIZER.value
            and ctx.community is not None
            and await ctx.messenger.is_admin(ctx.community.chat_id, account.user_id)
        ):
            return Role.ORGANIZER.value
        return membership.role

    async def skills(self, ctx: Ctx, args: Args) -> None:
        """Replaces or shows the topics the person can help with."""
        await show_or_replace(ctx, args.get("skills"), TopicKind.SKILL)

    async def interests(self, ctx: Ctx, args: Args) -> None:
        """Replaces or shows the topics the person wants help with."""
        await show_or_replace(ctx, args.get("interests"), TopicKind.INTEREST)

    async def timezone(self, ctx: Ctx, args: Args) -> None:
        """Shows the person's timezone, sets it, or offers choices when several fit."""
        if "zone" not in args:
            if ctx.person.timezone is None:
                zone = ctx.community.timezone if ctx.community else "UTC"
                ctx.reply(
                    "You have not set a timezone; I use **{tz}** (local time {time}). "
                    "Set yours with `/timezone <your city>`.",
                    {"tz": zone, "time": local_time(zone, ctx.now)},
                )
                return
            zone = ctx.person.timezone
            ctx.reply(
                "Your timezone is **{tz}** (your local time: {time}).",
                {"tz": zone, "time": local_time(zone, ctx.now)},
            )
            return
        chosen = await zone_or_choices(
            ctx, str(args["zone"]), ZONE_ACTION, ctx.person.id, "/timezone Taipei"
        )
        if chosen is not None:
            self._set_zone(ctx, chosen)

    async def timezone_chosen(self, ctx: Ctx, payload: str) -> None:
        """Sets the zone the person picked; someone else's button changes nothing."""
        choice = read_choice(payload)
        if choice is None:
            raise UsageError("That button no longer works.", example="/timezone Taipei")
        owner, zone = choice
        if owner != ctx.person.id:
            raise PermissionDenied(
                "That choice belongs to someone else; nothing changed. "
                "Set your own with `/timezone <your city>`."
            )
        self._set_zone(ctx, zone)

    def _set_zone(self, ctx: Ctx, zone: str) -> None:
        ctx.person.timezone = zone
        ctx.reply(
            # Translators: {note} is empty or one more whole sentence, starting with a space.
            "Your timezone is now **{tz}** (your local time: {time}).{note}",
            {"tz": zone, "time": local_time(zone, ctx.now), "note": utc_note(ctx, zone)},
        )

    async def language(self, ctx: Ctx, args: Args) -> None:
        """Sets the person's own language."""
        choice = choose_or_refuse(str(args["code"]), "/language es")
        ctx.person.language = choice.code
        confirm_person(ctx, choice)

    async def away(self, ctx: Ctx, args: Args) -> None:
        """Starts or ends a vacation."""
        text = str(args["until"]).strip()
        if text.lower() in ("off", "back", "none"):
            zone = ctx.person.timezone or (ctx.community.timezone if ctx.community else "UTC")
            today = local_today(zone, ctx.now)
            since = ctx.person.away_since
            # Keep the finished stretch so it still freezes the streak; drop a same-day one.
            ctx.person.away_until = today - timedelta(days=1) if since and since < today else None
            ctx.person.away_since = since if ctx.person.away_until else None
            ctx.reply("Welcome back! Pings and streaks are on again.")
            return
        zone = ctx.person.timezone or (ctx.community.timezone if ctx.community else "UTC")
        found = parse_day(text, zone, ctx.reader_language, ctx.now)
        if not isinstance(found, Day):
            raise UsageError(found.template, found.values, AWAY_EXAMPLE)
        ctx.person.away_until = found.day
        ctx.person.away_since = local_today(zone, ctx.now)
        ctx.reply(
            "You're away until the end of {date}: no pings, and your streak is frozen until "
            "then. `/away off` ends it early.",
            {"date": format_day(found.day, zone, ctx.language)},
        )

    async def promote(self, ctx: Ctx, args: Args) -> None:
        """Gives a member the mentor or organizer role."""
        await roles.promote(ctx, args)

    async def demote(self, ctx: Ctx, args: Args) -> None:
        """Makes someone a plain member again."""
        await roles.demote(ctx, args)
