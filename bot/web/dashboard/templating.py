"""Jinja2 page templates in the reader's language, autoescaped.

`jinja2.ext.i18n` is loaded and its `_`, `gettext` and `ngettext` are the bot's own catalogs
for one language (one environment per language). Placeholders are the bot's `{name}` form,
filled after translation and escaped: `{{ _("Tip #{number}", number=tip.id) }}`, so page
text and chat text share one catalog and one placeholder check.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from bot.core.i18n import Translator
from bot.core.languages import platform_language

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _fill(template: str, values: Mapping[str, object]) -> Markup:
    """The translated template with each `{name}` replaced by its escaped value."""
    text = str(escape(template))
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(escape(value)))
    return Markup(text)  # noqa: S704 - every piece above was escaped


class Templates:
    """Renders a page template for one language."""

    def __init__(self, translator: Translator, directory: Path = TEMPLATES_DIR) -> None:
        self._translator = translator
        self._directory = directory

    @lru_cache(maxsize=16)  # noqa: B019 - one Templates lives as long as the web app
    def environment(self, language: str) -> Environment:
        """The environment whose gettext speaks `language` (built once per language)."""
        environment = Environment(
            loader=FileSystemLoader(self._directory),
            autoescape=select_autoescape(("html", "svg"), default=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        translator = self._translator

        def gettext(message: str, **values: object) -> Markup:
            return _fill(translator.gettext(language, message), values)

        def ngettext(singular: str, plural: str, count: int, **values: object) -> Markup:
            template = translator.ngettext(language, singular, plural, count)
            return _fill(template, {"count": count, **values})

        environment.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
        return environment

    def render(self, language: str, name: str, values: Mapping[str, Any]) -> str:
        """The page's HTML."""
        return self.environment(language).get_template(name).render(values)

    def gettext(self, language: str, message: str) -> str:
        """One message in `language`, for text built in Python (nav labels, activity)."""
        return self._translator.gettext(language, message)


def browser_language(header: str) -> str | None:
    """The first shipped language in an `Accept-Language` header, by the browser's order."""
    tags = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, weight = part.strip().partition(";q=")
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            continue
        tags.append((-quality, position, tag.strip()))
    for _, _, tag in sorted(tags):
        language = platform_language(tag) if tag and tag != "*" else None
        if language is not None:
            return language
    return None
