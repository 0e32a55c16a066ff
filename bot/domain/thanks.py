"""Whether a resolve note carries an answer or only thanks ("Thanks, that worked!")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

MIN_ANSWER_WORDS = 3
"""A note needs this many words besides thanks and praise to count as an answer."""

_GAP = re.compile(r"[\s,.!?;:…()\[\]\"“”/]+")
_THANKS_TEXT = """
    thanks thank thx thnx thanx ty tysm tyvm cheers kudos ta merci gracias danke obrigado
    grazie 谢谢 謝謝 感谢 感謝 多谢 多謝 धन्यवाद शुक्रिया
    you u ya so very much a lot lots many million ton tons heaps bunch big huge
    for the your yours help helping helped that it this these those all everything
    worked works work working did does do trick was is it's that's really truly again
    great perfect awesome amazing brilliant excellent wonderful fantastic nice cool good
    super sweet lovely legend hero star best life saver lifesaver life-saver
    appreciated appreciate appreciate it i i'm im we me my us our
    solved fixed sorted done yes yay yeah wow oh ok okay now finally
    mate friend buddy dear everyone guys folks you're youre are
"""
THANKS_WORDS = frozenset(_THANKS_TEXT.split())


def is_only_thanks(note: str, helper_name: str = "") -> bool:
    """True when the note says thanks but not what solved it (empty counts as thanks).

    Thank-you and praise words and the helper's name are set aside; fewer than
    `MIN_ANSWER_WORDS` other words left means there is no answer to save.
    """
    names = set(_words(helper_name))
    content = [word for word in _words(note) if word not in THANKS_WORDS | names]
    return len(content) < MIN_ANSWER_WORDS


def _words(text: str) -> Iterator[str]:
    """Casefolded words: letters (with their marks), digits, inner apostrophes; no emoji."""
    for raw in _GAP.split(text.casefold()):
        kept = "".join(c for c in raw if unicodedata.category(c)[0] in "LMN" or c in "'’-")
        word = kept.strip("'’-")
        if word:
            yield word
