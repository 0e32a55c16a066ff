"""The few words a dialog understands in any step, per language; languages add theirs here."""

from __future__ import annotations

import unicodedata

YES = "yes"
NO = "no"
CANCEL = "cancel"
SKIP = "skip"

WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        YES: ("yes", "y", "yeah", "yep", "sure", "ok", "okay"),
        NO: ("no", "n", "nope", "not really"),
        CANCEL: ("cancel",),
        SKIP: ("skip", "pass"),
    },
}


def folded(text: str) -> str:
    """Text compared loosely: case, accents, outer spaces and end punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.strip(" .!?¡¿。！？").split())


def meaning(text: str, language: str) -> str | None:
    """Which dialog word (yes, no, cancel, skip) the text is, in its language or English."""
    typed = folded(text)
    for table in (WORDS.get(language.split("_")[0], {}), WORDS["en"]):
        for word, forms in table.items():
            if typed in forms:
                return word
    return None
