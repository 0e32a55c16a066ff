"""The settings page: timezone, language, escalation and nudge delays, changed by the same
rules as `/settings`, logged as made by this organizer, in effect at once."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import Response

from bot.core.i18n import N_, language_name
from bot.core.languages import SHIPPED
from bot.domain.timezones import local_time
from bot.features.community_settings import (
    ESCALATION_HOURS,
    NUDGE_HOURS,
    TIMEZONE_EXAMPLE,
    SettingChange,
    change_escalation,
    change_language,
    change_nudge,
    change_zone,
)
from bot.features.zone_choice import choices_intro, find_zone, settled_zone
from bot.web.dashboard.pages import Action, Page, PageContext, PageRegistry

SAVED = {
    "timezone": N_("The timezone is saved."),
    "language": N_("The language is saved."),
    "escalation": N_("The escalation delay is saved."),
    "nudge": N_("The nudge delay is saved."),
}
LOGGED = {
    "timezone": N_("changed the timezone"),
    "language": N_("changed the language"),
    "escalation": N_("changed the escalation delay"),
    "nudge": N_("changed the nudge delay"),
}


def register(pages: PageRegistry) -> None:
    """The page and one form per setting."""
    pages.add_page(Page("settings", "settings", N_("Settings"), show))
    for name, handler in (
        ("timezone", set_timezone),
        ("language", set_language),
        ("escalation", set_escalation),
        ("nudge", set_nudge),
    ):
        pages.add_action(Action(f"settings_{name}", f"settings/{name}", handler, page="settings"))


async def show(pc: PageContext) -> Response:
    """The current values, each with its form."""
    return _render(pc, choices=())


def _render(pc: PageContext, choices: tuple[str, ...], question: str = "") -> Response:
    saved = pc.request.query_params.get("saved", "")
    community = pc.community
    return pc.render(
        "settings.html",
        {
            "saved": pc.t(SAVED[saved]) if saved in SAVED else None,
            "zone": community.timezone,
            "local_time": local_time(community.timezone, pc.now),
            "languages": [(code, language_name(code)) for code in SHIPPED],
            "language": community.language,
            "escalation": community.escalation_hours,
            "nudge": community.nudge_hours,
            "escalation_bounds": ESCALATION_HOURS,
            "nudge_bounds": NUDGE_HOURS,
            "choices": [(zone, local_time(zone, pc.now)) for zone in choices],
            "question": question,
        },
    )


async def _done(pc: PageContext, change: SettingChange) -> Response:
    await pc.log(LOGGED[change.setting], f"{change.before} → {change.after}")
    return pc.redirect("settings", saved=change.setting)


async def set_timezone(pc: PageContext) -> Response:
    """A zone by any name `/settings timezone` reads; several candidates are offered as
    choices (nothing changes until one is picked); schedules follow the new zone at once."""
    typed = pc.form.get("timezone", "")
    found = await find_zone(typed, pc.now)
    zone = settled_zone(found, TIMEZONE_EXAMPLE)
    if zone is None:
        return _render(pc, found.choices, pc.t(*choices_intro(found, typed)))
    change = change_zone(pc.community, zone)
    pc.replan_after_commit()
    return await _done(pc, change)


async def set_language(pc: PageContext) -> Response:
    """A language `/settings language` reads."""
    change, _ = change_language(pc.community, pc.form.get("language", ""))
    return await _done(pc, change)


async def set_escalation(pc: PageContext) -> Response:
    """Hours before an unclaimed request is re-announced."""
    return await _done(pc, change_escalation(pc.community, _hours(pc.form)))


async def set_nudge(pc: PageContext) -> Response:
    """Hours between the check-in ping and the nudge."""
    return await _done(pc, change_nudge(pc.community, _hours(pc.form)))


def _hours(form: Mapping[str, str]) -> str:
    return form.get("hours", "")
