"""The scheduled side of check-ins: `/schedule checkin`, the daily ping and the one nudge."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import Button, OutMessage
from bot.core.i18n import N_, Translator
from bot.core.markup import RichText, fmt
from bot.core.registry import Access, Registry
from bot.delivery.outbox import enqueue
from bot.delivery.scheduler import Firing, ScheduleEngine
from bot.delivery.timing import day_span, parse_days, parse_hhmm
from bot.domain.day_sets import ALL_DAYS
from bot.domain.when import date_text
from bot.features.notify import notify
from bot.features.readers import dm_in_reader_language
from bot.features.schedules import Schedules, Subcommand
from storage.checkins_repo import CheckInRepository
from storage.mentoring_repo import MentoringRepository
from storage.outbox_repo import Delivery
from storage.schedule_repo import ScheduleRepository

ACTIVE_DAYS = 14
SCHEDULE_EXAMPLE = N_("/schedule checkin 09:00 weekdays")


class CheckInPing:
    """Plans the daily ping per community; fires it and, hours later, the nudge."""

    def __init__(
        self,
        registry: Registry,
        engine: ScheduleEngine,
        schedules: Schedules,
        translator: Translator,
    ) -> None:
        self._registry = registry
        self._engine = engine
        self._schedules = schedules
        self._translator = translator

    def register(self) -> None:
        """Adds `/schedule checkin` and the `checkin` and `nudge` schedule kinds."""
        self._schedules.add_subcommand(
            Subcommand(
                "checkin",
                self.schedule_checkin,
                Access.ORGANIZER,
                "/schedule checkin <HH:MM> [days]",
            )
        )
        self._engine.register_kind("checkin", self.fire_ping)
        self._engine.register_kind("nudge", self.fire_nudge)

    async def schedule_checkin(self, ctx: Ctx, rest: str) -> None:
        """`/schedule checkin <HH:MM> [days]`: one ping per community, replaced if set again."""
        community, _ = ctx.group()
        words = rest.split(maxsplit=1)
        if not words:
            raise UsageError("Give a time for the ping.", example=SCHEDULE_EXAMPLE)
        local_time = parse_hhmm(words[0], SCHEDULE_EXAMPLE)
        days = parse_days(words[1] if len(words) > 1 else "", SCHEDULE_EXAMPLE, ctx.languages_typed)
        repo = ScheduleRepository(ctx.repo.session)
        existing = list(await repo.of_kind(community.id, "checkin"))
        if existing:
            schedule = existing[0]
            schedule.local_time, schedule.days = local_time, days
            for extra in existing[1:]:
                extra.enabled = False
            verb = N_("Updated")
        else:
            schedule = await repo.add(
                community.id, "checkin", local_time, days, ctx.now, created_by=ctx.person.id
            )
            verb = N_("Scheduled")
        ctx.replan_after_commit(community.id)
        ctx.reply(
            # Translators: {verb} is "Scheduled" or "Updated" (translated separately).
            "{verb}: daily check-in ping at **{time}** ({days}, {zone}). Members who don't "
            "check in get one nudge {hours} h later.",
            {
                "verb": ctx.t(verb),
                "time": local_time,
                "days": ctx.days_text(days),
                "zone": community.timezone,
                "hours": community.nudge_hours,
            },
        )

    def _text(self, language: str, template: str, values: Mapping[str, object]) -> RichText:
        return fmt(self._translator.gettext(language, template), values)

    async def fire_ping(self, firing: Firing) -> None:
        """Posts the ping through the outbox and plans the day's nudge."""
        community = firing.schedule.community
        language = community.language
        day = firing.local_date
        text = self._text(
            language,
            "☀️ **Check-in for {day}**\nWhat's your plan today? Reply to this message, "
            "send `/checkin <plan>`, or press a button.",
            {"day": date_text(day, language, "MMMEd")},
        )
        buttons = (
            (
                Button(self._translator.gettext(language, "Check in"), "ci", day.isoformat()),
                Button(self._translator.gettext(language, "Skip today"), "skip", day.isoformat()),
            ),
        )
        await enqueue(
            firing.session,
            f"{firing.key}:group",
            Delivery(community.platform, chat_id=community.chat_id, community_id=community.id),
            OutMessage(text, buttons),
            due_at=firing.occurrence,
            now=firing.now,
            grace=timedelta(seconds=firing.schedule.grace_seconds),
        )
        nudge = await ScheduleRepository(firing.session).add(
            community.id,
            "nudge",
            "00:00",
            ALL_DAYS,
            firing.now,
            text=day.isoformat(),
            run_at=firing.occurrence + timedelta(hours=community.nudge_hours),
        )
        firing.follow_ups.append(nudge.id)

    async def fire_nudge(self, firing: Firing) -> None:
        """One nudge per active member who has neither checked in nor skipped, nor is away."""
        community = firing.schedule.community
        day = date.fromisoformat(firing.schedule.text or firing.local_date.isoformat())
        session = firing.session
        checkins = CheckInRepository(session)
        made = await checkins.touched_between(community.id, *day_span(community.timezone, day))
        responded = {entry.person_id for entry in made}
        active = await checkins.active_people(community.id, day - timedelta(days=ACTIVE_DAYS))
        waiting = active - responded  # only they are loaded: a nudge scales with them
        reach = await MentoringRepository(session).reach(
            community.id, community.platform, day, only=waiting
        )
        targets = [m.account for m in reach if m.person_id in waiting and not m.away]
        values = {"title": community.title}

        async def queue(key: str, delivery: Delivery, message: OutMessage) -> bool:
            return await enqueue(
                session, key, delivery, message, due_at=firing.occurrence, now=firing.now
            )

        await notify(
            queue,
            community,
            targets,
            dm_in_reader_language(
                session,
                self._translator,
                community,
                "👋 Quick nudge: what's your plan today in **{title}**? "
                "Send `/checkin <plan>` there.",
                values,
            ),
            self._text(
                community.language,
                "no check-in yet today — what's your plan? `/checkin <plan>`",
                values,
            ),
            f"nudge:{community.id}:{day.isoformat()}",
        )
