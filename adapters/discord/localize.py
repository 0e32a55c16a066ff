"""Native command descriptions on Discord: discord.py asks, per locale, and the catalogs answer.

Only descriptions are translated; command and option names stay the ASCII English ones,
because a localized name that breaks Discord's name rules makes the whole sync fail.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.i18n import Translator
from bot.core.languages import choose_language

DESCRIPTION_LIMIT = 100
TRANSLATED = frozenset(
    {
        app_commands.TranslationContextLocation.command_description,
        app_commands.TranslationContextLocation.parameter_description,
    }
)


def described(text: str, source: str) -> app_commands.locale_str:
    """A description as shown (shortened) that remembers its full English template."""
    return app_commands.locale_str(text, msgid=source)


def discord_language(locale: discord.Locale) -> str | None:
    """The shipped catalog for a Discord locale; None for English and Simplified Chinese."""
    choice = choose_language(locale.value)
    if choice is None or not choice.shipped or choice.simplified_asked or choice.code == "en":
        return None
    return choice.code


def shorten(text: str) -> str:
    """Discord's description limit, on one line."""
    text = " ".join(text.split()) or "…"
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


class CatalogTranslator(app_commands.Translator):
    """Fills `description_localizations` from the gettext catalogs."""

    def __init__(self, translator: Translator) -> None:
        self._translator = translator

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """A translated description, or None to keep the English one."""
        if context.location not in TRANSLATED:
            return None
        language = discord_language(locale)
        if language is None:
            return None
        source = str(string.extras.get("msgid", string.message))
        translated = self._translator.gettext(language, source)
        return None if translated == source else shorten(translated)
