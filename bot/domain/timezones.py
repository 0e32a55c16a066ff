"""IANA timezone names: exact look-up, forgiving of case, and close suggestions."""

from __future__ import annotations

import difflib
import zoneinfo
from datetime import datetime
from functools import lru_cache


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names = {name.lower(): name for name in zoneinfo.available_timezones()}
    names.pop("localtime", None)
    return names


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    for name in _names().values():
        city = name.rsplit("/", 1)[-1].replace("_", " ").lower()
        cities.setdefault(city, []).append(name)
    return cities


def resolve_timezone(text: str) -> str | None:
    """The canonical name for `europe/berlin`, `Europe/Berlin` or a unique city like `Berlin`."""
    cleaned = text.strip().replace(" ", "_")
    if not cleaned:
        return None
    exact = _names().get(cleaned.lower())
    if exact is not None:
        return exact
    by_city = _cities().get(cleaned.replace("_", " ").lower(), [])
    canonical = [name for name in by_city if "/" in name and not name.startswith("Etc/")]
    return canonical[0] if len(canonical) == 1 else None


def suggest_timezones(text: str, limit: int = 3) -> list[str]:
    """The closest valid names, for an answer to a typo."""
    wanted = text.strip().replace(" ", "_").lower()
    names = _names()
    found = difflib.get_close_matches(wanted, list(names), n=limit, cutoff=0.5)
    city = wanted.rsplit("/", 1)[-1].replace("_", " ")
    for match in difflib.get_close_matches(city, list(_cities()), n=limit, cutoff=0.6):
        found.extend(name.lower() for name in _cities()[match])
    unique = dict.fromkeys(names[name] for name in found)
    regional = [name for name in unique if "/" in name and not name.startswith("Etc/")]
    return (regional or list(unique))[:limit]


def local_time(zone: str, now: datetime) -> str:
    """The wall-clock time in that zone, like `14:05`."""
    return now.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M")
