"""`/skills` and `/interests`: show, replace or clear a list, and offer the other reading."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.events import Button
from bot.core.i18n import N_
from bot.core.markup import plain
from bot.core.numbers import read_number
from bot.domain.lists import AND, WORDS, candidate_keys, is_clear, other_reading, read_list
from storage.models import TopicKind
from storage.topics_repo import TopicsRepository

OTHER_READING = "topics-other"
LIST_INPUT = 4000  # long enough that a list of 200 topics is refused by its count, not length
LIST_PARAM = N_("Topics separated by commas, semicolons, new lines or #hashtags")
_KIND_CODES = {TopicKind.SKILL: "s", TopicKind.INTEREST: "i"}
_JOINER_CODES = {WORDS: "w", AND: "a"}
_DIGEST_LENGTH = 12
_LABEL_LIMIT = 60


@dataclass(frozen=True, slots=True)
class ListTexts:
    """What `/skills` or `/interests` says, as whole sentences (the kind is never glued in)."""

    example: str
    shown: str
    none_yet: str
    cleared: str
    cleared_word: str
    none_found: str
    changed: str


LIST_TEXTS = {
    TopicKind.SKILL: ListTexts(
        example="/skills pricing, design, excel",
        shown="Your skills: {topics}",
        none_yet="You have no skills yet. Example: `/skills pricing, design`",
        cleared="Your skills list is now empty.",
        cleared_word="Your skills list is now empty: “{word}” clears it, like `/skills clear`.",
        none_found="I found no skills in that. Separate topics with commas.",
        changed="Your skills have changed since that button was made, so it no longer applies. "
        "Send /skills with the list you want.",
    ),
    TopicKind.INTEREST: ListTexts(
        example="/interests marketing, taxes",
        shown="Your interests: {topics}",
        none_yet="You have no interests yet. Example: `/interests marketing, taxes`",
        cleared="Your interests list is now empty.",
        cleared_word="Your interests list is now empty: “{word}” clears it, "
        "like `/interests clear`.",
        none_found="I found no interests in that. Separate topics with commas.",
        changed="Your interests have changed since that button was made, so it no longer "
        "applies. Send /interests with the list you want.",
    ),
}


LIST_DETAILS = {
    "skills": N_(
        "Separate topics with commas, semicolons, new lines or #hashtags: up to 20 topics of up "
        "to 40 characters each. Words with no separator: three or more become separate topics, "
        "two stay one topic (unless each is already a topic here), and a button offers the "
        "other reading. /skills clear (or off, or none) empties the list."
    ),
    "interests": N_(
        "Separate topics with commas, semicolons, new lines or #hashtags: up to 20 topics of up "
        "to 40 characters each. Words with no separator: three or more become separate topics, "
        "two stay one topic (unless each is already a topic here), and a button offers the "
        "other reading. /interests clear (or off, or none) empties the list."
    ),
}
"""The `/help <command>` text, whole per command (a test checks the numbers against the limits)."""


def list_details(command: str) -> str:
    """The `/help <command>` text: how to separate, the limits, how to clear."""
    return LIST_DETAILS[command]


async def show_or_replace(ctx: Ctx, given: str | int | None, kind: TopicKind) -> None:
    """Shows the list, clears it, or replaces it with the best reading of what was typed."""
    says = LIST_TEXTS[kind]
    if given is None:
        current = await ctx.repo.topics(ctx.person.id, kind)
        if not current:
            ctx.reply(says.none_yet)
            return
        ctx.reply(says.shown, {"topics": ", ".join(topic.label for topic in current)})
        return
    text = str(given).strip()
    if is_clear(text):
        await ctx.repo.replace_topics(ctx.person.id, kind, [])
        cleared = says.cleared if text.casefold() == "clear" else says.cleared_word
        ctx.reply(cleared, {"word": text})
        return
    reading = read_list(text, says.example, await known_topics(ctx, kind, text))
    if not reading.topics:
        raise UsageError(says.none_found, example=says.example)
    await _save(ctx, kind, reading.topics, reading.other, reading.joiner)


async def other_reading_pressed(ctx: Ctx, payload: str) -> None:
    """Replaces the list with the other reading; only its owner's press counts."""
    parsed = parse_reading_payload(payload)
    if parsed is None:
        raise UsageError("That button no longer works. Send /help to start again.")
    person_id, kind, joiner, digest = parsed
    if person_id != ctx.person.id:
        raise PermissionDenied("That button belongs to someone else.")
    says = LIST_TEXTS[kind]
    current = await ctx.repo.topics(ctx.person.id, kind)
    if not current or keys_digest([topic.key for topic in current]) != digest:
        raise UsageError(says.changed)
    replacement = other_reading([topic.label for topic in current], joiner, says.example)
    try:  # the way back, as a press would rebuild it (a known phrase splits into words)
        back: list[tuple[str, str]] | None = other_reading(
            [label for _, label in replacement], joiner, says.example
        )
    except UsageError:
        back = None
    if back is not None and [key for key, _ in back] == [key for key, _ in replacement]:
        back = None
    await _save(ctx, kind, replacement, back, joiner)


async def known_topics(ctx: Ctx, kind: TopicKind, text: str) -> set[str]:
    """Topic keys of `text` already used where the person is (not in the list it replaces)."""
    keys = candidate_keys(text)
    if not keys:
        return set()
    repo = TopicsRepository(ctx.repo.session)
    if ctx.community is not None:
        communities = [ctx.community.id]
    else:
        communities = await repo.community_ids_of(ctx.person.id)
    return await repo.known_keys(ctx.person.id, kind, communities, keys)


async def _save(
    ctx: Ctx,
    kind: TopicKind,
    topics: list[tuple[str, str]],
    other: list[tuple[str, str]] | None,
    joiner: str,
) -> None:
    """Saves one reading and lists it; a button offers the other reading, if there is one."""
    await ctx.repo.replace_topics(ctx.person.id, kind, topics)
    buttons: tuple[tuple[Button, ...], ...] = ()
    if other is not None:
        payload = reading_payload(ctx.person.id, kind, joiner, [key for key, _ in topics])
        buttons = ((Button(other_label(ctx, other), OTHER_READING, payload),),)
    ctx.reply(
        LIST_TEXTS[kind].shown,
        {"topics": ", ".join(label for _, label in topics)},
        buttons=buttons,
    )


def other_label(ctx: Ctx, other: list[tuple[str, str]]) -> str:
    """The button's label: the other reading, shortened to fit every platform."""
    labels = [label for _, label in other]
    if len(labels) == 1:
        text = plain(ctx.t("Save as one topic: {topic}", {"topic": labels[0]}))
    else:
        text = plain(ctx.t("Save as separate topics: {topics}", {"topics": ", ".join(labels)}))
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 1] + "…"


def keys_digest(keys: Sequence[str]) -> str:
    """A short fingerprint of a saved list, so a button made for another list does nothing."""
    joined = "\n".join(keys).encode()
    return hashlib.sha256(joined).hexdigest()[:_DIGEST_LENGTH]


def reading_payload(person_id: int, kind: TopicKind, joiner: str, keys: Sequence[str]) -> str:
    """Everything the button needs, in well under 64 bytes: owner, list, how to rebuild."""
    return ".".join([str(person_id), _KIND_CODES[kind], _JOINER_CODES[joiner], keys_digest(keys)])


def parse_reading_payload(payload: str) -> tuple[int, TopicKind, str, str] | None:
    """The owner, the list kind, the joiner and the digest; None for a forged or old payload."""
    parts = payload.split(".")
    if len(parts) != 4:
        return None
    person_id = read_number(parts[0])
    kinds = {code: kind for kind, code in _KIND_CODES.items()}
    joiners = {code: joiner for joiner, code in _JOINER_CODES.items()}
    if person_id is None or parts[1] not in kinds or parts[2] not in joiners:
        return None
    return person_id, kinds[parts[1]], joiners[parts[2]], parts[3]
