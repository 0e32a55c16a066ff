"""What language someone means: a shipped code, a language name or a tag, or a platform's hint."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

SHIPPED = ("en", "es", "zh_Hant", "hi")
"""Languages with a catalog, in the order people are shown them."""

_NAMES = {
    "en": ("english", "inglés", "英文", "英語", "अंग्रेज़ी", "अंग्रेजी"),
    "es": ("spanish", "español", "espanol", "castellano", "西班牙文", "西班牙語", "स्पेनिश"),
    "zh_Hant": (
        "chinese",
        "traditional chinese",
        "chino",
        "chino tradicional",
        "中文",
        "繁體中文",
        "正體中文",
        "國語",
        "華語",
        "चीनी",
    ),
    "hi": ("hindi", "हिन्दी", "हिंदी", "हिन्दी भाषा"),
}
"""Names people type for the shipped languages, in English and in each shipped language."""

_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$")


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    """The code to store, and what to tell the person about it."""

    code: str
    shipped: bool
    simplified_asked: bool = False
    """Chinese without saying Traditional: zh_Hant is set; Simplified is not shipped."""


def _tag_parts(text: str) -> str:
    """`zh-hant-tw` → `zh_Hant_TW`, the casing Babel parses."""
    parts = re.split(r"[-_]", text)
    fixed = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            fixed.append(part.title())
        else:
            fixed.append(part.upper())
    return "_".join(fixed)


def _from_locale(locale: Locale) -> LanguageChoice:
    if locale.language == "zh":
        traditional = locale.script == "Hant" or locale.territory in ("TW", "HK", "MO")
        return LanguageChoice("zh_Hant", shipped=True, simplified_asked=not traditional)
    if locale.language in SHIPPED:
        return LanguageChoice(locale.language, shipped=True)
    return LanguageChoice(str(locale), shipped=False)


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    """Lower-case English language names → codes, from Babel's CLDR data (`portuguese` → pt)."""
    return {str(name).lower(): code for code, name in Locale("en").languages.items()}


@lru_cache(maxsize=1024)
def choose_language(text: str) -> LanguageChoice | None:
    """Reads `/language …`: a code, a name in English or natively, or a tag; None if unknown.

    Cached: every Discord interaction's locale and every stored code passes through here, and
    Babel's parse was 3% of a `/checkin`; the answer depends on the text alone.
    """
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned or len(cleaned) > 40:
        return None
    for code, names in _NAMES.items():
        if cleaned in names or cleaned == code.lower():
            return LanguageChoice(code, shipped=True)
    if _TAG.match(cleaned):
        try:
            return _from_locale(Locale.parse(_tag_parts(cleaned)))
        except (UnknownLocaleError, ValueError, TypeError):
            pass
    named = _english_names().get(cleaned)
    if named is not None and "_" not in named:
        try:
            return _from_locale(Locale.parse(named))
        except (UnknownLocaleError, ValueError, TypeError):
            return None
    return None


def platform_language(hint: str | None) -> str | None:
    """A platform's language hint (Telegram `language_code`, Discord locale) as a shipped code.

    Only shipped languages count: a hint of a language without a catalog would give the
    person English where the community's language may serve them better.
    """
    if not hint:
        return None
    choice = choose_language(hint)
    if choice is None or not choice.shipped:
        return None
    return choice.code


def language_base(code: str) -> str:
    """The catalog a stored code reads from: `es_419` → es, `zh_Hant_TW` → zh_Hant."""
    choice = choose_language(code)
    if choice is not None and choice.shipped:
        return choice.code
    return code
