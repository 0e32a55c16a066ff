"""`/language` and `/settings language`: read what people type, and confirm in whole sentences."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import language_name
from bot.core.languages import SHIPPED, LanguageChoice, choose_language


def shipped_list() -> str:
    """The shipped languages as people read them: `en (English), es (español), …`."""
    return ", ".join(f"{code} ({language_name(code)})" for code in SHIPPED)


def choose_or_refuse(text: str, example: str) -> LanguageChoice:
    """The language `text` means, or a UsageError listing the shipped ones."""
    choice = choose_language(text)
    if choice is None:
        raise UsageError(
            # Translators: {shipped} is a list like "en (English), es (español)".
            "I don't know the language “{text}”. I speak {shipped}. A name like Spanish or a "
            "tag like zh-TW works too.",
            {"text": text, "shipped": shipped_list()},
            example,
        )
    return choice


def confirm_person(ctx: Ctx, choice: LanguageChoice) -> None:
    """Tells someone their language is set, in that language, saying what it means for them."""
    values = {"language": language_name(choice.code)}
    if choice.simplified_asked:
        ctx.reply(
            "Your language is now **{language}**. Simplified Chinese isn't available yet, so "
            "I'll write in Traditional Chinese.",
            values,
        )
    elif not ctx.translator.has_catalog(choice.code):
        ctx.reply(
            "Your language is now **{language}**. I'll write in English until a translation "
            "into it is available.",
            values,
        )
    else:
        ctx.reply("Your language is now **{language}**.", values)


def confirm_community(ctx: Ctx, choice: LanguageChoice) -> None:
    """Tells the group its language is set, in that language (group posts use it)."""
    values = {"language": language_name(choice.code)}
    if choice.simplified_asked:
        ctx.reply(
            "This community's language is now **{language}**. Simplified Chinese isn't "
            "available yet, so I'll write in Traditional Chinese.",
            values,
        )
    elif not ctx.translator.has_catalog(choice.code):
        ctx.reply(
            "This community's language is now **{language}**. I'll write in English until a "
            "translation into it is available.",
            values,
        )
    else:
        ctx.reply("This community's language is now **{language}**.", values)
