"""The neutral markup: templates are parsed, values never are; chunking loses nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.markup import Mention, Span, Style, chunk, fmt, lines, plain


def test_template_styles_and_placeholders() -> None:
    text = fmt("**Hi** {name}, use `/skills`", {"name": "Ann"})
    assert text == (
        Span("Hi", Style.BOLD),
        Span(" Ann, use "),
        Span("/skills", Style.CODE),
    )


def test_values_are_never_parsed_as_markup() -> None:
    hostile = "**<b>bold</b> & {name} `x` @everyone"
    text = fmt("Hello {value}!", {"value": hostile})
    assert plain(text) == f"Hello {hostile}!"
    assert all(span.style is Style.PLAIN and span.mention is None for span in text)


def test_value_inside_bold_takes_the_style_and_mentions_stay_spans() -> None:
    mention = Span("Bob", mention=Mention("telegram", "42"))
    text = fmt("**{who}** said {m}", {"who": "Ann", "m": mention})
    assert text[0] == Span("Ann", Style.BOLD)
    assert text[-1] == mention


def test_escaped_braces() -> None:
    assert plain(fmt("{{literal}} {x}", {"x": 1})) == "{literal} 1"


def test_lines_keep_styles() -> None:
    parts = lines(fmt("**a\nb** c"))
    assert parts == [(Span("a", Style.BOLD),), (Span("b", Style.BOLD), Span(" c"))]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(min_size=0, max_size=300), min_size=1, max_size=30),
    st.integers(min_value=20, max_value=400),
)
def test_chunk_respects_limit_and_loses_nothing(paragraphs: list[str], limit: int) -> None:
    source = "\n".join(paragraphs)
    text = fmt("{body}", {"body": source})
    pieces = chunk(text, limit)
    assert all(len(plain(piece)) <= limit for piece in pieces)
    joined = "".join(plain(piece) for piece in pieces)
    # Whitespace-only pieces are dropped (platforms refuse them); all other text stays in order.
    assert "".join(joined.split()) == "".join(source.split())


def test_chunk_with_escaping_measure() -> None:
    def html_measure(text: tuple[Span, ...]) -> int:
        return sum(len(s.text.replace("&", "&amp;").replace("<", "&lt;")) for s in text)

    text = fmt("{v}", {"v": "<&" * 3000})
    pieces = chunk(text, 4096, html_measure)
    assert len(pieces) == 7  # 27,000 rendered characters in 4,096-character pieces
    assert all(html_measure(piece) <= 4096 for piece in pieces)
    assert "".join(plain(piece) for piece in pieces) == "<&" * 3000
