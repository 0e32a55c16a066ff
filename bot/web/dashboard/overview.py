"""The community overview: members, activity, the 8-week check-in chart, streaks, waiting
requests with their age, how fast requests move, and the dashboard's activity list."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from babel.dates import format_timedelta
from starlette.responses import Response

from bot.core.i18n import N_
from bot.domain.dates import local_today
from bot.domain.tips import preview
from bot.features.stats import top_streaks
from bot.web.dashboard.charts import percent_chart
from bot.web.dashboard.pages import Page, PageContext, PageRegistry
from storage.checkins_repo import CheckInRepository
from storage.dashboard_repo import DashboardRepository
from storage.dashboard_stats_repo import OverviewRepository
from storage.repo import Repository
from storage.report_repo import ReportRepository

CHART_DAYS = 56
WEEK = 7
STREAKS_SHOWN = 5


def register(pages: PageRegistry) -> None:
    """The overview is the community's first page."""
    pages.add_page(Page("overview", "", N_("Overview"), show))


def _age(pc: PageContext, delta: timedelta | None) -> str:
    """A duration in the reader's language ("3 days"), or a dash."""
    if delta is None:
        return "—"
    return str(format_timedelta(delta, locale=pc.language, threshold=1.5))


def _median(spans: list[timedelta]) -> timedelta | None:
    return timedelta(seconds=median(span.total_seconds() for span in spans)) if spans else None


async def show(pc: PageContext) -> Response:
    """Reads everything the overview shows; nothing here writes."""
    community = pc.community
    stats = OverviewRepository(pc.db)
    today = local_today(community.timezone, pc.now)
    days = [today - timedelta(days=offset) for offset in range(CHART_DAYS - 1, -1, -1)]
    members = await stats.member_count(community.id)
    counts = await ReportRepository(pc.db).daily_checkins(community.id, days[0], today)
    percents = [round(100 * counts.get(day, (0, 0))[0] / members) if members else 0 for day in days]
    week_start = today - timedelta(days=WEEK - 1)
    active = await CheckInRepository(pc.db).active_people(community.id, week_start)
    streaks = await top_streaks(pc.db, community, week_start, today, top=STREAKS_SHOWN)
    names = await Repository(pc.db).display_names([p for p, _ in streaks], community.platform)
    waiting = await stats.waiting_requests(community.id)
    times = await stats.request_times(community.id, pc.now - timedelta(days=CHART_DAYS))
    to_claim = [claimed - created for created, claimed, _ in times if claimed is not None]
    to_resolve = [done - created for created, _, done in times if done is not None]
    activity = await DashboardRepository(pc.db).activity(community.id)
    return pc.render(
        "overview.html",
        {
            "members": members,
            "active": len(active),
            "chart": percent_chart(days, percents),
            "chart_first": days[0].isoformat(),
            "chart_last": today.isoformat(),
            "streaks": [(names.get(person, "?"), days_in_row) for person, days_in_row in streaks],
            "waiting": [
                {
                    "number": request.number,
                    "claimed": request.status == "claimed",
                    "topics": ", ".join(topic.label for topic in request.topics),
                    "preview": preview(request.question, 80),
                    "age": _age(pc, pc.now - request.created_at),
                }
                for request in waiting
            ],
            "median_claim": _age(pc, _median(to_claim)),
            "median_resolve": _age(pc, _median(to_resolve)),
            "activity": [
                {
                    "who": line.who,
                    "what": pc.t(line.action),
                    "detail": line.detail,
                    "when": pc.when(line.at),
                }
                for line in activity
            ],
            "zone": community.timezone,
        },
    )
