"""`/schedule tips` (the daily drip from the library) and `/schedule tip` (one tip, later)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import OutMessage
from bot.core.i18n import N_, Translator
from bot.core.markup import RichText, fmt
from bot.core.registry import Access
from bot.delivery.outbox import enqueue
from bot.delivery.scheduler import Firing
from bot.delivery.timing import next_fire, parse_days, parse_hhmm
from bot.domain.day_sets import ALL_DAYS
from bot.domain.tips import checked_tip, hashtags
from bot.domain.when import Moment, format_moment, local_moment_text, parse_moment
from bot.features.bridges import circle_ids
from bot.features.schedules import Schedules, Subcommand
from bot.features.tips import DAILY_HEADING, TIP_HEADING, tip_post
from storage.bridge_repo import BridgeRepository
from storage.models import Tip
from storage.outbox_repo import Delivery
from storage.schedule_repo import ScheduleRepository
from storage.tips_repo import SCHEDULED_TIP_KIND, TipLibrary

log = logging.getLogger(__name__)

DAILY_KIND = "tips"
EXAMPLE_DAILY = N_("/schedule tips 09:00 weekdays")
# Translators: write the time the way people type it in your language (the parser reads it).
EXAMPLE_ONE = N_("/schedule tip tomorrow 9am Follow up within a day #sales")


class TipSchedules:
    """Plugs the two tip schedule kinds into `/schedule` and the schedule engine."""

    def __init__(self, schedules: Schedules, translator: Translator) -> None:
        self._schedules = schedules
        self._translator = translator

    def register(self) -> None:
        """Declares `/schedule tips`, `/schedule tip` and what firing them sends."""
        self._schedules.add_subcommand(
            Subcommand(DAILY_KIND, self.daily, Access.ORGANIZER, "/schedule tips <HH:MM> [days]")
        )
        self._schedules.add_subcommand(
            Subcommand(
                SCHEDULED_TIP_KIND, self.one_tip, Access.MENTOR, "/schedule tip <when> <text>"
            )
        )
        self._schedules.engine.register_kind(DAILY_KIND, self.fire_daily)
        self._schedules.engine.register_kind(SCHEDULED_TIP_KIND, self.fire_one)

    async def daily(self, ctx: Ctx, rest: str) -> None:
        """Starts (or moves) the tip of the day to a local time and days."""
        community, _ = ctx.group()
        when, _, days_text = rest.strip().partition(" ")
        if not when:
            raise UsageError("Say when: `/schedule tips <HH:MM> [days]`.", example=EXAMPLE_DAILY)
        local_time = parse_hhmm(when, EXAMPLE_DAILY)
        days = parse_days(days_text, EXAMPLE_DAILY, ctx.languages_typed)
        repo = ScheduleRepository(ctx.repo.session)
        replaced = list(await repo.of_kind(community.id, DAILY_KIND))
        for old in replaced:
            old.enabled = False
        await repo.add(
            community.id, DAILY_KIND, local_time, days, ctx.now, created_by=ctx.person.id
        )
        ctx.replan_after_commit(community.id)
        first = next_fire(local_time, days, community.timezone, ctx.now)
        count = await TipLibrary(ctx.repo.session).count(await circle_ids(ctx))
        ctx.reply(
            # Translators: {days} is like "every day" or "mon, wed"; {replaced} and {note} are empty
            # or whole sentences starting with a space.
            "🌟 Tip of the day at **{time}** {days} ({zone}); the first on {when}.{replaced}{note}",
            {
                "time": local_time,
                "days": ctx.days_text(days),
                "zone": community.timezone,
                "when": local_moment_text(first, community.timezone, ctx.language),
                "replaced": ctx.t(" It replaces the earlier time.") if replaced else "",
                "note": ctx.tn(
                    " The library has {count} tip.", " The library has {count} tips.", count
                )
                if count
                else ctx.t(
                    " The library is empty for now: mentors add tips with `/tip <text> #topic`."
                ),
            },
        )

    async def one_tip(self, ctx: Ctx, rest: str) -> None:
        """Schedules one tip to be posted (and stored) at a later local time."""
        community, _ = ctx.group()
        zone = ctx.person.timezone or community.timezone
        found = parse_moment(rest, zone, ctx.reader_language, ctx.now)
        if not isinstance(found, Moment):
            raise UsageError(found.template, found.values, EXAMPLE_ONE)
        if not found.rest:
            raise UsageError("What's the tip? Write it after the time.", example=EXAMPLE_ONE)
        text, _ = checked_tip(found.rest, EXAMPLE_ONE)
        due = found.at
        local = due.astimezone(ZoneInfo(zone))
        schedule = await ScheduleRepository(ctx.repo.session).add(
            community.id,
            SCHEDULED_TIP_KIND,
            local.strftime("%H:%M"),
            ALL_DAYS,
            ctx.now,
            created_by=ctx.person.id,
            text=text,
            run_at=due,
        )
        schedule.timezone = zone
        ctx.replan_after_commit(community.id)
        ctx.reply(
            "Scheduled: your tip goes to this group on {when} as #{id} in `/schedule list`; "
            "`/schedule off {id}` cancels it.",
            {"when": format_moment(due, zone, ctx.language), "id": schedule.id},
        )

    async def fire_daily(self, firing: Firing) -> None:
        """Posts the best-rated tip not yet posted here; an empty library is reported once."""
        community = firing.schedule.community
        library = TipLibrary(firing.session)
        shared = await BridgeRepository(firing.session).circle_ids(community.id)
        tip = await library.next_for_the_day(community.id, shared)
        if tip is None:
            notice = fmt(  # a group post: the community's language
                self._translator.gettext(
                    community.language,
                    "📭 No tip of the day today: the library is empty. Mentors can add one with "
                    "`/tip <text> #topic`; organizers can stop this with `/schedule off tips`.",
                )
            )
            delivery = Delivery(community.platform, chat_id=community.chat_id)
            await enqueue(
                firing.session,
                f"tips-empty:{firing.schedule.id}",
                delivery,
                OutMessage(notice),
                due_at=firing.occurrence,
                now=firing.now,
            )
            return
        if await _post(firing, tip, DAILY_HEADING, self._translator):
            await library.record_post(tip.id, community.id, firing.occurrence)

    async def fire_one(self, firing: Firing) -> None:
        """Stores the scheduled tip in the library and posts it."""
        schedule = firing.schedule
        community = schedule.community
        if schedule.created_by is None or not schedule.text:
            log.warning("scheduled tip %s has no author or text: skipped", schedule.id)
            return
        library = TipLibrary(firing.session)
        added = await library.add_tip(
            community.id,
            schedule.created_by,
            schedule.text,
            hashtags(schedule.text, EXAMPLE_ONE),
            firing.now,
        )
        tip = await library.get(added.id)
        if tip is None:
            return
        await _post(firing, tip, TIP_HEADING, self._translator)


async def _post(firing: Firing, tip: Tip, heading: str, translator: Translator) -> bool:
    """Queues a tip for the firing's community, in its language, once per occurrence."""
    community = firing.schedule.community

    def t(template: str, values: Mapping[str, object] | None) -> RichText:
        return fmt(translator.gettext(community.language, template), values)

    return await enqueue(
        firing.session,
        f"{firing.key}:{community.chat_id}",
        Delivery(
            community.platform,
            chat_id=community.chat_id,
            person_id=tip.author_id,
            community_id=community.id,
        ),
        tip_post(tip, tip.author.display_name, heading, t),
        due_at=firing.occurrence,
        now=firing.now,
    )
