"""The translation seam: gettext catalogs through Babel, English when none is shipped.

Catalogs ship as `.po` text only; each is compiled in memory the first time a language is
read, so a fresh clone (or an install that never ran `make i18n`) speaks every language.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from bot.core.languages import language_base

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "mentorbot"


def N_(message: str) -> str:
    """Marks a module-level template for extraction; it is translated where it is shown."""
    return message


def catalog_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """Where the `.po` of a language lives."""
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


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
        path = catalog_path(language_base(language), self._dir)
        if not path.is_file():
            return NullTranslations()
        with path.open("rb") as source:
            catalog = read_po(source, locale=language_base(language), domain=DOMAIN)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)  # untranslated and fuzzy entries stay English
        compiled.seek(0)
        return Translations(compiled, domain=DOMAIN)

    def gettext(self, language: str, message: str) -> str:
        """The translated template, or the English template itself."""
        return str(self._catalog(language).gettext(message))

    def ngettext(self, language: str, singular: str, plural: str, count: int) -> str:
        """The template for `count` in the reader's language (its own plural rules)."""
        return str(self._catalog(language).ngettext(singular, plural, count))

    def has_catalog(self, language: str) -> bool:
        """Whether bot text is actually translated into this language."""
        base = language_base(language)
        return base == "en" or catalog_path(base, self._dir).is_file()
