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
    "es": {
        YES: ("sí", "si", "claro", "vale", "dale", "de acuerdo"),
        NO: ("no", "nop", "para nada"),
        CANCEL: ("cancelar", "cancela"),
        SKIP: ("saltar", "omitir", "salta", "omite", "paso"),
    },
    "zh": {
        YES: ("是", "好", "對", "对", "是的", "好的", "對的", "可以", "嗯"),
        NO: ("不", "否", "不是", "不要", "不用", "沒有", "没有"),
        CANCEL: ("取消",),
        SKIP: ("跳過", "跳过", "略過", "略过"),
    },
    "hi": {
        YES: ("हाँ", "हां", "हा", "जी", "जी हाँ", "जी हां", "ठीक है"),
        NO: ("नहीं", "नही", "ना", "जी नहीं"),
        CANCEL: ("रद्द करें", "रद्द", "रद्द करो", "रद्द कर दें"),
        SKIP: ("छोड़ें", "छोड़ो", "छोड़ दें", "आगे बढ़ें"),
    },
}


def folded(text: str) -> str:
    """Text compared loosely: case, accents, outer spaces and end punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.strip(" .!?¡¿。！？，,।").split())


def meaning(text: str, language: str) -> str | None:
    """Which dialog word (yes, no, cancel, skip) the text is, in its language or English."""
    typed = folded(text)
    for table in (_FOLDED.get(language.split("_")[0], {}), _FOLDED["en"]):
        for word, forms in table.items():
            if typed in forms:
                return word
    return None


_FOLDED = {
    language: {word: frozenset(folded(form) for form in forms) for word, forms in table.items()}
    for language, table in WORDS.items()
}
