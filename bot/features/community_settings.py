"""A community's settings rules, shared by `/settings` and the dashboard's settings page.

Each change checks its value the one way both places use, changes the community row, and
says what changed (for the confirmation and the dashboard's activity list). Whoever
changes the timezone replans the community's schedules after the commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.errors import UsageError
from bot.core.languages import LanguageChoice
from bot.core.numbers import number_argument
from bot.features.language_choice import choose_or_refuse
from storage.models import Community

ESCALATION_HOURS = (1, 168)
"""Unclaimed requests are re-announced after 1 hour to 1 week."""
NUDGE_HOURS = (1, 12)
"""The check-in nudge comes 1 to 12 hours after the ping, so on the same day."""
ESCALATION_EXAMPLE = "/settings escalation 24"
NUDGE_EXAMPLE = "/settings nudge 4"
LANGUAGE_EXAMPLE = "/settings language es"
TIMEZONE_EXAMPLE = "/settings timezone Europe/Berlin"
_HOURS_SUFFIX = re.compile(r"\s*(h|hr|hrs|hour|hours)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SettingChange:
    """What one change did: the setting's name, and its value before and after."""

    setting: str
    before: str
    after: str


def read_hours(text: str, bounds: tuple[int, int], example: str) -> int:
    """Whole hours (`24`, `24h`, `24 hours`) within bounds, else a refusal with an example."""
    cleaned = _HOURS_SUFFIX.sub("", text.strip())
    if not cleaned:
        raise UsageError("How many hours?", example=example)
    hours = 0 if cleaned.isascii() and not cleaned.strip("0") else number_argument(cleaned, example)
    low, high = bounds
    if not low <= hours <= high:
        raise UsageError(
            "Give between {low} and {high} hours.", {"low": low, "high": high}, example
        )
    return hours


def change_zone(community: Community, zone: str) -> SettingChange:
    """Sets a zone already looked up (`zone_choice.settled_zone` or a chosen button)."""
    before = community.timezone
    community.timezone = zone
    return SettingChange("timezone", before, zone)


def change_language(community: Community, text: str) -> tuple[SettingChange, LanguageChoice]:
    """Sets the language `text` names, or refuses listing the shipped ones."""
    choice = choose_or_refuse(text, LANGUAGE_EXAMPLE)
    before = community.language
    community.language = choice.code
    return SettingChange("language", before, choice.code), choice


def change_escalation(community: Community, text: str) -> SettingChange:
    """Sets after how many hours an unclaimed request is re-announced."""
    hours = read_hours(text, ESCALATION_HOURS, ESCALATION_EXAMPLE)
    before = community.escalation_hours
    community.escalation_hours = hours
    return SettingChange("escalation", str(before), str(hours))


def change_nudge(community: Community, text: str) -> SettingChange:
    """Sets how many hours after the check-in ping the nudge comes."""
    hours = read_hours(text, NUDGE_HOURS, NUDGE_EXAMPLE)
    before = community.nudge_hours
    community.nudge_hours = hours
    return SettingChange("nudge", str(before), str(hours))
