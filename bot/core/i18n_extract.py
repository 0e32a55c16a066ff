"""Finds every user-facing English template in the source, for `pybabel extract` and the tests.

Babel's token-based extractor misses positional arguments after nested calls (a `CommandSpec`
holding `Param`s), so the call sites are read from the syntax tree instead. One table says
where templates are written; the catalog test reads the same table, so they cannot disagree.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any


@dataclass(frozen=True, slots=True)
class Site:
    """Where a call carries a template: positions and keyword names, and an optional plural."""

    positions: tuple[int, ...]
    keywords: tuple[str, ...]
    plural: bool = False


CALL_SITES: Mapping[str, Site] = {
    "t": Site((0,), ("template",)),
    "reply": Site((0,), ("template",)),
    "label": Site((0, 1), ("template", "template")),
    "say_to": Site((2,), ("template",)),
    "Option": Site((1,), ("label",)),
    "tn": Site((0, 1), ("singular", "plural"), plural=True),
    "tn_in": Site((1, 2), ("singular", "plural"), plural=True),
    "t_in": Site((1,), ("template",)),
    "t_for": Site((1,), ("template",)),
    "gettext": Site((1,), ("message",)),
    "ngettext": Site((1, 2), ("singular", "plural"), plural=True),
    "N_": Site((0,), ("message",)),
    "UserFacingError": Site((0,), ("template",)),
    "UsageError": Site((0,), ("template",)),
    "PermissionDenied": Site((0,), ("template",)),
    "WrongPlace": Site((0,), ("template",)),
    "CommandSpec": Site((1,), ("summary",)),
    "_spec": Site((1,), ("summary",)),
    "Param": Site((2,), ("description",)),
    "Button": Site((0,), ("label",)),
    "PersonLimit": Site((1,), ("sentence",)),
    "_text": Site((1,), ("template",)),
    "_text_reply": Site((1,), ("template",)),
    "Refusal": Site((1,), ("template",)),
    "_refuse": Site((0,), ("template",)),
    "dm_for_reader": Site((1,), ("template",)),
    "dm_in_reader_language": Site((3,), ("template",)),
    "say": Site((0, 1), ("template", "template")),  # a dialog's say(t, v); Voice.say(r, t, v)
    "Step": Site((1,), ("question",)),
    "WindowsRefusal": Site((0,), ("template",)),
    "_tell_mentor": Site((2,), ("template",)),
}
"""Function or method name → which arguments are English templates.

A site with several positions and no plural takes a literal from any of them: `say` and `label`
are both the actor's (`say(template)`, `ctx.label(template)`) and a reader's
(`voice.say(reader, template)`, `voice.label(reader, template)`); the other argument is never
a literal string."""

KEYWORD_SITES: Mapping[str, tuple[str, ...]] = {
    "ListTexts": ("shown", "none_yet", "cleared", "cleared_word", "none_found", "changed"),
    "PlatformInfo": ("open_dm_help", "open_dm_label"),
}
"""Constructors whose named fields are each a template (what `/skills` says, …)."""

DETAILS_KEYWORD = "details"
"""`CommandSpec(details=...)` is shown by `/help <command>`: a template too."""


@dataclass(frozen=True, slots=True)
class Found:
    """One template (or singular/plural pair) at a line, with a translator comment if any."""

    line: int
    function: str
    messages: tuple[str, ...]
    comment: str = ""


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _literals(node: ast.expr | None) -> list[str]:
    """The literal strings an argument can be: one constant, or both arms of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if position < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[position]
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    return None


def _comments(lines: Sequence[str], first: int, last: int) -> str:
    """`# Translators: …` lines just above a call, or inside it before its template."""
    found: list[str] = []
    index = first - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        index -= 1
    collecting = False
    for line in lines[index + 1 : max(last - 1, first - 1)]:
        text = line.strip()
        words = text.lstrip("#").strip()
        if not text.startswith("#"):
            collecting = False
        elif words.startswith("Translators:"):
            collecting = True
            found.append(words.removeprefix("Translators:").strip())
        elif collecting:  # a comment that goes on over several lines
            found.append(words)
    return " ".join(found)


def templates(source: str) -> Iterator[Found]:
    """Every literal template the call-site table names in one module's source."""
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        template_line = min((arg.lineno for arg in node.args), default=node.lineno)
        comment = _comments(lines, node.lineno, template_line) if name else ""
        for keyword in KEYWORD_SITES.get(name or "", ()):
            for value in _literals(_argument(node, len(node.args) + 99, keyword)):
                yield Found(node.lineno, str(name), (value,), comment)
        site = CALL_SITES.get(name or "")
        if name is None or site is None:
            continue
        values = [
            _literals(_argument(node, position, keyword))
            for position, keyword in zip(site.positions, site.keywords, strict=True)
        ]
        if site.plural:
            if len(values[0]) == 1 and len(values[1]) == 1:
                yield Found(node.lineno, name, (values[0][0], values[1][0]), comment)
        else:
            for value in (literal for found in values for literal in found):
                yield Found(node.lineno, name, (value,), comment)
        if name == "CommandSpec":
            for details in _literals(_argument(node, 7, DETAILS_KEYWORD)):
                yield Found(node.lineno, name, (details,), comment)


def extract(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: Mapping[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """Babel extraction method: `[bot.core.i18n_extract.extract: bot/**.py]` in babel.cfg."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for found in sorted(templates(source), key=lambda item: item.line):
        comments = [found.comment] if found.comment else []
        if len(found.messages) == 2:
            yield found.line, "ngettext", (found.messages[0], found.messages[1]), comments
        else:
            yield found.line, "gettext", found.messages[0], comments


def page_templates(source: str) -> Iterator[Found]:
    """Every `_()`, `gettext()` and `ngettext()` literal in a Jinja2 page template."""
    from jinja2 import Environment
    from jinja2.ext import extract_from_ast

    tree = Environment(extensions=["jinja2.ext.i18n"], autoescape=True).parse(source)
    for line, function, message in extract_from_ast(tree, ("_", "gettext", "ngettext")):
        texts = message if isinstance(message, tuple) else (message,)
        literals = tuple(text for text in texts if isinstance(text, str) and text)
        if function == "ngettext" and len(literals) == 2:
            yield Found(line, function, literals)
        elif function != "ngettext" and literals:
            yield Found(line, function, literals[:1])


def extract_pages(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: Mapping[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """Babel extraction method for the dashboard's templates (`bot/web/**.html`)."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for found in page_templates(source):
        if len(found.messages) == 2:
            yield found.line, "ngettext", (found.messages[0], found.messages[1]), []
        else:
            yield found.line, "gettext", found.messages[0], []
