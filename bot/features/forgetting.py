"""`/forgetme`: a person deletes every record of themselves, on every linked platform."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied
from bot.core.events import Button
from bot.core.markup import plain
from bot.core.registry import Args, CommandSpec, Registry
from bot.delivery.serialize import load_message
from bot.features.programs.leaving import leave_programs
from storage.forget_repo import ForgetRepository

MIN_QUOTE = 12
"""Shorter texts ("ok", "thanks") are too common to recognize as the person's words."""
NEEDLE = 32
"""How much of a text's start identifies a copy, also when lists cut it short."""


def flat(text: str) -> str:
    """Whitespace as single spaces, the way previews show text."""
    return " ".join(text.split())


def quote_needles(texts: list[str]) -> set[str]:
    """The starts of the person's texts that mark a message as quoting them."""
    return {flat(text)[:NEEDLE] for text in texts if len(flat(text)) >= MIN_QUOTE}


def quotes(payload: str, needles: set[str]) -> bool:
    """Whether a stored outgoing message carries any of the person's words."""
    if not needles:
        return False
    try:
        shown = flat(plain(load_message(payload).text))
    except (ValueError, KeyError, TypeError):
        return False
    return any(needle in shown for needle in needles)


class Forgetting:
    """Asks for confirmation, then deletes; only the person's own button can confirm."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares /forgetme and its two buttons."""
        self._registry.add_command(
            CommandSpec(
                "forgetme",
                "Delete every record of you (asks to confirm first)",
                self.forgetme,
                "/forgetme",
            )
        )
        self._registry.add_button("forget", self.forget_confirmed)
        self._registry.add_button("forget-no", self.forget_cancelled)

    async def forgetme(self, ctx: Ctx, args: Args) -> None:
        """Asks for confirmation before deleting everything about the person."""
        payload = str(ctx.person.id)
        ctx.reply(
            "This deletes **everything** I store about you on every platform: profile, "
            "skills, interests, memberships, roles, requests, tips, check-ins, kudos, and the "
            "messages I keep that quote you. A tip saved from your request keeps its answer, "
            "but not your question. It cannot be undone.",
            buttons=(
                (
                    Button(ctx.label("Delete everything"), "forget", payload),
                    Button(ctx.label("Cancel"), "forget-no", payload),
                ),
            ),
            private=True,
        )

    async def forget_confirmed(self, ctx: Ctx, payload: str) -> None:
        """Deletes the person, and their words wherever they were copied, once they confirm."""
        if payload != str(ctx.person.id):
            raise PermissionDenied("That button belongs to someone else.")
        person_id = ctx.person.id
        forget = ForgetRepository(ctx.repo.session)
        words = await forget.forget_words(person_id)
        needles = quote_needles([*words.texts, *await forget.tip_texts(person_id)])
        quoting = [
            row_id
            for row_id, payload_text in await forget.outbox_of(person_id)
            if quotes(payload_text, needles)
        ]
        messages = await forget.drop_messages(person_id, quoting)
        program_answers = await leave_programs(ctx)
        counts = await ctx.repo.forget_person(person_id)
        ctx.reply(
            "Done. I deleted every record of you, including {requests}, {checkins}, {tips}, "
            "{kudos}, {answers} and {messages}. Goodbye!",
            {
                "requests": ctx.tn("{count} request", "{count} requests", words.requests),
                "checkins": ctx.tn("{count} check-in", "{count} check-ins", words.checkins),
                "tips": ctx.tn("{count} tip", "{count} tips", counts.get("tips", 0)),
                "kudos": ctx.tn("{count} kudos", "{count} kudos", words.kudos),
                "answers": ctx.tn(
                    "{count} program answer", "{count} program answers", program_answers
                ),
                "messages": ctx.tn(
                    "{count} message",
                    "{count} messages",
                    messages + counts.get("queued messages", 0),
                ),
            },
            private=True,
        )

    async def forget_cancelled(self, ctx: Ctx, payload: str) -> None:
        """Leaves everything as it was."""
        ctx.reply("Cancelled; nothing was deleted.", private=True)
