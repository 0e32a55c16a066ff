"""Timezone input: the forms people type, read by the pure look-up and through the chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from adapters.telegram.render import callback_data
from bot.app import Core
from bot.core.events import Button
from bot.core.markup import fmt
from bot.domain.timezones import MAX_CHOICES, lookup_timezone
from bot.domain.zone_abbreviations import ABBREVIATIONS, IMPLY_SUMMER_TIME
from bot.domain.zone_places import settable_zones
from bot.features.zone_choice import read_choice
from storage.models import Account, Community
from tests.harness import ChatDriver, FakeClock

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the `clock` fixture's moment

# What people type and the one zone it sets at once.
SETS = [
    # IANA names in any case, with spaces or underscores
    ("America/New_York", "America/New_York"),
    ("america/new_york", "America/New_York"),
    ("AMERICA/NEW_YORK", "America/New_York"),
    ("new york", "America/New_York"),
    ("New York", "America/New_York"),
    ("new_york", "America/New_York"),
    ("  New   York ", "America/New_York"),
    ("asia/taipei", "Asia/Taipei"),
    ("Asia/Taipei", "Asia/Taipei"),
    ("europe / berlin", "Europe/Berlin"),
    ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("america/port-au-prince", "America/Port-au-Prince"),
    ("Europe/Kyiv", "Europe/Kyiv"),
    # old aliases answer with the tz database's own name
    ("US/Eastern", "America/New_York"),
    ("Asia/Calcutta", "Asia/Kolkata"),
    ("Europe/Kiev", "Europe/Kyiv"),
    # cities, with and without accents, and their other names
    ("Taipei", "Asia/Taipei"),
    ("taipei", "Asia/Taipei"),
    ("Mumbai", "Asia/Kolkata"),
    ("Bombay", "Asia/Kolkata"),
    ("Kolkata", "Asia/Kolkata"),
    ("Calcutta", "Asia/Kolkata"),
    ("Beijing", "Asia/Shanghai"),
    ("beijing", "Asia/Shanghai"),
    ("Peking", "Asia/Shanghai"),
    ("北京", "Asia/Shanghai"),
    ("São Paulo", "America/Sao_Paulo"),
    ("Sao Paulo", "America/Sao_Paulo"),
    ("SÃO PAULO", "America/Sao_Paulo"),
    ("Zürich", "Europe/Zurich"),
    ("Zurich", "Europe/Zurich"),
    ("Kraków", "Europe/Warsaw"),
    ("Krakow", "Europe/Warsaw"),
    ("Bogotá", "America/Bogota"),
    ("Bogota", "America/Bogota"),
    ("Montréal", "America/Toronto"),
    ("Düsseldorf", "Europe/Berlin"),
    ("Reykjavík", "Atlantic/Reykjavik"),
    ("Ho Chi Minh City", "Asia/Ho_Chi_Minh"),
    ("Saigon", "Asia/Ho_Chi_Minh"),
    ("Kiev", "Europe/Kyiv"),
    ("Lagos", "Africa/Lagos"),
    ("Nairobi", "Africa/Nairobi"),
    ("Cairo", "Africa/Cairo"),
    ("Istanbul", "Europe/Istanbul"),
    ("Seoul", "Asia/Seoul"),
    ("Jakarta", "Asia/Jakarta"),
    ("Manila", "Asia/Manila"),
    ("Kathmandu", "Asia/Kathmandu"),
    ("Lima", "America/Lima"),
    ("Chicago", "America/Chicago"),
    ("Phoenix", "America/Phoenix"),
    ("Mexico City", "America/Mexico_City"),
    ("Buenos Aires", "America/Argentina/Buenos_Aires"),
    ("Johannesburg", "Africa/Johannesburg"),
    ("Auckland", "Pacific/Auckland"),
    ("Honolulu", "Pacific/Honolulu"),
    ("Indianapolis", "America/Indiana/Indianapolis"),
    ("Paris", "Europe/Paris"),
    ("Berlin", "Europe/Berlin"),
    ("Moscow", "Europe/Moscow"),
    ("Singapore", "Asia/Singapore"),
    ("Hong Kong", "Asia/Hong_Kong"),
    ("Amsterdam", "Europe/Amsterdam"),
    # countries with one zone (or one clock: Argentina's provinces keep the same time)
    ("Taiwan", "Asia/Taipei"),
    ("taiwan", "Asia/Taipei"),
    ("Japan", "Asia/Tokyo"),
    ("Germany", "Europe/Berlin"),
    ("India", "Asia/Kolkata"),
    ("台灣", "Asia/Taipei"),  # countries by their names in the shipped languages
    ("臺灣", "Asia/Taipei"),
    ("भारत", "Asia/Kolkata"),
    ("印度", "Asia/Kolkata"),
    ("Perú", "America/Lima"),
    ("UK", "Europe/London"),
    ("United Kingdom", "Europe/London"),
    ("France", "Europe/Paris"),
    ("Italy", "Europe/Rome"),
    ("Argentina", "America/Argentina/Buenos_Aires"),
    ("Nigeria", "Africa/Lagos"),
    ("Kenya", "Africa/Nairobi"),
    ("Philippines", "Asia/Manila"),
    ("South Korea", "Asia/Seoul"),
    ("Vietnam", "Asia/Ho_Chi_Minh"),
    ("Netherlands", "Europe/Amsterdam"),
    ("The Netherlands", "Europe/Amsterdam"),
    ("Israel", "Asia/Jerusalem"),
    # plain UTC is a real zone (the reply says it never changes for summer time)
    ("UTC", "UTC"),
    ("utc", "UTC"),
    ("Etc/UTC", "UTC"),
    ("Zulu", "UTC"),
]

# What people type and the first choices offered, best first.
CHOICES = [
    # offsets, both signs, half and quarter hours: real zones at that offset today
    ("utc+8", ["Asia/Shanghai"]),
    ("UTC+8", ["Asia/Shanghai"]),
    ("UTC +8", ["Asia/Shanghai"]),
    ("GMT+8", ["Asia/Shanghai"]),
    ("+8", ["Asia/Shanghai"]),
    ("+08:00", ["Asia/Shanghai"]),
    ("UTC+0800", ["Asia/Shanghai"]),
    ("utc 8", ["Asia/Shanghai"]),
    ("UTC+8h", ["Asia/Shanghai"]),
    ("UTC+\u0668", ["Asia/Shanghai"]),  # an Arabic-Indic eight
    ("\uff35\uff34\uff23\uff0b\uff18", ["Asia/Shanghai"]),  # full-width UTC+8
    ("GMT-5", ["America/New_York"]),
    ("UTC-5", ["America/New_York"]),
    ("-5", ["America/New_York"]),
    ("UTC\u22125", ["America/New_York"]),
    ("utc-05:00", ["America/New_York"]),
    ("UTC-8", ["America/Los_Angeles"]),
    ("UTC-3", ["America/Sao_Paulo"]),
    ("utc-3:30", ["America/St_Johns"]),
    ("UTC-10", ["Pacific/Honolulu"]),
    ("+05:30", ["Asia/Kolkata", "Asia/Colombo"]),
    ("utc+5.5", ["Asia/Kolkata", "Asia/Colombo"]),
    ("UTC+5:30", ["Asia/Kolkata", "Asia/Colombo"]),
    ("+0530", ["Asia/Kolkata", "Asia/Colombo"]),
    ("UTC+5,5", ["Asia/Kolkata", "Asia/Colombo"]),
    ("utc +5.30", ["Asia/Kolkata", "Asia/Colombo"]),
    ("+5:45", ["Asia/Kathmandu"]),
    ("utc+5.75", ["Asia/Kathmandu"]),
    ("UTC+9:30", ["Australia/Darwin"]),
    ("UTC+10:30", ["Australia/Adelaide"]),  # summer time there in November
    ("UTC+13", ["Pacific/Auckland"]),
    ("UTC+14", ["Pacific/Kiritimati"]),
    ("UTC+0", ["Europe/London"]),
    ("gmt+0", ["Europe/London"]),
    # abbreviations: the usual meaning first, never the abbreviation itself
    ("EST", ["America/New_York", "America/Toronto"]),
    ("est", ["America/New_York"]),
    ("EDT", ["America/New_York"]),
    ("EST5EDT", ["America/New_York"]),
    ("Eastern", ["America/New_York"]),
    ("PST", ["America/Los_Angeles"]),
    ("Pacific Time", ["America/Los_Angeles"]),
    ("CST", ["America/Chicago", "Asia/Shanghai"]),
    ("MST", ["America/Denver"]),
    ("IST", ["Asia/Kolkata", "Europe/Dublin"]),
    ("CET", ["Europe/Berlin"]),
    ("CEST", ["Europe/Berlin"]),
    ("EET", ["Europe/Athens"]),
    ("GMT", ["Europe/London"]),
    ("BST", ["Europe/London", "Asia/Dhaka"]),
    ("JST", ["Asia/Tokyo"]),
    ("AEST", ["Australia/Sydney"]),
    ("MSK", ["Europe/Moscow"]),
    ("HST", ["Pacific/Honolulu"]),
    # a place in several zones: the most populous first
    ("Valencia", ["America/Caracas", "Europe/Madrid"]),
    ("valencia", ["America/Caracas", "Europe/Madrid"]),
    ("London", ["Europe/London"]),
    ("Sydney", ["Australia/Sydney"]),
    ("Los Angeles", ["America/Los_Angeles"]),
    # countries with several zones
    ("USA", ["America/New_York", "America/Chicago", "America/Los_Angeles"]),
    ("United States", ["America/New_York", "America/Chicago", "America/Los_Angeles"]),
    ("usa", ["America/New_York"]),
    ("Spain", ["Europe/Madrid", "Atlantic/Canary"]),
    ("Australia", ["Australia/Sydney"]),
    ("Canada", ["America/Toronto"]),
    ("Brazil", ["America/Sao_Paulo"]),
    ("Russia", ["Europe/Moscow"]),
    ("Mexico", ["America/Mexico_City"]),
    ("China", ["Asia/Shanghai"]),
    # typos: close spellings offered, never set
    ("Taipie", ["Asia/Taipei"]),
    ("Europe/Berln", ["Europe/Berlin"]),
    ("Buenos Aries", ["America/Argentina/Buenos_Aires"]),
    ("Johanesburg", ["Africa/Johannesburg"]),
    ("Amsterdma", ["Europe/Amsterdam"]),
    ("Tokyoo", ["Asia/Tokyo"]),
    ("Nairobbi", ["Africa/Nairobi"]),
    ("Kathmandoo", ["Asia/Kathmandu"]),
]

# What is refused, and a word the refusal must contain.
REFUSED = [
    ("", "Say which timezone"),
    ("   ", "Say which timezone"),
    ("x" * 5000, "the limit is 100"),
    ("Taipei " * 800, "the limit is 100"),
    ("🕐", "I don't know the timezone"),
    ("😀😀😀", "I don't know the timezone"),
    ("asdfgh", "I don't know the timezone"),
    ("8", "I don't know the timezone"),
    ("utc+15", "offsets run from UTC-12 to UTC+14"),
    ("UTC-13", "offsets run from UTC-12 to UTC+14"),
    ("+5:75", "offsets run from UTC-12 to UTC+14"),
    ("+4:20", "No timezone is at UTC+04:20 today"),
    ("UTC-12", "No timezone is at UTC-12:00 today"),
    ("Etc/GMT+8", "I don't set Etc/ zones"),
    ("Etc/GMT-8", "I don't set Etc/ zones"),
    ("etc/gmt+8", "I don't set Etc/ zones"),
    ("\x00", "I don't know the timezone"),
    ("---", "I don't know the timezone"),
]


def assert_real_zone(zone: str) -> None:
    assert zone in available_timezones()
    assert not zone.startswith("Etc/")
    assert "/" in zone or zone == "UTC"


@pytest.mark.parametrize(("typed", "zone"), SETS)
def test_forms_that_set_one_zone(typed: str, zone: str) -> None:
    found = lookup_timezone(typed, NOW)
    assert (found.zone, found.choices, found.refusal) == (zone, (), None)


@pytest.mark.parametrize(("typed", "first"), CHOICES)
def test_forms_that_offer_choices(typed: str, first: list[str]) -> None:
    found = lookup_timezone(typed, NOW)
    assert found.zone is None
    assert found.refusal is None
    assert list(found.choices[: len(first)]) == first
    assert len(found.choices) <= MAX_CHOICES
    assert len(set(found.choices)) == len(found.choices)
    for zone in found.choices:
        assert_real_zone(zone)


@pytest.mark.parametrize(("typed", "words"), REFUSED, ids=lambda value: str(value)[:20])
def test_forms_that_are_refused(typed: str, words: str) -> None:
    found = lookup_timezone(typed, NOW)
    assert (found.zone, found.choices) == (None, ())
    assert found.refusal is not None
    filled = "".join(span.text for span in fmt(found.refusal.template, found.refusal.values))
    assert words in filled


def test_the_tables_cover_at_least_eighty_forms() -> None:
    assert len(SETS) + len(CHOICES) + len(REFUSED) >= 80


def test_beijing_is_never_berlin_and_berlin_never_beijing() -> None:
    assert lookup_timezone("Beijing", NOW).zone == "Asia/Shanghai"
    assert lookup_timezone("Berlin", NOW).zone == "Europe/Berlin"
    assert "Europe/Berlin" not in lookup_timezone("Bejjing", NOW).choices


@pytest.mark.parametrize("hours", [*range(-11, 15), -9.5, -3.5, 3.5, 4.5, 5.5, 5.75, 6.5, 9.5])
def test_offsets_answer_only_zones_at_that_offset_today_never_etc(hours: float) -> None:
    minutes = round(hours * 60)
    sign = "-" if minutes < 0 else "+"
    typed = f"UTC{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"
    found = lookup_timezone(typed, NOW)
    if found.refusal is not None:  # no real zone has it today
        assert "No timezone is at" in found.refusal.template
        return
    assert found.choices
    for zone in found.choices:
        assert_real_zone(zone)
        assert NOW.astimezone(ZoneInfo(zone)).utcoffset() == timedelta(minutes=minutes)


def test_utc_plus_8_is_never_etc_gmt_plus_8_which_is_utc_minus_8() -> None:
    found = lookup_timezone("utc+8", NOW)
    assert "Etc/GMT+8" not in found.choices
    assert "Etc/GMT-8" not in found.choices
    assert found.offset == "UTC+08:00"
    assert lookup_timezone("utc-8", NOW).offset == "UTC-08:00"


def test_offsets_follow_summer_time_on_the_day_asked() -> None:
    july = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert lookup_timezone("UTC-4", july).choices[0] == "America/New_York"
    assert "America/New_York" not in lookup_timezone("UTC-4", NOW).choices
    assert "Europe/London" in lookup_timezone("UTC+1", july).choices
    assert "Europe/London" not in lookup_timezone("UTC+1", NOW).choices


def test_abbreviations_never_set_and_never_offer_a_zone_without_summer_time_when_implied() -> None:
    for abbreviation, zones in ABBREVIATIONS.items():
        found = lookup_timezone(abbreviation, NOW)
        assert found.zone is None, abbreviation
        assert found.choices == zones[:MAX_CHOICES], abbreviation
        for zone in zones:
            assert_real_zone(zone)
            assert zone.upper() != abbreviation.upper()
        if abbreviation in IMPLY_SUMMER_TIME or abbreviation in ("est", "cet", "eet"):
            for zone in zones:
                offsets = {
                    (NOW + timedelta(weeks=week)).astimezone(ZoneInfo(zone)).utcoffset()
                    for week in range(53)
                }
                assert len(offsets) == 2, f"{abbreviation}: {zone} keeps one clock all year"


def test_choice_payloads_fit_telegram_for_every_zone() -> None:
    for zone in settable_zones():
        for action in ("tz", "tzs"):
            callback_data(Button(f"{zone} · 12:00", action, f"{10**12}|{zone}"))


@pytest.mark.parametrize(
    "payload", ["", "1", "abc|Asia/Taipei", "1|Etc/GMT+8", "1|EST", "1|Mars/Base", "²|UTC"]
)
def test_a_forged_or_stale_choice_payload_is_not_a_choice(payload: str) -> None:
    assert read_choice(payload) is None


def test_a_choice_payload_round_trips() -> None:
    assert read_choice("42|America/Argentina/Buenos_Aires") == (
        42,
        "America/Argentina/Buenos_Aires",
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_real_zone_choices_or_a_refusal(text: str) -> None:
    found = lookup_timezone(text, NOW)
    outcomes = [found.zone is not None, bool(found.choices), found.refusal is not None]
    assert outcomes.count(True) == 1
    for zone in [*([found.zone] if found.zone else []), *found.choices]:
        assert_real_zone(zone)


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(
        r"\A(utc|gmt|UTC|GMT)? ?[+\-\u2212]? ?[0-9]{1,2}([:.,h ]?[0-9]{1,2})?( ?h(ours?)?)?\Z"
    )
)
def test_anything_offset_like_never_raises_nor_gives_etc(text: str) -> None:
    found = lookup_timezone(text, NOW)
    for zone in found.choices:
        assert_real_zone(zone)


# --- through the chat -------------------------------------------------------------------


async def person_zone(core: Core, user: str) -> str | None:
    async with core.database.sessions() as session:
        account = await session.scalar(select(Account).where(Account.user_id == user))
        assert account is not None
        await session.refresh(account, ["person"])
        return account.person.timezone


async def community_zone(core: Core) -> str:
    async with core.database.sessions() as session:
        community = await session.scalar(select(Community))
        assert community is not None
        return community.timezone


async def test_timezone_city_sets_it_at_once_with_local_time(chat: ChatDriver, core: Core) -> None:
    out = await chat.say("alice", "g", "/timezone taipei")
    assert "Your timezone is now Asia/Taipei (your local time: 20:00)." in out
    assert await person_zone(core, "alice") == "Asia/Taipei"
    out = await chat.say("alice", "g", "/timezone New York")
    assert "Your timezone is now America/New_York (your local time: 07:00)." in out
    assert "Your timezone is America/New_York" in await chat.say("alice", "g", "/timezone")


async def test_timezone_alone_before_setting_one_says_which_is_used(chat: ChatDriver) -> None:
    out = await chat.say("alice", "g", "/timezone")
    assert "You have not set a timezone; I use UTC (local time 12:00)." in out
    assert "/timezone <your city>" in out


async def test_timezone_est_offers_choices_and_a_press_sets_it(
    chat: ChatDriver, core: Core
) -> None:
    out = await chat.say("alice", "g", "/timezone EST")
    assert "“EST” is an abbreviation that several timezones use." in out
    assert "America/New_York · 07:00" in out
    assert "America/Toronto · 07:00" in out
    assert await person_zone(core, "alice") is None
    out = await chat.press("alice", "America/New_York · 07:00")
    assert "Your timezone is now America/New_York (your local time: 07:00)." in out
    assert await person_zone(core, "alice") == "America/New_York"


async def test_timezone_utc_plus_8_offers_real_zones_never_etc(
    chat: ChatDriver, core: Core
) -> None:
    out = await chat.say("alice", None, "/timezone utc+8")
    assert "These timezones are at UTC+08:00 today." in out
    assert "Asia/Shanghai · 20:00" in out
    assert "Etc/" not in out
    out = await chat.press("alice", "Asia/Taipei · 20:00")
    assert "Your timezone is now Asia/Taipei" in out
    assert await person_zone(core, "alice") == "Asia/Taipei"


async def test_a_choice_pressed_by_someone_else_changes_nothing(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("alice", "g", "/timezone Valencia")
    await chat.say("bob", "g", "/timezone Paris")
    out = await chat.press("bob", "Europe/Madrid · 13:00")
    assert "That choice belongs to someone else; nothing changed." in out
    assert await person_zone(core, "alice") is None
    assert await person_zone(core, "bob") == "Europe/Paris"
    await chat.press("alice", "Europe/Madrid · 13:00")
    assert await person_zone(core, "alice") == "Europe/Madrid"


async def test_timezone_bad_input_says_what_and_writes_nothing(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("alice", "g", "/timezone Berlin")
    out = await chat.say("alice", "g", "/timezone " + "x" * 5000)
    assert "too long (5010 characters; the limit is 4096)" in out
    out = await chat.say("alice", "g", "/timezone " + "Taipei " * 300)
    assert "the limit is 100" in out
    out = await chat.say("alice", "g", "/timezone 🕐")
    assert "I don't know the timezone “🕐”" in out
    assert "Example: /timezone Taipei" in out
    out = await chat.say("alice", "g", "/timezone Etc/GMT+8")
    assert "I don't set Etc/ zones" in out
    out = await chat.say("alice", "g", "/timezone Europe/Berln")
    assert "I don't know the timezone “Europe/Berln”. Did you mean one of these?" in out
    assert "Europe/Berlin · 13:00" in out
    assert await person_zone(core, "alice") == "Europe/Berlin"


async def test_timezone_utc_is_set_and_says_it_never_changes(chat: ChatDriver) -> None:
    out = await chat.say("alice", None, "/timezone UTC")
    assert "Your timezone is now UTC (your local time: 12:00)." in out
    assert "UTC never changes for summer time" in out


async def test_settings_timezone_by_an_organizer_with_choices(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("olga", "g", "/join")
    chat.make_admin("olga", "g")
    out = await chat.say("olga", "g", "/settings timezone New York")
    assert "This community's timezone is now America/New_York (local time 07:00)." in out
    out = await chat.say("olga", "g", "/settings timezone Valencia")
    assert "“Valencia” matches more than one timezone. Which one is yours?" in out
    assert await community_zone(core) == "America/New_York"
    out = await chat.press("olga", "Europe/Madrid · 13:00")
    assert "This community's timezone is now Europe/Madrid (local time 13:00)." in out
    assert await community_zone(core) == "Europe/Madrid"


async def test_settings_timezone_refused_for_a_member_and_their_press(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("olga", "g", "/join")
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/settings timezone CET")
    await chat.say("mia", "g", "/join")
    out = await chat.say("mia", "g", "/settings timezone Taipei")
    assert "Only organizers can use /settings here." in out
    out = await chat.press("mia", "Europe/Paris · 13:00")
    assert "Only organizers can use /settings here." in out
    assert await community_zone(core) == "UTC"
    assert await person_zone(core, "mia") is None


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("JST", "Asia/Tokyo"), ("MSK", "Europe/Moscow"), ("utc+14", "Pacific/Kiritimati")],
)
async def test_one_real_candidate_is_set_at_once(chat: ChatDriver, typed: str, zone: str) -> None:
    out = await chat.say("alice", "g", f"/timezone {typed}")
    assert f"Your timezone is now {zone}" in out
    assert "[1]" not in out  # no button to press for a single answer


async def test_a_single_guess_for_a_typo_is_still_asked(chat: ChatDriver) -> None:
    out = await chat.say("alice", "g", "/timezone Kiritimatti")
    assert "Your timezone is now" not in out
