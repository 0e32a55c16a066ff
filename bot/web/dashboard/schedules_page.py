"""The schedules page: each schedule's time on the community's wall clock (zone shown), its
days and next run; moving one takes effect at once in the running schedule engine."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.responses import Response

from bot.core.i18n import N_
from bot.delivery.scheduler import upcoming, zone_of
from bot.delivery.timing import describe_days
from bot.domain.dates import local_today
from bot.features.schedules import KIND_NAMES, is_listed, pause_until, retime
from bot.web.dashboard.pages import Action, NotFound, Page, PageContext, PageRegistry
from storage.models import Schedule
from storage.schedule_repo import ScheduleRepository

EXAMPLE = "09:30 · mon-fri"
PAUSE_EXAMPLE = "2026-12-31"


def register(pages: PageRegistry) -> None:
    """The page and its form."""
    pages.add_page(Page("schedules", "schedules", N_("Schedules"), show))
    pages.add_action(
        Action("schedule_edit", "schedules/{schedule_id}/edit", edit, page="schedules")
    )
    pages.add_action(
        Action("schedule_pause", "schedules/{schedule_id}/pause", pause, page="schedules")
    )


async def show(pc: PageContext) -> Response:
    """The schedules people made here (not the system's own rows), soonest id first."""
    found = await ScheduleRepository(pc.db).enabled(pc.community.id)
    rows = []
    for schedule in found:
        if not is_listed(schedule):
            continue
        zone = zone_of(schedule)
        next_at = upcoming(schedule, pc.now)
        rows.append(
            {
                "schedule": schedule,
                "kind": pc.t(KIND_NAMES[schedule.kind]),
                "zone": zone,
                "days": describe_days(schedule.days, pc.language, pc.templates.gettext),
                "repeating": schedule.run_at is None,
                "next": next_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
                if next_at
                else "—",
            }
        )
    today = local_today(pc.community.timezone, pc.now)
    return pc.render(
        "schedules.html",
        {"rows": rows, "zone": pc.community.timezone, "today": today.isoformat()},
    )


async def _schedule(pc: PageContext) -> Schedule:
    """The repeating schedule in the URL, if it is one of this community's listed ones."""
    schedule = await ScheduleRepository(pc.db).get(pc.number("schedule_id"))
    if (
        schedule is None
        or schedule.community_id != pc.community.id
        or not is_listed(schedule)
        or schedule.run_at is not None
    ):
        raise NotFound("schedule")
    return schedule


async def edit(pc: PageContext) -> Response:
    """New time and days, by the command's parsers; the engine re-plans after the commit."""
    schedule = await _schedule(pc)
    retime(
        schedule,
        pc.form.get("time", ""),
        pc.form.get("days", ""),
        EXAMPLE,
        (pc.language, pc.community.language),
    )
    await pc.log(
        N_("changed schedule"),
        f"#{schedule.id} {schedule.kind} {schedule.local_time} {describe_days(schedule.days)}",
    )
    pc.replan_after_commit()
    return pc.redirect("schedules")


async def pause(pc: PageContext) -> Response:
    """Pauses through a date (the `pause` button) or resumes (the `resume` button)."""
    schedule = await _schedule(pc)
    today = local_today(zone_of(schedule), pc.now)
    resume = pc.form.get("resume") is not None
    pause_until(schedule, "" if resume else pc.form.get("until", ""), today, PAUSE_EXAMPLE)
    if schedule.paused_until is None:
        await pc.log(N_("resumed schedule"), f"#{schedule.id} {schedule.kind}")
    else:
        await pc.log(
            N_("paused schedule"),
            f"#{schedule.id} {schedule.kind} → {schedule.paused_until.isoformat()}",
        )
    pc.replan_after_commit()
    return pc.redirect("schedules")
