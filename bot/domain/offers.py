"""“How can I help?” in every shipped language: a member offering help, in plain text."""

from __future__ import annotations

import re
import unicodedata

_PUNCTUATION = re.compile(r"[\s?？!！.。…¿¡,，、।॥]+")

OFFERS = {
    "es": (
        "cómo puedo ayudar",
        "en qué puedo ayudar",
        "puedo ayudar",
        "puedo ayudar en algo",
        "quién necesita ayuda",
        "alguien necesita ayuda",
    ),
    "zh_Hant": (
        "我可以怎麼幫忙",
        "我能怎麼幫忙",
        "我可以幫什麼忙",
        "我能幫什麼忙",
        "我能幫上什麼忙",
        "有什麼我可以幫忙的嗎",
        "有什麼我能幫忙的嗎",
        "需要我幫忙嗎",
        "我可以幫忙嗎",
        "我可以怎么帮忙",  # Simplified, as some in Taiwan's groups type it
        "我能帮什么忙",
        "有什么我可以帮忙的吗",
        "有人需要幫忙嗎",
        "誰需要幫忙",
    ),
    "hi": (
        "मैं कैसे मदद कर सकता हूँ",
        "मैं कैसे मदद कर सकती हूँ",
        "मैं क्या मदद कर सकता हूँ",
        "मैं क्या मदद कर सकती हूँ",
        "किसे मदद चाहिए",
        "क्या किसी को मदद चाहिए",
    ),
}
"""Offers people type, beside the English ones the mentoring feature reads itself."""


def _plain(text: str) -> str:
    """Case, accents (Latin only), punctuation and spaces set aside; ँ and ं read the same."""
    text = unicodedata.normalize("NFC", text.casefold()).replace("ँ", "ं")
    decomposed = unicodedata.normalize("NFD", text)
    latin = "".join(
        char
        for char in decomposed
        if not (unicodedata.combining(char) and char in "\u0300\u0301\u0303\u0308")
    )
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", latin)).strip().replace(" ", "")


_KNOWN = frozenset(_plain(phrase) for phrases in OFFERS.values() for phrase in phrases)


def is_offer(text: str) -> bool:
    """Whether text is one of the shipped languages' “how can I help?” (any case or punctuation)."""
    return len(text) <= 80 and _plain(text) in _KNOWN
