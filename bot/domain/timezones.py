"""Reading a timezone from what people type: names, cities, countries, offsets, abbreviations.

`lookup_timezone(text, now)` answers with one zone to set, up to five choices (best first),
or a refusal. It is pure: no database, no clock of its own. Plain `UTC` is set as it is
(it is a real zone; the reply says that it never changes for summer time); every other
answer is an IANA Area/City zone, never `Etc/GMT±N` (whose sign is inverted) and never an
abbreviation like `EST` (which would be wrong all summer).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.domain.zone_abbreviations import ABBREVIATIONS
from bot.domain.zone_places import Atlas, Place, atlas, fold, is_settable, zone_table

MAX_INPUT = 100
MAX_CHOICES = 5
_NOT_AN_OFFSET = 99 * 60  # minutes past 59, like `+5:75`: refused as no offset at all
FUZZY_CUTOFF = 78
UTC_WORDS = frozenset({"utc", "etc/utc", "z", "zulu", "universal", "coordinated universal time"})
_OFFSET = re.compile(
    r"^(?:(?P<base>utc|gmt)\s*)?(?P<sign>[+\-\u2212\u2013])?\s*(?P<hours>\d{1,2})"
    r"(?:(?P<sep>[:h.,]|\s)\s*(?P<minutes>\d{1,2})|(?P<compact>\d{2}))?\s*(?:h|hrs?|hours?)?$"
)


class Understood(StrEnum):
    """How the text was read, so the reply can say why it offers choices."""

    NAME = "name"
    PLACE = "place"
    OFFSET = "offset"
    ABBREVIATION = "abbreviation"
    GUESS = "guess"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why nothing was found: an English template with named values, translated by the caller."""

    template: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ZoneLookup:
    """Exactly one of: a zone to set, choices (best first), or a refusal."""

    understood: Understood
    zone: str | None = None
    choices: tuple[str, ...] = ()
    refusal: Refusal | None = None
    offset: str = ""


def lookup_timezone(text: str, now: datetime) -> ZoneLookup:
    """Reads a timezone from what a person typed; never raises on any text."""
    cleaned = " ".join(text.split()) if len(text) <= 10 * MAX_INPUT else text
    if len(cleaned) > MAX_INPUT:  # before any other work, so a long paste costs nothing
        return _refuse(
            "That is too long for a timezone ({length} characters; the limit is {limit}).",
            length=len(cleaned),
            limit=MAX_INPUT,
        )
    cleaned = " ".join(unicodedata.normalize("NFKC", cleaned).split())
    if not cleaned:
        return _refuse("Say which timezone: a city, a country, an Area/City name or an offset.")
    key = fold(cleaned)
    if key in UTC_WORDS:
        return ZoneLookup(Understood.NAME, zone="UTC")
    offset = _offset_minutes(cleaned.casefold())
    if offset is not None:
        return _by_offset(offset, now)
    abbreviated = [zone for zone in ABBREVIATIONS.get(key, ()) if is_settable(zone)]
    if abbreviated:
        return ZoneLookup(Understood.ABBREVIATION, choices=tuple(abbreviated[:MAX_CHOICES]))
    if not key:
        return _unknown(cleaned)
    if key.startswith("etc/"):
        return _refuse(
            "I don't set Etc/ zones: their sign is the opposite of what it looks like and "
            "they never change for summer time. Type your city or an offset like UTC+8."
        )
    data = atlas()
    exact = data.names.get(key)
    if exact is not None:
        return ZoneLookup(Understood.NAME, zone=exact)
    places = _exact_places(key, data)
    if places:
        return _one_or_choices(Understood.PLACE, _zones_of(places, now))
    return _guess(cleaned, key, data)


def local_time(zone: str, now: datetime) -> str:
    """The wall-clock time in that zone, like `14:05`."""
    return now.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def offset_label(minutes: int) -> str:
    """An offset as people read it: `UTC+08:00`, `UTC-03:30`."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _refuse(template: str, **values: object) -> ZoneLookup:
    return ZoneLookup(Understood.GUESS, refusal=Refusal(template, dict(values)))


def _unknown(text: str) -> ZoneLookup:
    return _refuse(
        "I don't know the timezone “{text}”. Try a city, a country, an Area/City name "
        "or an offset like UTC+8.",
        text=text,
    )


def _one_or_choices(understood: Understood, zones: list[str]) -> ZoneLookup:
    if len(zones) == 1:
        return ZoneLookup(understood, zone=zones[0])
    return ZoneLookup(understood, choices=tuple(zones[:MAX_CHOICES]))


# --- offsets ---------------------------------------------------------------------------


def _offset_minutes(text: str) -> int | None:
    """Minutes east of UTC for `UTC+8`, `GMT-5`, `+05:30`, `utc+5.5`, `+8`; else None."""
    match = _OFFSET.match(text)
    if match is None or (match["sign"] is None and match["base"] is None):
        return None
    minutes = 0
    if match["compact"] is not None:
        minutes = int(match["compact"])
    elif match["minutes"] is not None and match["sep"] in (".", ","):
        digits = match["minutes"]
        readings = {round(float(f"0.{digits}") * 60)}  # 5.5 is 5 h 30 min
        if len(digits) == 2:
            readings.add(int(digits))  # 5.30 is 5 h 30 min too
        quarters = [value for value in readings if value in (0, 15, 30, 45)]
        minutes = quarters[0] if len(quarters) == 1 else min(readings)
    elif match["minutes"] is not None:
        minutes = int(match["minutes"])
    if minutes >= 60:
        return _NOT_AN_OFFSET
    sign = -1 if match["sign"] in ("-", "\u2212", "\u2013") else 1
    return sign * (int(match["hours"]) * 60 + minutes)


def _by_offset(minutes: int, now: datetime) -> ZoneLookup:
    if not -12 * 60 <= minutes <= 14 * 60:
        return _refuse(
            "That is not a UTC offset: offsets run from UTC-12 to UTC+14, like UTC+8 or GMT-5."
        )
    label = offset_label(minutes)
    zones = _zones_at(minutes, now.replace(minute=0, second=0, microsecond=0))
    if not zones:
        return _refuse(
            "No timezone is at {offset} today. Try a city or a country instead.", offset=label
        )
    if minutes == 0:
        zones = (*zones[: MAX_CHOICES - 1], "UTC")
    return ZoneLookup(Understood.OFFSET, choices=zones[:MAX_CHOICES], offset=label)


@lru_cache(maxsize=256)
def _zones_at(minutes: int, hour: datetime) -> tuple[str, ...]:
    """Real zones at that offset at that hour, the most populous first."""
    data = atlas()
    pool = {zone for zones in zone_table().values() for zone in zones} | set(data.zone_population)
    wanted = timedelta(minutes=minutes)
    found = [zone for zone in pool if hour.astimezone(ZoneInfo(zone)).utcoffset() == wanted]
    found.sort(
        key=lambda zone: (-data.zone_population.get(zone, 0), zone.startswith("Antarctica/"), zone)
    )
    return tuple(found)


# --- places ----------------------------------------------------------------------------


def _exact_places(key: str, data: Atlas) -> list[tuple[str, str, int]]:
    """(country, zone, population) for every exact name, country or IANA city part."""
    found: list[tuple[str, str, int]] = []
    for place in data.cities.get(key, ()):
        found.append((place.country, place.zone, place.population))
    code = data.countries.get(key)
    if code is not None:
        for zone in data.country_zones.get(code, ()):
            found.append((code, zone, data.zone_population.get(zone, 0)))
    for zone in data.components.get(key, ()):
        found.append((_zone_countries().get(zone, ""), zone, data.zone_population.get(zone, 0)))
    if not found:
        places: tuple[Place, ...] = data.alternates.get(key, ())
        found = [(place.country, place.zone, place.population) for place in places]
    return found


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """Each canonical zone's country, from the tz database's zone.tab."""
    return {zone: code for code, zones in zone_table().items() for zone in zones}


def _zones_of(found: list[tuple[str, str, int]], now: datetime) -> list[str]:
    """Distinct zones, most populous first; in one country, zones that keep the same clock
    all year collapse into the most populous (Argentina's provinces, Germany's Büsingen)."""
    best: dict[str, int] = {}
    country_of: dict[str, str] = {}
    for country, zone, population in found:
        best[zone] = max(best.get(zone, 0), population)
        if country:
            country_of.setdefault(zone, country)
    ordered = sorted(best, key=lambda zone: (-best[zone], zone))
    kept: list[str] = []
    seen: set[tuple[str, tuple[timedelta | None, ...]]] = set()
    start = now.replace(minute=0, second=0, microsecond=0)
    for zone in ordered:
        clock = (country_of.get(zone, zone), _year_of_offsets(zone, start))
        if clock not in seen:
            seen.add(clock)
            kept.append(zone)
    return kept


@lru_cache(maxsize=4096)
def _year_of_offsets(zone: str, start: datetime) -> tuple[timedelta | None, ...]:
    """The zone's offset every week for a year: two zones with equal ones keep one clock."""
    info = ZoneInfo(zone)
    return tuple((start + timedelta(weeks=week)).astimezone(info).utcoffset() for week in range(53))


def _guess(text: str, key: str, data: Atlas) -> ZoneLookup:
    """Close spellings, best first, with the bigger place first among equals."""
    matches = process.extract(
        key, data.fuzzy_keys, scorer=fuzz.ratio, limit=25, score_cutoff=FUZZY_CUTOFF
    )
    ranked = sorted(
        (
            (-score, -data.zone_population.get(zone, 0), zone)
            for _, score, index in matches
            for zone in data.fuzzy_zones[index]
        )
    )
    zones = list(dict.fromkeys(zone for _, _, zone in ranked))
    if not zones:
        return _unknown(text)
    return ZoneLookup(Understood.GUESS, choices=tuple(zones[:MAX_CHOICES]))
