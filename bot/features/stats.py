"""`/stats` on demand and `/schedule recap <day> <HH:MM>`: the week in numbers with a chart."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import Attachment, AttachmentKind, Outbound, OutMessage
from bot.core.i18n import Translator
from bot.core.markup import RichText, fmt, join
from bot.core.registry import Access, Args, CommandSpec, Registry, Where
from bot.delivery.outbox import enqueue
from bot.delivery.scheduler import Firing
from bot.delivery.timing import parse_days, parse_hhmm
from bot.domain.dates import local_today
from bot.domain.streaks import streak_for
from bot.domain.when import date_text
from bot.features.charts import checkins_chart, day_labels
from bot.features.schedules import Schedules, Subcommand
from storage.checkins_repo import CheckInRepository
from storage.models import Community
from storage.outbox_repo import Delivery
from storage.repo import Repository
from storage.report_repo import ReportRepository
from storage.schedule_repo import ScheduleRepository

KIND = "recap"
EXAMPLE = "/schedule recap fri 17:00"
WEEK = 7
TOP = 3
HISTORY_DAYS = 400


async def week_report(
    session: AsyncSession, community: Community, now: datetime, translator: Translator
) -> OutMessage:
    """The last 7 local days of one community, in its language: highlights and a PNG chart."""
    language = community.language

    def t(template: str, values: Mapping[str, object] | None = None) -> RichText:
        return fmt(translator.gettext(language, template), values)

    today = local_today(community.timezone, now)
    days = [today - timedelta(days=offset) for offset in range(WEEK - 1, -1, -1)]
    report = ReportRepository(session)
    counts = await report.daily_checkins(community.id, days[0], today)
    checkins = [counts.get(day, (0, 0))[0] for day in days]
    done = [counts.get(day, (0, 0))[1] for day in days]
    total, finished = sum(checkins), sum(done)
    rate = round(100 * finished / total) if total else 0
    since = now - timedelta(days=WEEK)
    names = Repository(session)

    async def name(person_id: int) -> str:
        account = await names.account_of(person_id, community.platform)
        return account.display_name if account else "?"

    streaks = await top_streaks(session, community, days[0], today)
    helpers = (await report.helpers_since(community.id, since))[:TOP]
    resolved = await report.resolved_since(community.id, since)
    lines: list[RichText] = [
        t(
            "📊 **{title}: the week {first} – {last}**",
            {
                "title": community.title or community.chat_id,
                "first": date_text(days[0], language),
                "last": date_text(today, language),
            },
        ),
        t(
            "Check-ins: {total} · done: {done} ({rate}%)",
            {"total": total, "done": finished, "rate": rate},
        ),
    ]
    if streaks:
        shown = ", ".join([f"{await name(p)} {n}" for p, n in streaks])
        lines.append(t("🔥 Top streaks: {list}", {"list": shown}))
    thanks = ", ".join([f"{await name(p)} ({n})" for p, n in helpers])
    if resolved and thanks:
        lines.append(
            t(
                "🤝 Requests resolved: {count} — thanks to {names}",
                {"count": resolved, "names": thanks},
            )
        )
    elif resolved:
        lines.append(t("🤝 Requests resolved: {count}", {"count": resolved}))
    else:
        lines.append(t("🤝 No requests resolved this week. `/ask` when you're stuck!"))
    lines.append(t("📈 The chart: check-ins per day; the darker part of each bar was done."))
    png = checkins_chart(day_labels(days, language), checkins, done)
    chart = Attachment(f"recap-{today.isoformat()}.png", png, AttachmentKind.IMAGE, "image/png")
    return OutMessage(join(lines), attachment=chart)


async def top_streaks(
    session: AsyncSession, community: Community, first: date, today: date, top: int = TOP
) -> list[tuple[int, int]]:
    """(person, current streak) of this week's active members, longest first."""
    checkins = CheckInRepository(session)
    people = await checkins.active_people(community.id, first)
    found: list[tuple[int, int]] = []
    for person_id in people:
        days = await checkins.days_of(person_id, today - timedelta(days=HISTORY_DAYS))
        current = streak_for(days, today).current
        if current:
            found.append((person_id, current))
    found.sort(key=lambda item: (-item[1], item[0]))
    return found[:top]


class Stats:
    """`/stats`, `/schedule recap` and the weekly recap post."""

    def __init__(self, registry: Registry, schedules: Schedules, translator: Translator) -> None:
        self._registry = registry
        self._schedules = schedules
        self._translator = translator

    def register(self) -> None:
        """Declares `/stats`, the `recap` subcommand and schedule kind."""
        self._registry.add_command(
            CommandSpec(
                "stats",
                "This community's week in numbers, with a chart",
                self.stats,
                "/stats",
                where=Where.GROUP,
            )
        )
        self._schedules.add_subcommand(
            Subcommand(KIND, self.schedule_recap, Access.ORGANIZER, "/schedule recap <day> <HH:MM>")
        )
        self._schedules.engine.register_kind(KIND, self.fire_recap)

    async def stats(self, ctx: Ctx, args: Args) -> None:
        """The same report as the weekly recap, now."""
        community, _ = ctx.group()
        message = await week_report(ctx.repo.session, community, ctx.now, ctx.translator)
        ctx.outbound.append(Outbound(message))

    async def schedule_recap(self, ctx: Ctx, rest: str) -> None:
        """`/schedule recap <day> <HH:MM>`: one recap per community, replaced if set again."""
        community, _ = ctx.group()
        words = rest.split()
        if len(words) != 2:
            raise UsageError("Give one weekday and a time.", example=EXAMPLE)
        days = parse_days(words[0], EXAMPLE, ctx.languages_typed)
        if len(days) != 1:
            raise UsageError(
                "A recap is weekly: give one day like `fri`, not “{text}”.",
                {"text": words[0]},
                EXAMPLE,
            )
        local_time = parse_hhmm(words[1], EXAMPLE)
        repo = ScheduleRepository(ctx.repo.session)
        replaced = list(await repo.of_kind(community.id, KIND))
        for old in replaced:
            old.enabled = False
        await repo.add(community.id, KIND, local_time, days, ctx.now, created_by=ctx.person.id)
        ctx.replan_after_commit(community.id)
        ctx.reply(
            # Translators: {replaced} is empty or the sentence " It replaces the earlier recap."
            # (translated separately).
            "📊 Weekly recap every **{day} {time}** ({zone}), with a chart.{replaced}",
            {
                "day": ctx.days_text(days),
                "time": local_time,
                "zone": community.timezone,
                "replaced": ctx.t(" It replaces the earlier recap.") if replaced else "",
            },
        )

    async def fire_recap(self, firing: Firing) -> None:
        """Posts the week's recap in the group through the outbox."""
        community = firing.schedule.community
        message = await week_report(firing.session, community, firing.occurrence, self._translator)
        await enqueue(
            firing.session,
            f"{firing.key}:group",
            Delivery(community.platform, chat_id=community.chat_id, community_id=community.id),
            message,
            due_at=firing.occurrence,
            now=firing.now,
        )
