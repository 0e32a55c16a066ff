"""The small grammar of a time phrase: words in, the parts that were typed out (no clock yet)."""

from __future__ import annotations

import re
from datetime import date

from bot.domain.when_reading import Reading, Refusal, bad_date, bad_time
from bot.domain.when_words import Vocabulary, is_cjk
from bot.domain.when_zones import read_zone

MAX_NUMBER = 10**6


_HM = re.compile(r"^(\d{1,2}):(\d{2})$")
_HM_ANY = re.compile(r"^\d+:\d+$")
QUARTERS_BEFORE = {"quarter_past": 15, "half_past": 30, "quarter_to": -15}
"""Minutes the words before an hour add to it: `सवा`, `साढ़े`, `पौने`, `half past`, `quarter to`."""
_AMPM = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.?|p\.m\.?)$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})?$")
_CJK = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号號]$")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
_YEAR = re.compile(r"^\d{4}$")
_NUMBER = re.compile(r"^\d{1,12}(?:\.\d{1,2})?$")
_COMPACT = re.compile(r"^(\d{1,12}(?:\.\d{1,2})?)([a-z]+)$")
_HOURS_MINUTES = re.compile(r"^(\d{1,4})h(\d{1,2})(?:m|min)?$")


def read(words: list[str], vocab: Vocabulary, today: date) -> Reading | Refusal | None:
    """Reads all of `words` as one time phrase; None when they are not one."""
    if not words:
        return None
    if " ".join(words) in vocab.now or words == ["right", "now"]:
        return Refusal(
            "now", "“now” is not a time I can wait for. Say when, like `in 5 minutes` or `in 2h`."
        )
    duration = _duration(words, vocab)
    if duration is not None:
        return duration
    for cut in range(len(words) - 1, 0, -1):  # `in 2 days at 5pm`: whole days, then a time
        days = _duration(words[:cut], vocab)
        if isinstance(days, Reading) and days.days and not days.minutes and not days.ago:
            clock = _parts(words[cut:], Reading(today=today), vocab)
            if isinstance(clock, Reading) and clock.clock is not None and not clock.has_day:
                days.clock, days.bare_hour, days.part = clock.clock, clock.bare_hour, clock.part
                days.zone, days.offset = clock.zone, clock.offset
                return days
            if isinstance(clock, Refusal):
                return clock
    return _parts(words, Reading(today=today), vocab)


def _parts(words: list[str], reading: Reading, vocab: Vocabulary) -> Reading | Refusal | None:
    """Reads days, parts of the day, a time and a zone, each at most once, in any order."""
    index = 0
    while index < len(words):
        step = _step(words, index, reading, vocab)
        if step is None or isinstance(step, Refusal):
            return step
        index = step
    return reading


def _step(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | Refusal | None:
    """Reads one part at `words[i]`; the index after it, a refusal, or None."""
    word = words[i]
    if vocab.has("on", word) and i + 1 < len(words) and not reading.has_day:
        found = _day(words, i + 1, reading, vocab)
        return found
    if vocab.has("at", word) and i + 1 < len(words) and reading.clock is None:
        nxt = i + 2 if vocab.has("the", words[i + 1]) and i + 2 < len(words) else i + 1
        return _clock(words, nxt, reading, vocab, after_at=True)
    if vocab.has("after_day", word) and reading.has_day and i > 0:  # `शुक्रवार को`
        return i + 1
    for piece in (_day, _part, _clock):
        found = piece(words, i, reading, vocab)
        if found is not None:
            return found
    return read_zone(words, i, reading)


def _duration(words: list[str], vocab: Vocabulary) -> Reading | Refusal | None:
    """`in 2h`, `in 1h30`, `in 90 minutes`, `in 3 days`, `2 hours ago`."""
    reading = Reading(relative=True)
    start = vocab.phrase("in", words, 0)
    end = len(words)
    suffix = next(
        (
            size
            for size in (4, 3, 2, 1)
            if end - size > start and vocab.phrase("from_now", words, end - size) == size
        ),
        0,
    )
    if suffix:
        end -= suffix
    elif end - start >= 1 and words[-1] == "ago":
        reading.ago = True
        end -= 1
    if start and reading.ago:
        return None
    parts = words[start:end]
    if not parts:
        return None
    i = 0
    found = False
    while i < len(parts):
        word = parts[i]
        if found and vocab.has("and", word) and i + 1 < len(parts):
            i += 1
            continue
        if (match := _HOURS_MINUTES.match(word)) is not None:
            if int(match.group(2)) > 59:
                return None
            reading.minutes += int(match.group(1)) * 60 + int(match.group(2))
            found, i = True, i + 1
            continue
        if (match := _COMPACT.match(word)) is not None and match.group(2) in vocab.units:
            amount, unit, i = float(match.group(1)), vocab.units[match.group(2)], i + 1
        else:
            counted = _count(parts, i, vocab)
            if counted is None or counted[1] >= len(parts) or parts[counted[1]] not in vocab.units:
                return None
            amount, i = counted
            unit, i = vocab.units[parts[i]], i + 1
        # `an hour and a half`, `una hora y media`: read whole, never `an hour` and a text
        # starting "and a half"
        if amount == int(amount) and (size := vocab.phrase("and_a_half", parts, i)):
            amount, i = amount + 0.5, i + size
        if not _add(reading, amount, unit):
            return None
        found = True
    return reading if found else None


def _count(parts: list[str], i: int, vocab: Vocabulary) -> tuple[float, int] | None:
    """The count before a unit and the index after it: `2`, `an`, `half an` (`media`, `半`,
    `आधे`), `a half`, `2 and a half` (`1個半`), Hindi `डेढ़` (1½), `ढाई` (2½), `साढ़े 3` (3½)."""
    if size := vocab.phrase("half_of", parts, i):
        return 0.5, i + size
    if vocab.has("an", parts[i]) and (size := vocab.phrase("half_of", parts, i + 1)):
        return 0.5, i + 1 + size
    for key, value in (("one_and_a_half", 1.5), ("two_and_a_half", 2.5)):
        if vocab.has(key, parts[i]):
            return value, i + 1
    extra = 0.0
    if vocab.has("half_past", parts[i]) and i + 1 < len(parts):
        extra, i = 0.5, i + 1
    word = parts[i]
    if _NUMBER.match(word):
        value = float(word)
    elif vocab.has("an", word) and not extra:
        value = 1.0
    else:
        return None
    i += 1
    if not extra and (size := vocab.phrase("and_a_half", parts, i)):
        extra, i = 0.5, i + size
    return value + extra, i


def _add(reading: Reading, value: float, unit: str) -> bool:
    """Adds `value unit` to a duration; fractions only where they make whole minutes."""
    if value > MAX_NUMBER:
        reading.days += MAX_NUMBER  # refused later as more than a year away
        return True
    if unit in ("minute", "hour"):
        minutes = value * (60 if unit == "hour" else 1)
        if minutes != int(minutes):
            return False
        reading.minutes += int(minutes)
        return True
    if value != int(value):
        return False
    reading.days += int(value) * (7 if unit == "week" else 1)
    return True


def _day(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | Refusal | None:
    """today, tomorrow, tonight, (next) friday, or a date."""
    if reading.has_day:
        return None
    word = words[i]
    if word in vocab.today:
        reading.day_offset = 0
        return i + 1
    if word in vocab.tomorrow:
        reading.day_offset = 1
        return i + 1
    if word in vocab.yesterday:
        reading.day_offset = -1
        return i + 1
    if vocab.has("either_day", word):
        reading.day_offset, reading.either_day = 1, word
        return i + 1
    after = vocab.phrase("day_after", words, i)
    if after:
        reading.day_offset = 2
        return i + after
    if word in vocab.tonight:
        if reading.part is not None:
            return None
        reading.day_offset, reading.part = 0, "evening"
        return i + 1
    rule, opened = "this", False
    for kind in ("next", "last", "this"):
        if vocab.has(kind, word) and i + 1 < len(words) and words[i + 1] in vocab.weekdays:
            # 下週五 is Friday of next week, whatever today is; `next friday` is the next one
            rule = f"{kind}_week" if is_cjk(word) else kind
            i, opened = i + 1, True
            word = words[i]
            break
    if word in vocab.weekdays:
        # `sun`, `sat`, `wed` are words too: short forms only open a phrase or follow `on`
        if len(word) <= 4 and not opened and i > 0 and not vocab.has("on", words[i - 1]):
            return None
        reading.weekday, reading.weekday_rule = vocab.weekdays[word], rule
        # `Tue 2026-12-01`: a weekday may come with its date, which must then agree
        dated = _date(words, i + 1, reading, vocab) if i + 1 < len(words) else None
        return i + 1 if dated is None else dated
    return _date(words, i, reading, vocab)


def _date(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | Refusal | None:
    """2026-12-01, 13/05, 5 dec, dec 5th, December 5 2027, 12月5日."""
    word = words[i]
    if (match := _ISO.match(word)) is not None:
        reading.ymd = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return i + 1
    if (match := _CJK.match(word)) is not None:
        year = int(match.group(1)) if match.group(1) else None
        reading.ymd = (year, int(match.group(2)), int(match.group(3)))
        return i + 1
    if (match := _NUMERIC.match(word) or _DOTTED.match(word)) is not None:
        first, second = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
        if first <= 12 and second <= 12 and first != second:
            return Refusal(
                "ambiguous",
                "“{text}” could be read two ways. Write the date as `YYYY-MM-DD`, "
                "like `{one}` or `{other}`.",
                {
                    "text": word,
                    "one": _iso(year, second, first, reading.today),
                    "other": _iso(year, first, second, reading.today),
                },
            )
        if first > 12 and second > 12:
            return bad_date(word)
        reading.ymd = (year, second, first) if first > 12 else (year, first, second)
        return i + 1
    month: int | None = None
    day: int | None = None
    nxt = i
    if word.rstrip(".") in vocab.months:  # dec 5, December 5th
        if i + 1 < len(words) and (match := _ORDINAL.match(words[i + 1])) is not None:
            month, day, nxt = vocab.months[word.rstrip(".")], int(match.group(1)), i + 2
    elif (match := _ORDINAL.match(word)) is not None and i + 1 < len(words):  # 5 dec, 5th of dec
        follow = i + 1
        if vocab.has("of", words[follow]):
            follow += 1
        name = words[follow].rstrip(".") if follow < len(words) else ""
        if name in vocab.months:
            month, day, nxt = vocab.months[name], int(match.group(1)), follow + 1
    elif vocab.has("the", word) and i + 1 < len(words):
        return _date(words, i + 1, reading, vocab)
    if month is None or day is None:
        return None
    year = None
    if nxt + 1 < len(words) and vocab.has("of", words[nxt]) and _YEAR.match(words[nxt + 1]):
        nxt += 1  # `5 de diciembre de 2027`
    if nxt < len(words) and _YEAR.match(words[nxt]):
        year, nxt = int(words[nxt]), nxt + 1
    reading.ymd = (year, month, day)
    return nxt


def _iso(year: int | None, month: int, day: int, today: date) -> str:
    """One reading of a numeric date as `YYYY-MM-DD`, in the year it would fall in."""
    if year is None:
        year = today.year + (1 if (month, day) < (today.month, today.day) else 0)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _part(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | None:
    """morning, afternoon, evening, night, optionally after `this`."""
    word = words[i]
    if vocab.has("lead", word) and i + 2 < len(words) and vocab.has("the", words[i + 1]):
        # `por la tarde`, `a las 6 de la tarde`: a part named as a phrase, also after the time
        name = words[i + 2]
        if name not in vocab.parts or reading.part is not None:
            return None
        reading.part = vocab.parts[name]
        return i + 3
    if vocab.has("this", word) and i + 1 < len(words) and words[i + 1] in vocab.parts:
        if reading.has_day:
            return None
        reading.day_offset = 0
        i += 1
        word = words[i]
    if word not in vocab.parts or reading.part is not None or reading.clock is not None:
        return None  # after the time (`7pm evening walk`) it is the text's word
    reading.part = vocab.parts[word]
    return i + 1


def _quarter_before(words: list[str], i: int, vocab: Vocabulary) -> tuple[int, int] | None:
    """Minutes a quarter word before an hour moves it by, and its length in words: Hindi
    `साढ़े` +30, `सवा` +15, `पौने` -15; English `half past`, `quarter past`, `quarter to`."""
    for key, shift in QUARTERS_BEFORE.items():
        if size := vocab.phrase(key, words, i):
            return shift, size
    return None


AFTER_HOUR = {
    "plus_half": 30,
    "plus_quarter": 15,
    "minus_quarter": -15,
    "plus_three_quarters": 45,
    "on_the_hour": 0,
}
"""Minutes the words after an hour move it by: Spanish `y media`, `y cuarto`, `menos cuarto`,
`en punto`; Chinese `一刻`, `三刻`, `差一刻`."""


def _minutes_after_hour(words: list[str], i: int, vocab: Vocabulary) -> tuple[int, int] | None:
    """The shift typed after a bare hour and its length in words: `9 y media` (9:30), `10 menos
    cuarto` (9:45), `9 y 20` (9:20), `10 menos 10` (9:50), `9點一刻` (9:15); None without one."""
    for key, shift in AFTER_HOUR.items():
        if size := vocab.phrase(key, words, i):
            return shift, size
    if i + 1 < len(words) and re.match(r"^\d{1,2}$", words[i + 1]) and int(words[i + 1]) < 60:
        # `y 45 minutos`: the unit is part of the time, not the start of the text
        size = 3 if i + 2 < len(words) and vocab.units.get(words[i + 2]) == "minute" else 2
        if vocab.has("plus", words[i]):
            return int(words[i + 1]), size
        if vocab.has("minus", words[i]):
            return -int(words[i + 1]), size
    return None


def _clock(
    words: list[str], i: int, reading: Reading, vocab: Vocabulary, *, after_at: bool = False
) -> int | Refusal | None:
    """9am, 9 pm, 6:30pm, 18:00, `at 9`, noon."""
    if reading.clock is not None:
        return None
    word = words[i]
    if word in vocab.words.get("noon", ()):
        reading.clock = (12, 0)
        return i + 1
    ampm: str | None = None
    if (match := _AMPM.match(word)) is not None:
        hour, minute, ampm = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        nxt = i + 1
    elif (
        i + 2 < len(words)
        and words[i + 1] in ("a.", "p.", "a", "p")
        and words[i + 2] in ("m.", "m")
    ):
        # `6:30 p. m.` (how Spanish writes it, and how CLDR formats Spanish times), `6:30 p m`
        match = _HM.match(word) or re.match(r"^(\d{1,2})()$", word)
        if match is None:
            return None
        hour, minute, ampm = int(match.group(1)), int(match.group(2) or 0), words[i + 1] + "m."
        nxt = i + 3
    elif i + 1 < len(words) and (words[i + 1] in vocab.am or words[i + 1] in vocab.pm):
        match = _HM.match(word) or re.match(r"^(\d{1,2})()$", word)
        if match is None:
            return None
        hour, minute, ampm = int(match.group(1)), int(match.group(2) or 0), words[i + 1]
        nxt = i + 2
    elif (  # `साढ़े 6 बजे` 6:30, `सवा 6 बजे` 6:15, `पौने 7 बजे` 6:45, `half past 6`
        (quarter := _quarter_before(words, i, vocab)) is not None
        and i + quarter[1] < len(words)
        and re.match(r"^\d{1,2}$", words[i + quarter[1]])
        and (
            quarter[1] > 1  # the English phrases need no hour word after the number
            or (i + 2 < len(words) and vocab.has("oclock", words[i + 2]))
        )
    ):
        shift, size = quarter
        base, nxt = int(words[i + size]), i + size + 1
        if nxt < len(words) and vocab.has("oclock", words[nxt]):
            nxt += 1
        if not 1 <= base <= 12:
            return bad_time(" ".join(words[i:nxt]))
        if nxt < len(words) and (words[nxt] in vocab.am or words[nxt] in vocab.pm):
            # `quarter to 12 pm` is 11:45: the half of the day goes with the hour typed
            base, nxt = base % 12 + (12 if words[nxt] in vocab.pm else 0), nxt + 1
            if base * 60 + shift < 0:  # `quarter to 12 am`: the evening before the day named
                return bad_time(" ".join(words[i:nxt]))
            hour, minute = _shifted(base, shift)
            reading.clock, reading.bare_hour = (hour, minute), False
            return nxt
        hour, minute = _shifted(base, shift)
    elif i + 1 < len(words) and vocab.has("oclock", words[i + 1]):  # `9 點`, `9:30 बजे`
        match = _HM.match(word) or re.match(r"^(\d{1,2})()$", word)
        if match is None:
            return None
        hour, minute, nxt = int(match.group(1)), int(match.group(2) or 0), i + 2
        if nxt < len(words) and vocab.has("half", words[nxt]) and not match.group(2):
            minute, nxt = 30, nxt + 1
        elif not match.group(2) and (after := _minutes_after_hour(words, nxt, vocab)):
            hour, minute, nxt = *_shifted(hour, after[0]), nxt + after[1]
        elif (
            nxt + 1 < len(words)
            and not match.group(2)
            and re.match(r"^\d{1,2}$", words[nxt])
            and vocab.has("minute_mark", words[nxt + 1])
        ):
            minute, nxt = int(words[nxt]), nxt + 2
    elif (match := _HM.match(word)) is not None:
        hour, minute, nxt = int(match.group(1)), int(match.group(2)), i + 1
    elif _HM_ANY.match(word):
        return bad_time(word)
    elif after_at and (match := re.match(r"^(\d{1,2})(?:h(\d{2})?)?$", word)):  # `a las 16h`
        hour, minute, nxt = int(match.group(1)), int(match.group(2) or 0), i + 1
        if (after := _minutes_after_hour(words, nxt, vocab)) is not None:  # `a las 9 y media`
            if not 1 <= hour <= 12:
                return bad_time(" ".join(words[i : nxt + after[1]]))
            hour, minute, nxt = *_shifted(hour, after[0]), nxt + after[1]
    else:
        return None
    if ampm is not None:
        if not 1 <= hour <= 12 or minute > 59:
            return bad_time(" ".join(words[i:nxt]))
        is_pm = ampm in vocab.pm or ampm.startswith("p")
        hour = hour % 12 + (12 if is_pm else 0)
    elif hour > 23 or minute > 59:
        return bad_time(word)
    reading.clock = (hour, minute)
    reading.bare_hour = ampm is None
    reading.padded = word.startswith("0")
    return nxt


def _shifted(hour: int, minutes: int) -> tuple[int, int]:
    """The hour and minute `minutes` after (or before) a whole hour."""
    total = hour * 60 + minutes
    return total // 60 % 24, total % 60
