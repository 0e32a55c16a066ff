"""Lists as people type them: separators, hashtags, one best reading and a button for the other."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import Core
from bot.config import Settings
from bot.core.errors import UsageError
from bot.core.events import Address, ButtonPress, ChatKind, Sender
from bot.core.markup import fmt, plain
from bot.domain.lists import candidate_keys, is_clear, other_reading, read_list
from bot.features.topic_lists import OTHER_READING, parse_reading_payload
from storage.models import PersonTopic
from tests.harness import ChatDriver, FakeClock, standalone_registry

EXAMPLE = "/skills pricing, design"

# (typed, topics already used here, saved topics, the other reading offered or None)
TABLE: list[tuple[str, set[str], list[str], list[str] | None]] = [
    ("pricing", set(), ["pricing"], None),
    ("pricing, design", set(), ["pricing", "design"], None),
    ("pricing,design,marketing", set(), ["pricing", "design", "marketing"], None),
    ("pricing; design", set(), ["pricing", "design"], None),
    ("pricing;design;;seo", set(), ["pricing", "design", "seo"], None),
    ("pricing\ndesign\nseo", set(), ["pricing", "design", "seo"], None),
    ("pricing\r\ndesign", set(), ["pricing", "design"], None),
    ("#pricing #design", set(), ["pricing", "design"], None),
    ("#pricing#design", set(), ["pricing#design"], None),
    ("#pricing, #design", set(), ["pricing", "design"], None),
    ("##pricing ##design", set(), ["pricing", "design"], None),
    ("#web design #seo", set(), ["web design", "seo"], None),
    ("design #pricing", set(), ["design", "pricing"], None),
    ("pricing，design，seo", set(), ["pricing", "design", "seo"], None),
    ("定价、设计、营销", set(), ["定价", "设计", "营销"], None),
    ("pricing；design", set(), ["pricing", "design"], None),
    ("التسعير، التصميم", set(), ["التسعير", "التصميم"], None),
    ("  Pricing ,  design  ", set(), ["Pricing", "design"], None),
    ("Pricing, pricing, PRICING", set(), ["Pricing"], None),
    ("Café, cafe", set(), ["Café"], None),
    ("design, , ,seo,,", set(), ["design", "seo"], None),
    ("pricing, design.", set(), ["pricing", "design"], None),
    ("C#, F#", set(), ["C#", "F#"], None),
    ("Node.js, UI/UX", set(), ["Node.js", "UI/UX"], None),
    ("R&D, Q&A", set(), ["R&D", "Q&A"], None),
    ("web   design", set(), ["web design"], ["web", "design"]),
    ("web design, social media", set(), ["web design", "social media"], None),
    ("web design", set(), ["web design"], ["web", "design"]),
    ("social media", set(), ["social media"], ["social", "media"]),
    ("pricing design", set(), ["pricing design"], ["pricing", "design"]),
    ("pricing design", {"pricing", "design"}, ["pricing", "design"], ["pricing design"]),
    (
        "pricing design marketing",
        set(),
        ["pricing", "design", "marketing"],
        ["pricing design marketing"],
    ),
    (
        "Pricing Design Marketing",
        set(),
        ["Pricing", "Design", "Marketing"],
        ["Pricing Design Marketing"],
    ),
    (
        "#pricing design marketing",
        set(),
        ["pricing", "design", "marketing"],
        ["pricing design marketing"],
    ),
    (
        "social media marketing",
        {"social media"},
        ["social media", "marketing"],
        ["social media marketing"],
    ),
    (
        "social media marketing",
        {"social media marketing"},
        ["social media marketing"],
        ["social", "media", "marketing"],
    ),
    ("web design", {"web design"}, ["web design"], ["web", "design"]),
    ("pricing and design", set(), ["pricing", "design"], ["pricing and design"]),
    ("pricing and web design", set(), ["pricing", "web design"], ["pricing and web design"]),
    (
        "research and development",
        {"research and development"},
        ["research and development"],
        ["research", "development"],
    ),
    ("R & D", set(), ["R & D"], None),
    ("<b>design</b> & more", set(), ["<b>design</b> & more"], None),
    ("UI / UX design", set(), ["UI / UX design"], ["UI / UX", "design"]),
    ("design design pricing", set(), ["design", "pricing"], None),
    ("excel 😀", set(), ["excel 😀"], None),  # a symbol binds to its word
    ("a b c d e f g h i j k l m n o p q r s t u", set(), [], None),  # 21 words: refused
]


@pytest.mark.parametrize(("typed", "known", "saved", "other"), TABLE)
def test_lists_as_people_type_them(
    typed: str, known: set[str], saved: list[str], other: list[str] | None
) -> None:
    if not saved:
        with pytest.raises(UsageError) as caught:
            read_list(typed, EXAMPLE, known)
        assert "the limit is 20" in plain(fmt(caught.value.template, caught.value.values))
        return
    reading = read_list(typed, EXAMPLE, known)
    assert [label for _, label in reading.topics] == saved
    shown = None if reading.other is None else [label for _, label in reading.other]
    assert shown == other


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 40


@pytest.mark.parametrize("word", ["clear", "off", "none", "OFF", " None ", "-"])
def test_clear_words_empty_the_list(word: str) -> None:
    assert is_clear(word)


@pytest.mark.parametrize("typed", ["design, off", "none, pricing", "clear\nseo"])
def test_clear_words_are_never_topics_in_a_list(typed: str) -> None:
    with pytest.raises(UsageError) as caught:
        read_list(typed, EXAMPLE)
    assert "can't be a topic" in caught.value.template


def test_limits_name_their_numbers() -> None:
    with pytest.raises(UsageError) as caught:
        read_list(", ".join(f"topic{i}" for i in range(200)), EXAMPLE)
    said = plain(fmt(caught.value.template, caught.value.values))
    assert "200 topics" in said
    assert "the limit is 20" in said
    with pytest.raises(UsageError) as caught:
        read_list("x" * 500, EXAMPLE)
    said = plain(fmt(caught.value.template, caught.value.values))
    assert "500 characters" in said
    assert "the limit is 40" in said
    assert caught.value.example == EXAMPLE


def test_a_long_phrase_that_cannot_be_one_topic_is_split_without_a_button() -> None:
    typed = "bookkeeping accounting photography"  # 34 characters: one topic would fit
    assert read_list(typed, EXAMPLE).other is not None
    typed = "bookkeeping accounting photography illustration"  # 48: too long for one
    reading = read_list(typed, EXAMPLE)
    assert len(reading.topics) == 4
    assert reading.other is None


words = st.text(
    st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="#,;"), max_size=12
)


@settings(max_examples=300, deadline=None)
@given(typed=st.lists(words, max_size=6).map(" ".join))
def test_other_reading_is_what_a_press_rebuilds(typed: str) -> None:
    try:
        reading = read_list(typed, EXAMPLE)
    except UsageError:
        return
    keys = [key for key, _ in reading.topics]
    assert len(keys) == len(set(keys))
    if reading.other is not None:
        rebuilt = other_reading([label for _, label in reading.topics], reading.joiner, EXAMPLE)
        assert rebuilt == reading.other


# --- through the chat ------------------------------------------------------------------


async def saved(core: Core, kind: str = "skill") -> list[str]:
    async with core.database.sessions() as session:
        rows = await session.scalars(
            select(PersonTopic.label).where(PersonTopic.kind == kind).order_by(PersonTopic.position)
        )
        return list(rows)


async def test_several_words_are_split_and_the_button_keeps_them_as_one(
    chat: ChatDriver, core: Core
) -> None:
    out = await chat.say("alice", "g", "/skills pricing design marketing")
    assert "Your skills: pricing, design, marketing" in out
    assert "Save as one topic: pricing design marketing" in out
    assert await saved(core) == ["pricing", "design", "marketing"]
    out = await chat.press("alice", "Save as one topic: pricing design marketing")
    assert "Your skills: pricing design marketing" in out
    assert await saved(core) == ["pricing design marketing"]
    out = await chat.press("alice", "Save as separate topics: pricing, design, marketing")
    assert "Your skills: pricing, design, marketing" in out
    assert await saved(core) == ["pricing", "design", "marketing"]


async def test_two_words_stay_one_topic_unless_both_are_topics_here(
    chat: ChatDriver, core: Core
) -> None:
    out = await chat.say("alice", "g", "/interests web design")
    assert "Your interests: web design" in out
    out = await chat.press("alice", "Save as separate topics: web, design")
    assert "Your interests: web, design" in out
    assert await saved(core, "interest") == ["web", "design"]
    await chat.say("bob", "g", "/skills pricing, excel")
    out = await chat.say("carol", "g", "/skills pricing excel")
    assert "Your skills: pricing, excel" in out
    assert "Save as one topic: pricing excel" in out


async def test_only_the_person_who_typed_it_may_press(chat: ChatDriver, core: Core) -> None:
    await chat.say("alice", "g", "/skills web design")
    out = await chat.press("bob", "Save as separate topics: web, design")
    assert "belongs to someone else" in out
    assert await saved(core) == ["web design"]


async def test_a_button_for_a_list_that_changed_since_does_nothing(
    chat: ChatDriver, core: Core
) -> None:
    await chat.say("alice", "g", "/skills web design")
    await chat.say("alice", "g", "/skills sewing")
    out = await chat.press("alice", "Save as separate topics: web, design")
    assert "changed since that button was made" in out
    assert await saved(core) == ["sewing"]


async def test_the_button_works_after_a_restart(
    chat: ChatDriver, core: Core, db_url: str, clock: FakeClock
) -> None:
    await chat.say("alice", "g", "/skills pricing design marketing")
    pressable = max(chat.console.messenger.buttons.items())[1]
    assert pressable.button.action == OTHER_READING
    payload = pressable.button.payload
    assert len(f"{OTHER_READING}:{payload}".encode()) <= 64
    assert parse_reading_payload(payload) is not None
    await core.stop()
    settings_ = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    again = Core(settings_, clock=clock)
    await again.start()
    try:
        event = ButtonPress(
            Address("console", "g", "alice"),
            ChatKind.GROUP,
            Sender("Alice", "alice"),
            OTHER_READING,
            payload,
            chat_title="g",
        )
        outbound = await again.router.handle(event, chat.console.messenger)
        assert "Your skills: pricing design marketing" in plain(outbound[0].message.text)
        assert await saved(again) == ["pricing design marketing"]
    finally:
        await again.stop()
        await core.start()


@pytest.mark.parametrize("payload", ["", "x", "1.s.w", "1.q.w.abc", "².s.w.abc", "1.s.z.abc"])
async def test_forged_payloads_are_refused(chat: ChatDriver, payload: str) -> None:
    await chat.say("alice", "g", "/skills web design")
    event = ButtonPress(
        Address("console", "g", "alice"),
        ChatKind.GROUP,
        Sender("Alice", "alice"),
        OTHER_READING,
        payload,
        chat_title="g",
    )
    outbound = await chat.core.router.handle(event, chat.console.messenger)
    said = plain(outbound[0].message.text)
    assert "no longer works" in said or "someone else" in said


@pytest.mark.parametrize(
    ("word", "reply"),
    [
        ("clear", "Your skills list is now empty."),
        ("off", "“off” clears it, like /skills clear"),
        ("none", "“none” clears it, like /skills clear"),
    ],
)
async def test_clear_off_none_empty_the_list(
    chat: ChatDriver, core: Core, word: str, reply: str
) -> None:
    await chat.say("alice", "g", "/skills pricing, design")
    out = await chat.say("alice", "g", f"/skills {word}")
    assert reply in out
    assert await saved(core) == []
    assert "no skills yet" in await chat.say("alice", "g", "/skills")


async def test_refusals_write_nothing(chat: ChatDriver, core: Core) -> None:
    await chat.say("alice", "g", "/skills design")
    out = await chat.say("alice", "g", "/skills " + ", ".join(f"t{i}" for i in range(200)))
    assert "That is 200 topics; the limit is 20." in out
    assert "Example: /skills pricing, design, excel" in out
    out = await chat.say("alice", "g", "/interests " + "x" * 500)
    assert "500 characters; the limit is 40" in out
    assert "Example: /interests marketing, taxes" in out
    out = await chat.say("alice", "g", "/skills design, off")
    assert "can't be a topic" in out
    assert await saved(core) == ["design"]
    assert "Your skills: design" in await chat.say("alice", "g", "/skills")


async def test_skills_alone_shows_and_help_states_the_rules(chat: ChatDriver) -> None:
    await chat.say("alice", None, "/skills #pricing #design")
    assert "Your skills: pricing, design" in await chat.say("alice", None, "/skills")
    out = await chat.say("alice", None, "/help skills")
    assert "up to 20 topics of up to 40 characters" in out
    assert "/skills clear (or off, or none)" in out


def test_list_commands_declare_their_button() -> None:
    registry = standalone_registry()
    assert OTHER_READING in registry.buttons


async def test_own_list_being_replaced_does_not_steer_the_reading(chat: ChatDriver) -> None:
    await chat.say("alice", "g", "/skills web, design")
    assert "Your skills: web design" in await chat.say("alice", "g", "/skills web design")
    await chat.say("alice", "g", "/interests pricing, excel")
    out = await chat.say("alice", "g", "/skills pricing excel")
    assert "Your skills: pricing, excel" in out


def test_only_a_readable_run_of_words_is_looked_up() -> None:
    assert "social media" in candidate_keys("social media marketing")
    assert candidate_keys("pricing, design") == set()
    assert candidate_keys(" ".join(f"w{i}" for i in range(21))) == set()
