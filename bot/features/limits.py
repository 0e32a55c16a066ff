"""Per-person limits on commands that notify others, with a reply that says when to retry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import N_
from storage.activity_repo import ActivityRepository

WINDOW = timedelta(hours=1)
MAX_REQUESTS_PER_HOUR = 5
MAX_TIPS_PER_HOUR = 10
DAILY_KUDOS = 5
MAX_ACTIVE_CLAIMS = 3
MAX_PENDING_REMINDERS = 25
MAX_DASHBOARD_LINKS_PER_HOUR = 10


@dataclass(frozen=True, slots=True)
class PersonLimit:
    """One per-person limit as people read it: a whole sentence with its number."""

    count: int
    sentence: str
    """A translatable template with a `{count}` placeholder."""


REQUESTS = PersonLimit(
    MAX_REQUESTS_PER_HOUR,
    "At most {count} help requests per person per hour (`/ask` and `/blocked` together).",
)
TIPS = PersonLimit(
    MAX_TIPS_PER_HOUR,
    "At most {count} tips per person per hour (a `/tip all` counts once).",
)
KUDOS = PersonLimit(DAILY_KUDOS, "At most {count} kudos per person per day (your local day).")
CLAIMS = PersonLimit(MAX_ACTIVE_CLAIMS, "At most {count} claimed requests per person at once.")
REMINDERS = PersonLimit(MAX_PENDING_REMINDERS, "At most {count} pending reminders per person.")
DASHBOARD_LINKS = PersonLimit(
    MAX_DASHBOARD_LINKS_PER_HOUR, "At most {count} dashboard links per person per hour."
)

COMMAND_LIMITS: dict[str, tuple[PersonLimit, ...]] = {
    "ask": (REQUESTS,),
    "blocked": (REQUESTS,),
    "tip": (TIPS,),
    "kudos": (KUDOS,),
    "claim": (CLAIMS,),
    "remind": (REMINDERS,),
    "dashboard": (DASHBOARD_LINKS,),
}
"""The one source of the limits `/help <command>` and the README state."""


async def _check(
    ctx: Ctx,
    recent: Callable[[int, datetime], Awaitable[list[datetime]]],
    limit: int,
    template: str,
) -> None:
    """Refuses when the limit is reached; `template` says what was done, with {limit} and {time}."""
    times = await recent(ctx.person.id, ctx.now - WINDOW)
    if len(times) < limit:
        return
    zone = ctx.person.timezone or (ctx.community.timezone if ctx.community else "UTC")
    again = (times[-limit] + WINDOW).astimezone(ZoneInfo(zone)).strftime("%H:%M")
    raise UsageError(template, {"limit": limit, "time": again})


async def check_request_limit(ctx: Ctx) -> None:
    """At most 5 requests (`/ask`, `/blocked`) per person per hour: each one pings people."""
    repo = ActivityRepository(ctx.repo.session)
    await _check(
        ctx,
        repo.requests_since,
        MAX_REQUESTS_PER_HOUR,
        N_(
            "You've asked for help {limit} times in the last hour, the limit. "
            "Try again after {time}."
        ),
    )


async def check_tip_limit(ctx: Ctx) -> None:
    """At most 10 tip posts per person per hour (a `/tip all` counts once)."""
    repo = ActivityRepository(ctx.repo.session)
    await _check(
        ctx,
        repo.tips_since,
        MAX_TIPS_PER_HOUR,
        N_(
            "You've posted a tip {limit} times in the last hour, the limit. Try again after {time}."
        ),
    )


async def check_dashboard_limit(ctx: Ctx) -> None:
    """At most 10 `/dashboard` links per person per hour: each is a login secret."""
    repo = ActivityRepository(ctx.repo.session)
    await _check(
        ctx,
        repo.dashboard_links_since,
        MAX_DASHBOARD_LINKS_PER_HOUR,
        N_(
            "You've asked for a dashboard link {limit} times in the last hour, the limit. "
            "Try again after {time}."
        ),
    )
