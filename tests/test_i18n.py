"""Languages: faithful catalogs, language choice, per-reader DMs, native menus, charts."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from adapters.discord.localize import CatalogTranslator, discord_language
from adapters.telegram.adapter import command_languages, command_scopes
from bot.app import Core
from bot.core.events import Address, ChatKind, Sender
from bot.core.events import Message as ChatMessage
from bot.core.i18n import LOCALES_DIR, Translator, catalog_path
from bot.core.i18n_extract import page_templates, templates
from bot.core.languages import SHIPPED, LanguageChoice, choose_language, platform_language
from bot.core.markup import plain
from bot.domain.topics import MAX_TOPIC_LENGTH, MAX_TOPICS
from bot.features.charts import checkins_chart, day_labels
from bot.features.limits import COMMAND_LIMITS
from bot.features.mentoring import is_can_help
from bot.features.topic_lists import LIST_DETAILS
from storage.models import Account, Person
from tests.harness import ChatDriver, standalone_registry
from tests.test_mentoring import deliver

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = tuple(language for language in SHIPPED if language != "en")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TELEGRAM_TEXT_LIMIT = 4096
DISCORD_TEXT_LIMIT = 2000
DESCRIPTION_LIMIT = 100  # Discord's, the tighter of the two (Telegram allows 256)


def source_templates() -> Iterator[tuple[str, tuple[str, ...]]]:
    """(where, messages) for every template literal the code passes to a translated call site."""
    for folder in ("bot", "adapters"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for found in templates(path.read_text(encoding="utf-8")):
                yield f"{path.relative_to(ROOT)}:{found.line}", found.messages
    for path in sorted((ROOT / "bot").rglob("*.html")):  # the dashboard's page templates
        for found in page_templates(path.read_text(encoding="utf-8")):
            yield f"{path.relative_to(ROOT)}:{found.line}", found.messages


def load(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def translations(language: str) -> Iterator[tuple[Message, tuple[str, ...], tuple[str, ...]]]:
    """(entry, source forms, translated forms) of every translated entry of a catalog."""
    for message in load(catalog_path(language)):
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(strings):
            yield message, ids, tuple(text for text in strings if text)


def first(message_id: str | tuple[str, ...]) -> str:
    """The singular of a plural entry, or the message itself."""
    return message_id if isinstance(message_id, str) else message_id[0]


def shape(text: str) -> tuple[list[str], int, int, int]:
    """What a translation must keep: its placeholders (and braces), bold and code markers."""
    braces = text.count("{") + text.count("}")
    return sorted(PLACEHOLDER.findall(text)), braces, text.count("**"), text.count("`")


def broken(source: str, translation: str) -> bool:
    """Whether a translation lost, renamed or added a placeholder or a piece of markup."""
    return shape(source) != shape(translation)


# --- catalogs ------------------------------------------------------------------------------


def test_every_template_in_the_code_is_in_the_template_catalog() -> None:
    pot = load(LOCALES_DIR / "mentorbot.pot")
    missing = [
        f"{where}: {messages[0]!r}"
        for where, messages in source_templates()
        if pot.get(messages[0]) is None
    ]
    assert not missing, "run `make i18n`; not extracted:\n" + "\n".join(missing)


def test_every_registered_command_text_is_in_the_template_catalog() -> None:
    """At run time too: summaries, details, parameter descriptions and limits of the registry."""
    pot = load(LOCALES_DIR / "mentorbot.pot")
    registry = standalone_registry()
    texts = [
        text
        for spec in registry.commands.values()
        for text in (spec.summary, spec.details, *(p.description for p in spec.params))
        if text
    ]
    texts += [limit.sentence for limits in COMMAND_LIMITS.values() for limit in limits]
    missing = sorted({text for text in texts if pot.get(text) is None})
    assert not missing, "not extracted: " + repr(missing[:5])


def test_whole_sentence_help_texts_state_the_real_limits() -> None:
    for details in LIST_DETAILS.values():
        assert f"up to {MAX_TOPICS} topics of up to {MAX_TOPIC_LENGTH} characters" in details


def test_template_catalog_holds_nothing_the_code_no_longer_says() -> None:
    said = {messages[0] for _, messages in source_templates()}
    pot = load(LOCALES_DIR / "mentorbot.pot")
    stale = [
        m.id for m in pot if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in said
    ]
    assert not stale, "run `make i18n`; stale: " + repr(stale[:5])


def test_no_template_is_mistaken_for_a_percent_format() -> None:
    """`{n}% done` reads as `% d` to gettext tools: a false `python-format` flag misleads them."""
    pot = load(LOCALES_DIR / "mentorbot.pot")
    flagged = [m.id for m in pot if m.id and "python-format" in m.flags]
    assert not flagged, "reword so no `%` is followed by a conversion letter: " + repr(flagged)


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalog_has_every_message_of_the_template(language: str) -> None:
    pot = {first(m.id) for m in load(LOCALES_DIR / "mentorbot.pot")}
    po = {first(m.id) for m in load(catalog_path(language))}
    assert pot - po == set(), "run `make i18n` to merge the template into the catalog"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    catalog = load(catalog_path(language))
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))
    ]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:3]!r}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_and_markup(language: str) -> None:
    wrong = [
        f"{ids[0]!r} → {text!r}"
        for _, ids, strings in translations(language)
        for text in strings
        if broken(ids[-1] if len(ids) > 1 else ids[0], text) and broken(ids[0], text)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("Your language is now **{language}**.", "Tu idioma ahora es **{idioma}**."),
        ("Your language is now **{language}**.", "Tu idioma ahora es {language}."),
        ("Send `/help <command>`.", "Envía /help <comando>."),
        ("#{number} is open.", "#{number} está abierta {number."),
        ("Hi {name}.", "Hola {name} {name2}."),
    ],
)
def test_a_broken_translation_is_caught(source: str, translation: str) -> None:
    assert broken(source, translation)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_fit_the_platform_limits(language: str) -> None:
    described = {
        found.messages[0]
        for path in sorted((ROOT / "bot").rglob("*.py"))
        for found in templates(path.read_text(encoding="utf-8"))
        if found.function in ("CommandSpec", "Param")
    }
    for _, ids, strings in translations(language):
        for text in strings:
            assert len(text) < min(TELEGRAM_TEXT_LIMIT, DISCORD_TEXT_LIMIT) // 2, ids[0]
            if ids[0] in described and len(ids[0]) <= DESCRIPTION_LIMIT:
                assert len(text) <= DESCRIPTION_LIMIT, f"{text!r} is cut in the command menu"


def test_catalogs_compile_from_po_alone() -> None:
    """No .mo is shipped: a fresh clone compiles the .po in memory."""
    translator = Translator()
    assert translator.gettext("es", "Your language is now **{language}**.") == (
        "Tu idioma ahora es **{language}**."
    )
    assert translator.gettext("es_419", "Which language?") == "¿Qué idioma?"
    assert translator.gettext("pt", "Which language?") == "Which language?"
    assert translator.has_catalog("zh_Hant")
    assert not translator.has_catalog("pt")


# --- choosing a language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("es", LanguageChoice("es", shipped=True)),
        ("Spanish", LanguageChoice("es", shipped=True)),
        ("español", LanguageChoice("es", shipped=True)),
        ("ESPAÑOL", LanguageChoice("es", shipped=True)),
        ("es-419", LanguageChoice("es", shipped=True)),
        ("es-ES", LanguageChoice("es", shipped=True)),
        ("中文", LanguageChoice("zh_Hant", shipped=True)),
        ("繁體中文", LanguageChoice("zh_Hant", shipped=True)),
        ("Traditional Chinese", LanguageChoice("zh_Hant", shipped=True)),
        ("zh-TW", LanguageChoice("zh_Hant", shipped=True)),
        ("zh-hant", LanguageChoice("zh_Hant", shipped=True)),
        ("zh_Hant", LanguageChoice("zh_Hant", shipped=True)),
        ("zh-HK", LanguageChoice("zh_Hant", shipped=True)),
        ("zh-hant-tw", LanguageChoice("zh_Hant", shipped=True)),
        ("zh", LanguageChoice("zh_Hant", shipped=True, simplified_asked=True)),
        ("zh-CN", LanguageChoice("zh_Hant", shipped=True, simplified_asked=True)),
        ("hi", LanguageChoice("hi", shipped=True)),
        ("Hindi", LanguageChoice("hi", shipped=True)),
        ("हिन्दी", LanguageChoice("hi", shipped=True)),
        ("हिंदी", LanguageChoice("hi", shipped=True)),
        ("hi-IN", LanguageChoice("hi", shipped=True)),
        ("en", LanguageChoice("en", shipped=True)),
        ("English", LanguageChoice("en", shipped=True)),
        ("pt", LanguageChoice("pt", shipped=False)),
        ("Portuguese", LanguageChoice("pt", shipped=False)),
        ("pt-br", LanguageChoice("pt_BR", shipped=False)),
        ("xx", None),
        ("klingon", None),
        ("", None),
        ("/language", None),
        ("es" * 30, None),
    ],
)
def test_choose_language(typed: str, expected: LanguageChoice | None) -> None:
    assert choose_language(typed) == expected


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("zh-hant-tw", "zh_Hant"),  # Telegram language_code
        ("es-419", "es"),
        ("hi-IN", "hi"),
        ("en", "en"),
        (None, None),
        ("", None),
        ("pt-br", None),  # not shipped: the community's language serves better
        ("zh-TW", "zh_Hant"),  # Discord locales
        ("es-ES", "es"),
    ],
)
def test_platform_hint(hint: str | None, expected: str | None) -> None:
    assert platform_language(hint) == expected


async def test_language_command_round_in_spanish(chat: ChatDriver) -> None:
    out = await chat.say("ana", None, "/language español")
    assert "Tu idioma ahora es español." in out
    out = await chat.say("ana", None, "/help")
    assert "Todo lo que sé hacer" in out
    assert "/language — Tu idioma (si no, el de la comunidad; si no, inglés)" in out
    out = await chat.say("ana", None, "/help language")
    assert "Ejemplo: /language es" in out
    out = await chat.say("ana", None, "/language xx")
    assert "No conozco el idioma «xx»" in out
    assert "es (español), zh_Hant (中文 (繁體)), hi (हिन्दी)" in out
    out = await chat.say("ana", None, "/language zh")
    assert "中文 (繁體)" in out
    assert "目前還沒有簡體中文，所以我會用繁體中文回覆你。" in out
    out = await chat.say("ana", None, "/language pt")
    assert "português" in out
    assert "English until a translation" in out
    out = await chat.say("ana", None, "/language English")
    assert "Your language is now English." in out


async def test_group_speaks_the_community_language(chat: ChatDriver) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    out = await chat.say("olga", "g", "/settings language es-419")
    assert "El idioma de esta comunidad ahora es español." in out
    await chat.say("ken", None, "/language English")
    out = await chat.say("ken", "g", "/help")
    assert "Lo que puedes hacer aquí" in out  # a group post: the community's language
    out = await chat.say("ken", None, "/help")
    assert "Everything I can do" in out  # a DM: the reader's


async def test_a_private_answer_in_a_group_is_in_the_readers_language(chat: ChatDriver) -> None:
    await chat.say("ana", None, "/language es")
    out = await chat.say("ana", "g", "/profile")  # the community speaks English
    assert "Rol: miembro" in out
    assert "Habilidades: ninguno todavía" in out
    out = await chat.say("ken", "g", "/profile")
    assert "Role: member" in out


async def test_platform_hint_is_stored_on_first_contact(core: Core, chat: ChatDriver) -> None:
    def message(user: str, language: str | None) -> ChatMessage:
        sender = Sender(user.title(), username=user, language=language)
        return ChatMessage(Address("console", f"dm-{user}", user), ChatKind.DM, sender, "/help")

    messenger = chat.console.messenger
    outbound = await core.router.handle(message("lin", "zh-hant-tw"), messenger)
    assert outbound
    await core.router.handle(message("rosa", "es-419"), messenger)
    await core.router.handle(message("raj", None), messenger)
    await chat.say("mei", None, "/language hi")
    await core.router.handle(message("mei", "es-ES"), messenger)  # /language wins over a hint
    async with core.database.sessions() as session:
        rows = await session.execute(
            select(Account.user_id, Person.language).join(Person, Person.id == Account.person_id)
        )
        stored = {name: language for name, language in rows.all()}
    assert stored["lin"] == "zh_Hant"
    assert stored["rosa"] == "es"
    assert stored["raj"] is None
    assert stored["mei"] == "hi"


async def test_a_dm_before_anything_is_loaded_uses_the_hint(core: Core, chat: ChatDriver) -> None:
    sender = Sender("Rosa", username="rosa", language="es-419")
    event = ChatMessage(Address("console", "dm-rosa", "rosa"), ChatKind.DM, sender, "hola")
    [reply] = await core.router.handle(event, chat.console.messenger)
    assert plain(reply.message.text) == "Respondo a comandos. Envía /help para ver lo que sé hacer."


@given(st.text(max_size=60))
def test_choosing_a_language_never_fails_on_any_text(typed: str) -> None:
    choice = choose_language(typed)
    if choice is not None:
        assert choice.shipped == (choice.code in SHIPPED)
        assert Locale.parse(choice.code)
    hinted = platform_language(typed)
    assert hinted is None or hinted in SHIPPED


async def test_dms_about_someone_are_in_the_readers_language(chat: ChatDriver, core: Core) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    await chat.say("mia", "g", "/skills pricing")
    await chat.say("mia", None, "/language es")
    await chat.say("olga", "g", "/promote @mia mentor")
    await chat.say("bob", "g", "/ask How do I price candles? #pricing")
    delivered = await deliver(core, chat)
    assert "[dm mia] mentorbot: Bob pidió ayuda en g (#1, pricing)" in delivered
    await chat.say("bob", None, "/language es")
    out = await chat.say("mia", "g", "/claim 1")
    assert "will help" in out  # the group post stays in the community's English
    delivered = await deliver(core, chat)
    assert "[dm bob] mentorbot: Mia te ayudará con #1" in delivered
    assert "[dm mia] mentorbot: Estás ayudando a Bob con #1" in delivered


@pytest.mark.parametrize(
    ("typed", "offer"),
    [
        ("¿cómo puedo ayudar?", True),
        ("COMO PUEDO AYUDAR", True),
        ("¿En qué puedo ayudar?", True),
        ("¿Alguien necesita ayuda?", True),
        ("我可以怎麼幫忙？", True),
        ("我可以怎麼幫忙", True),
        ("有什麼我可以幫忙的嗎？", True),
        ("我可以怎么帮忙？", True),
        ("我想要幫忙拍照", False),
        ("有人需要幫忙嗎?", True),
        ("मैं कैसे मदद कर सकता हूँ?", True),
        ("मैं कैसे मदद कर सकती हूं", True),
        ("how can I help?", True),
        ("¿cómo puedo ayudar con mis impuestos?", False),
        ("necesito ayuda", False),
        ("需要幫忙嗎", False),
        ("मुझे मदद चाहिए", False),
    ],
)
def test_how_can_i_help_in_each_language(typed: str, offer: bool) -> None:
    assert is_can_help(typed) is offer


async def test_a_spanish_offer_lists_open_requests(chat: ChatDriver) -> None:
    await chat.say("bob", "g", "/ask How do I price candles? #pricing")
    out = await chat.say("mia", "g", "¿Cómo puedo ayudar?")
    assert "#1" in out
    assert "price candles" in out


# --- native command menus ------------------------------------------------------------------


def test_telegram_menus_per_language_code() -> None:
    registry = standalone_registry()
    menus = {code: describe for code, describe in command_languages(Translator())}
    assert set(menus) == {None, "es", "zh", "hi"}
    for code, expected in (
        (None, "The commands you can use here, or one command in detail"),
        ("es", "Los comandos que puedes usar aquí, o uno en detalle"),
        ("zh", "你在這裡能用的指令，或查看單一指令的說明"),
        ("hi", "यहाँ इस्तेमाल होने वाले कमांड, या किसी एक कमांड की पूरी जानकारी"),
    ):
        for _, commands in command_scopes(registry, menus[code]):
            described = {command.command: command.description for command in commands}
            assert described["help"] == expected
            assert all(name.isascii() for name in described)


async def test_discord_description_localizations() -> None:
    translator = CatalogTranslator(Translator())
    context = discord.app_commands.TranslationContext(
        discord.app_commands.TranslationContextLocation.command_description, None
    )
    name_context = discord.app_commands.TranslationContext(
        discord.app_commands.TranslationContextLocation.command_name, None
    )
    summary = "Your language (else the community's, else English)"
    text = discord.app_commands.locale_str(summary, msgid=summary)
    assert await translator.translate(text, discord.Locale.spain_spanish, context) == (
        "Tu idioma (si no, el de la comunidad; si no, inglés)"
    )
    assert await translator.translate(text, discord.Locale.latin_american_spanish, context)
    assert await translator.translate(text, discord.Locale.taiwan_chinese, context) == (
        "你的語言（未設定時用社群的語言，再不然用英文）"
    )
    assert await translator.translate(text, discord.Locale.hindi, context)
    assert await translator.translate(text, discord.Locale.american_english, context) is None
    assert await translator.translate(text, discord.Locale.chinese, context) is None
    name = discord.app_commands.locale_str("language")
    assert await translator.translate(name, discord.Locale.spain_spanish, name_context) is None
    assert discord_language(discord.Locale.taiwan_chinese) == "zh_Hant"


# --- charts --------------------------------------------------------------------------------


def missing_glyphs(render: object) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert callable(render)
        render()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


@pytest.mark.parametrize("language", SHIPPED)
def test_charts_draw_every_language_without_missing_glyphs(language: str) -> None:
    from datetime import date, timedelta

    days = [date(2026, 11, 17) + timedelta(days=n) for n in range(7)]
    labels = day_labels(days, language)
    assert len(set(labels)) == 7
    assert not missing_glyphs(lambda: checkins_chart(labels, [3, 1, 0, 2, 5, 4, 1], [1] * 7))


def test_missing_glyph_check_can_fail() -> None:
    """Words in CJK or Devanagari inside the image would fall back to boxes: the check sees it."""
    assert missing_glyphs(lambda: checkins_chart(["週二", "मंगल"], [1, 2], [0, 1]))
