"""The translation seam: gettext catalogs through Babel, English when none is shipped."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "mentorbot"


def normalize_language(code: str) -> str | None:
    """Returns the canonical form (`pt_BR`) of a language code, or None if unknown."""
    cleaned = code.strip().replace("-", "_")
    if not cleaned or len(cleaned) > 16:
        return None
    try:
        locale = Locale.parse(cleaned)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return str(locale)


def is_known_language(code: str) -> bool:
    """Whether Babel knows this language code."""
    return normalize_language(code) is not None


def language_name(code: str) -> str:
    """The language's own name for itself, for confirmations like "Deutsch"."""
    try:
        return str(Locale.parse(code).get_display_name(code) or code)
    except (UnknownLocaleError, ValueError, TypeError):
        return code


class Translator:
    """Looks up a message in the reader's language, falling back to the English source."""

    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self._dir = locales_dir

    @lru_cache(maxsize=64)  # noqa: B019 - one Translator lives for the whole process
    def _catalog(self, language: str) -> NullTranslations:
        return Translations.load(str(self._dir), [language], DOMAIN)

    def gettext(self, language: str, message: str) -> str:
        """The translated template, or the English template itself."""
        return str(self._catalog(language).gettext(message))

    def ngettext(self, language: str, singular: str, plural: str, count: int) -> str:
        """The template for `count` in the reader's language (its own plural rules)."""
        return str(self._catalog(language).ngettext(singular, plural, count))

    def has_catalog(self, language: str) -> bool:
        """Whether bot text is actually translated into this language."""
        return language.split("_")[0] == "en" or isinstance(self._catalog(language), Translations)
