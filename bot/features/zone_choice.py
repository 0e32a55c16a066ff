"""Turning a timezone look-up into a zone to set now, or a reply with one button per choice.

`/timezone` and `/settings timezone` share this. A choice button carries its owner (the
person, or the community) and the zone in its payload, so it works after a restart and
the handler can check who pressed it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import Button
from bot.core.i18n import N_
from bot.core.markup import RichText
from bot.domain.timezones import Understood, ZoneLookup, local_time, lookup_timezone
from bot.domain.zone_places import atlas, atlas_loaded, is_settable

_INTRO = {
    Understood.NAME: N_("“{text}” matches more than one timezone. Which one is yours?"),
    Understood.PLACE: N_("“{text}” matches more than one timezone. Which one is yours?"),
    Understood.OFFSET: N_(
        "These timezones are at {offset} today. Which one is yours? "
        "A real zone follows summer time for you."
    ),
    Understood.ABBREVIATION: N_(
        "“{text}” is an abbreviation that several timezones use. Which one is yours? "
        "A real zone follows summer time for you."
    ),
    Understood.GUESS: N_("I don't know the timezone “{text}”. Did you mean one of these?"),
}
_SEPARATOR = "|"


async def find_zone(text: str, now: datetime) -> ZoneLookup:
    """Looks a zone up; the first look-up reads the city data off the event loop."""
    if not atlas_loaded():
        await asyncio.to_thread(atlas)
    return lookup_timezone(text, now)


def settled_zone(found: ZoneLookup, example: str) -> str | None:
    """The zone a look-up settles on (None: the person must choose); a refusal is raised."""
    if found.refusal is not None:
        raise UsageError(found.refusal.template, found.refusal.values, example)
    if found.zone is not None:
        return found.zone
    if len(found.choices) == 1 and found.understood is not Understood.GUESS:
        return found.choices[0]  # one real zone for an offset or abbreviation: no need to ask
    return None


async def zone_or_choices(ctx: Ctx, text: str, action: str, owner: int, example: str) -> str | None:
    """The zone to set now; or None after replying with choice buttons; else a UsageError."""
    found = await find_zone(text, ctx.now)
    zone = settled_zone(found, example)
    if zone is not None:
        return zone
    ctx.reply(*choices_intro(found, text), buttons=choice_buttons(ctx, found, action, owner))
    return None


def choices_intro(found: ZoneLookup, text: str) -> tuple[str, dict[str, object]]:
    """The question above a look-up's choices, as a template and its values."""
    return _INTRO[found.understood], {"text": text.strip(), "offset": found.offset}


def choice_buttons(
    ctx: Ctx, found: ZoneLookup, action: str, owner: int
) -> tuple[tuple[Button, ...], ...]:
    """One button per row, labelled with the zone and its local time, like `Asia/Taipei · 14:05`."""
    return tuple(
        (Button(f"{zone} · {local_time(zone, ctx.now)}", action, f"{owner}{_SEPARATOR}{zone}"),)
        for zone in found.choices
    )


def read_choice(payload: str) -> tuple[int, str] | None:
    """The owner id and zone a choice button carries, or None when it is not one."""
    owner, _, zone = payload.partition(_SEPARATOR)
    if not owner.isascii() or not owner.isdigit() or not is_settable(zone):
        return None
    return int(owner), zone


def utc_note(ctx: Ctx, zone: str) -> RichText:
    """A warning that UTC never moves for summer time, for whoever sets it."""
    if zone != "UTC":
        return ()
    return ctx.t(" UTC never changes for summer time; if your clocks do, set your city instead.")
