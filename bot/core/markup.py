"""One small neutral markup: trusted templates with bold/code, user values as plain spans.

Templates are developer-written (and translatable): `**bold**`, `` `code` `` and `{name}`
placeholders. Values filled into placeholders are never parsed, so user text can't inject
markup; adapters escape every span for their platform.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum


class Style(StrEnum):
    """How a span is shown."""

    PLAIN = "plain"
    BOLD = "bold"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class Mention:
    """A deliberate ping of one account, made by the core, never from user text."""

    platform: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style; `mention` or `url` make it a ping or a link."""

    text: str
    style: Style = Style.PLAIN
    mention: Mention | None = None
    url: str | None = None


RichText = tuple[Span, ...]
Fill = Callable[[str, Mapping[str, object] | None], RichText]
"""Translates a template and fills it (`ctx.t`, or a job's own for a community)."""

_TOKEN = re.compile(r"(\*\*|`|\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\})")


def fmt(template: str, values: Mapping[str, object] | None = None) -> RichText:
    """Parses a trusted template and fills its placeholders with untrusted values."""
    values = values or {}
    spans: list[Span] = []
    style = Style.PLAIN
    for piece in _TOKEN.split(template):
        if not piece:
            continue
        if piece == "**":
            style = Style.PLAIN if style is Style.BOLD else Style.BOLD
        elif piece == "`":
            style = Style.PLAIN if style is Style.CODE else Style.CODE
        elif piece in ("{{", "}}"):
            spans.append(Span(piece[0], style))
        elif piece.startswith("{") and piece.endswith("}"):
            spans.extend(_value_spans(values[piece[1:-1]], style))
        else:
            spans.append(Span(piece, style))
    return _merge(spans)


def _value_spans(value: object, style: Style) -> Iterable[Span]:
    if isinstance(value, Span):
        return (value if style is Style.PLAIN else replace(value, style=style),)
    if isinstance(value, tuple) and all(isinstance(v, Span) for v in value):
        return value
    return (Span(str(value), style),)


def _merge(spans: list[Span]) -> RichText:
    merged: list[Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.style is span.style
            and last.mention is None
            and span.mention is None
            and last.url is None
            and span.url is None
        ):
            merged[-1] = Span(last.text + span.text, span.style)
        else:
            merged.append(span)
    return tuple(merged)


def plain(text: RichText) -> str:
    """The text without any styling, as a console or a log would show it."""
    return "".join(span.text for span in text)


def join(parts: Iterable[RichText], separator: str = "\n") -> RichText:
    """Joins rich texts with a plain separator."""
    out: list[Span] = []
    for index, part in enumerate(parts):
        if index:
            out.append(Span(separator))
        out.extend(part)
    return _merge(out)


def lines(text: RichText) -> list[RichText]:
    """Splits rich text at newlines, keeping each span's style."""
    result: list[list[Span]] = [[]]
    for span in text:
        pieces = span.text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                result.append([])
            if piece:
                result[-1].append(replace(span, text=piece))
    return [tuple(line) for line in result]


Measure = Callable[[RichText], int]
"""Rendered length of a rich text on one platform (escaping makes it longer)."""


def chunk(text: RichText, limit: int, measure: Measure = lambda t: len(plain(t))) -> list[RichText]:
    """Packs whole lines into pieces whose rendered size stays within `limit`.

    A single line longer than the limit is cut inside its spans; nothing is dropped.
    """
    split = lines(text)
    whole = join(split)
    if measure(whole) <= limit:  # most messages: one piece, measured once
        return [whole] if plain(whole).strip() else [()]
    pieces: list[RichText] = []
    current: list[RichText] = []
    for line in split:
        for part in _cut_line(line, limit, measure):
            if current and measure(join([*current, part])) > limit:
                pieces.append(join(current))
                current = [part]
            else:
                current.append(part)
    if current:
        pieces.append(join(current))
    return [piece for piece in pieces if plain(piece).strip()] or [()]


def _cut_line(line: RichText, limit: int, measure: Measure) -> list[RichText]:
    if measure(line) <= limit:
        return [line]
    parts: list[RichText] = []
    current: list[Span] = []
    for span in line:
        remaining = span.text
        while remaining:
            low, high = 0, len(remaining)
            while low < high:  # the longest prefix that still fits beside `current`
                middle = (low + high + 1) // 2
                if measure((*current, replace(span, text=remaining[:middle]))) <= limit:
                    low = middle
                else:
                    high = middle - 1
            if low == 0 and current:
                parts.append(tuple(current))
                current = []
                continue
            size = max(low, 1)
            current.append(replace(span, text=remaining[:size]))
            remaining = remaining[size:]
            if remaining:
                parts.append(tuple(current))
                current = []
    if current:
        parts.append(tuple(current))
    return parts
