"""Daily accountability: /checkin (or reply, or button), /done, /blocked, /board, /streak."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import Acknowledgement, ChatKind, Message
from bot.core.i18n import N_
from bot.core.markup import RichText, join
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.delivery.timing import day_span
from bot.domain.dates import local_today
from bot.domain.matching import split_tags
from bot.domain.streaks import streak_for
from bot.domain.when import date_text
from bot.features.badges import BadgeAwarder
from bot.features.bridges import circle, where
from bot.features.done_marks import CHECKIN_EXAMPLE, DONE_ACTION, done_button, done_in_dm, mark_done
from bot.features.mentoring import Mentoring
from bot.features.programs.goals import remind_goal
from storage.checkins_repo import CheckInRepository
from storage.models import CheckIn, Community, Person

MAX_PLAN = 1000
ACTIVE_DAYS = 14
HISTORY_DAYS = 400
SCHEDULE_EXAMPLE = N_("/schedule checkin 09:00 weekdays")


def person_today(ctx: Ctx, person: Person | None = None) -> date:
    """Today on the person's own calendar (theirs, else the community's zone)."""
    who = person or ctx.person
    zone = who.timezone or (ctx.community.timezone if ctx.community else "UTC")
    return local_today(zone, ctx.now)


BOARD_ROWS = 25  # plans shown per list on /board
BOARD_NAMES = 40  # names shown per list on /board


class CheckIns:
    """Plans, done marks, blockers, the board and streaks."""

    def __init__(self, registry: Registry, mentoring: Mentoring, awarder: BadgeAwarder) -> None:
        self._registry = registry
        self._mentoring = mentoring
        self._awarder = awarder

    def register(self) -> None:
        """Declares commands, buttons and the reply handler."""
        self._registry.extend(
            [
                CommandSpec(
                    "checkin",
                    "Today's plan (also: reply to the ping, or its button)",
                    self.checkin,
                    "/checkin finish the product photos",
                    (
                        Param(
                            "plan", ParamKind.TEXT, "What you plan to do today", max_length=MAX_PLAN
                        ),
                    ),
                    where=Where.GROUP,
                ),
                CommandSpec(
                    "done",
                    "Mark today's plan done",
                    self.done,
                    "/done shipped 12 orders",
                    (
                        Param(
                            "note",
                            ParamKind.TEXT,
                            "How it went",
                            required=False,
                            max_length=MAX_PLAN,
                        ),
                    ),
                    details="In a DM with plans in several communities, a button per "
                    "community asks which one is done.",
                ),
                CommandSpec(
                    "blocked",
                    "Record a blocker; opens a help request for it",
                    self.blocked,
                    "/blocked can't get the payment page to work #stripe",
                    (Param("what", ParamKind.TEXT, "What is in your way", max_length=MAX_PLAN),),
                    where=Where.GROUP,
                ),
                CommandSpec(
                    "board",
                    "Today's check-ins here: done, planned, missing",
                    self.board,
                    "/board",
                    where=Where.GROUP,
                ),
                CommandSpec(
                    "streak",
                    "Current and best check-in streak",
                    self.streak,
                    "/streak @alice",
                    (Param("person", ParamKind.PERSON, "Whose streak", required=False),),
                ),
            ]
        )
        self._registry.add_button("ci", self.checkin_button)
        self._registry.add_button("skip", self.skip_button)
        self._registry.add_button(DONE_ACTION, done_button)
        self._registry.add_reply_handler(self.wants_reply, self.reply_to_ping)

    async def _record(self, ctx: Ctx, plan: str) -> None:
        community, _ = ctx.group()
        today = person_today(ctx)
        # One read before the write: the day's row, the days (they serve the reply's streak and
        # the streak badges, each keeping its own window) and the mentee's goal.
        since = ctx.now.date() - timedelta(days=HISTORY_DAYS)
        repo = CheckInRepository(ctx.repo.session)
        read = await repo.day_context(
            community.id, ctx.person.id, today, min(since, today - timedelta(days=HISTORY_DAYS))
        )
        had_plan = await repo.set_plan(
            community.id, ctx.person.id, today, read.today, plan, ctx.now
        )
        days = sorted({*read.days, today})  # the plan just set makes today a checked-in day
        streak = streak_for([day for day in days if day >= since], today, _away(ctx.person))
        values = {"name": ctx.account.display_name, "plan": plan, "streak": streak.current}
        # In a group this is only a confirmation: a platform that reacts marks the message
        # instead (the streak is then left to /streak; a DM per check-in would flood too).
        noted = Acknowledgement.NOTED
        if had_plan:
            ctx.reply("Updated your plan for today, {name}: “{plan}”", values, acknowledge=noted)
        else:
            ctx.reply(
                "✅ Checked in, {name}: “{plan}” — streak {streak} 🔥", values, acknowledge=noted
            )
        remind_goal(ctx, read.goal)
        await self._awarder.check(
            ctx, community, ctx.person, ctx.account.display_name, "streak", days=days
        )

    async def checkin(self, ctx: Ctx, args: Args) -> None:
        """Records or updates today's plan."""
        plan = str(args["plan"]).strip()
        await self._record(ctx, plan)

    async def wants_reply(self, session: AsyncSession, event: Message) -> bool:
        """Only a group reply to a check-in ping is a check-in (read-only: decides first)."""
        reply_to = event.reply_to_message_id
        if event.chat_kind is not ChatKind.GROUP or reply_to is None:
            return False
        repo = CheckInRepository(session)
        return await repo.is_checkin_ping(event.address.chat_id, event.address.platform, reply_to)

    async def reply_to_ping(self, ctx: Ctx, args: Args) -> None:
        """A plain reply to the check-in ping (the router asked `wants_reply` first)."""
        text = str(args["text"]).strip()
        if len(text) > MAX_PLAN:
            raise UsageError(
                "That plan is too long ({length} characters; the limit is {limit}).",
                {"length": len(text), "limit": MAX_PLAN},
            )
        await self._record(ctx, text)

    async def checkin_button(self, ctx: Ctx, payload: str) -> None:
        """The ping's **Check in** button: counts the day, then asks for the plan."""
        community, _ = ctx.group()
        today = person_today(ctx)
        entry, _ = await CheckInRepository(ctx.repo.session).ensure(
            community.id, ctx.person.id, today, ctx.now
        )
        entry.skipped, entry.updated_at = False, ctx.now
        if entry.plan:
            ctx.reply("You're checked in for today: “{plan}”", {"plan": entry.plan}, private=True)
            return
        ctx.reply(
            "✅ Checked in, {name}! What's your plan? Send `/checkin <plan>` or reply to the ping.",
            {"name": ctx.account.display_name},
        )

    async def skip_button(self, ctx: Ctx, payload: str) -> None:
        """The ping's **Skip today** button: no nudge today."""
        community, _ = ctx.group()
        today = person_today(ctx)
        entry, _ = await CheckInRepository(ctx.repo.session).ensure(
            community.id, ctx.person.id, today, ctx.now
        )
        if entry.plan and not entry.skipped:
            ctx.reply("You've already checked in today; keep going!", private=True)
            return
        entry.skipped, entry.updated_at = True, ctx.now
        ctx.reply("Skipping today — no nudges. See you tomorrow!", private=True)

    async def done(self, ctx: Ctx, args: Args) -> None:
        """Marks today's plan done (in a DM: the one plan of today, or asks which)."""
        note = str(args.get("note", "")).strip()
        if ctx.community is None:
            await done_in_dm(ctx, note)
            return
        entry = await CheckInRepository(ctx.repo.session).on(
            ctx.community.id, ctx.person.id, person_today(ctx)
        )
        if entry is None or entry.skipped:
            raise UsageError("No plan for today yet. Check in first.", example=CHECKIN_EXAMPLE)
        mark_done(ctx, entry, note)

    async def blocked(self, ctx: Ctx, args: Args) -> None:
        """Records a blocker on today's check-in and opens a help request for it."""
        community, _ = ctx.group()
        what = str(args["what"]).strip()
        question, tags = split_tags(what)
        if not question:
            raise UsageError(
                "Say what is blocking you, not only #topics.",
                example="/blocked can't get the payment page to work #stripe",
            )
        entry, _ = await CheckInRepository(ctx.repo.session).ensure(
            community.id, ctx.person.id, person_today(ctx), ctx.now
        )
        request, helpers = await self._mentoring.open_and_route(ctx, question, tags, "/blocked …")
        entry.blocker, entry.request_id, entry.updated_at = question, request.id, ctx.now
        ctx.reply_rich(
            ctx.tn(
                "Noted your blocker. I opened request **#{number}** for it and told {count} "
                "member who can help.",
                "Noted your blocker. I opened request **#{number}** for it and told {count} "
                "members who can help.",
                len(helpers),
                {"number": request.number},
            )
        )

    async def board(self, ctx: Ctx, args: Args) -> None:
        """Today's planned, done, skipped and missing members (bridged communities too)."""
        shared = await circle(ctx)
        lines = await self._board_of(ctx, shared[0], home=True)
        for other in shared[1:]:
            lines.append(ctx.t("\n**{there}**", {"there": where(other)}))
            lines += (await self._board_of(ctx, other, home=False))[1:]
        ctx.reply_rich(join(lines))

    async def _board_of(self, ctx: Ctx, community: Community, *, home: bool) -> list[RichText]:
        """One community's board on its own local day, names as its platform shows them.

        A big group's board stays readable (and cheap): each list shows its first entries
        and counts the rest.
        """
        today = local_today(community.timezone, ctx.now)
        checkins = CheckInRepository(ctx.repo.session)
        entries = await checkins.touched_between(community.id, *day_span(community.timezone, today))
        active = await checkins.active_people(community.id, today - timedelta(days=ACTIVE_DAYS))
        done = [e for e in entries if e.done and not e.skipped]
        planned = [e for e in entries if not e.done and not e.skipped]
        skipped = [e for e in entries if e.skipped]
        missing = sorted(active - {e.person_id for e in entries})
        shown = {
            e.person_id for e in (*done[:BOARD_ROWS], *planned[:BOARD_ROWS], *skipped[:BOARD_NAMES])
        } | set(missing[:BOARD_NAMES])
        found = await ctx.repo.display_names(shown, community.platform)

        def name(person_id: int) -> str:
            return found.get(person_id, "?")

        def names(person_ids: list[int]) -> str:
            listed = ", ".join(sorted(name(p) for p in person_ids[:BOARD_NAMES]))
            more = len(person_ids) - BOARD_NAMES
            return listed + (f" (+{more})" if more > 0 else "")

        lines: list[RichText] = [
            ctx.t("**Board for {day}**", {"day": date_text(today, ctx.language, "MMMEd")})
        ]
        for mark, group in (("✅", done), ("📝", planned)):
            lines += [
                ctx.t(
                    "{mark} {name}: {plan}",
                    {"mark": mark, "name": name(e.person_id), "plan": e.plan or "—"},
                )
                for e in group[:BOARD_ROWS]
            ]
            if len(group) > BOARD_ROWS:
                lines.append(
                    ctx.t(
                        "{mark} …and {more} more", {"mark": mark, "more": len(group) - BOARD_ROWS}
                    )
                )
        if skipped:
            lines.append(
                ctx.t("⏭ skipped: {names}", {"names": names([e.person_id for e in skipped])})
            )
        if not entries and home:
            lines.append(ctx.t("Nobody has checked in yet. Be the first: `/checkin <plan>`"))
        elif not entries:
            lines.append(ctx.t("Nobody has checked in there yet."))
        if missing:
            lines.append(ctx.t("⏳ not yet: {names}", {"names": names(missing)}))
        return lines

    async def _days(self, ctx: Ctx, person: Person, since: date | None = None) -> list[date]:
        if since is None:
            since = ctx.now.date() - timedelta(days=HISTORY_DAYS)
        return await CheckInRepository(ctx.repo.session).days_of(person.id, since)

    async def streak(self, ctx: Ctx, args: Args) -> None:
        """Current and best streak on the person's own local days."""
        account = ctx.account
        if "person" in args:
            account, _ = await ctx.member(str(args["person"]))
        person = account.person
        result = streak_for(await self._days(ctx, person), person_today(ctx, person), _away(person))
        note = (
            ctx.t("\nOne missed day this week was forgiven (a freeze).")
            if result.freeze_used_this_week
            else ""
        )
        ctx.reply_rich(
            ctx.tn(
                # Translators: {note} is empty or one more whole sentence, starting with a space.
                "🔥 {name}: current streak **{count}** day, best **{best}**.{note}",
                "🔥 {name}: current streak **{count}** days, best **{best}**.{note}",
                result.current,
                {"name": account.display_name, "best": result.best, "note": note},
            )
        )


def _away(person: Person) -> tuple[date, date] | None:
    if person.away_until is None:
        return None
    return (person.away_since or person.away_until, person.away_until)


__all__ = ["CheckIn", "CheckIns"]
