"""The dialog engine: starts declared dialogs, takes each answer, and ends them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.departures import Departure
from bot.core.errors import UsageError
from bot.core.events import ChatKind, Message, Outbound, OutMessage
from bot.core.i18n import Translator
from bot.core.markup import RichText, fmt, join
from bot.core.registry import Access, Args, CommandSpec, Registry
from bot.delivery.outbox import enqueue
from bot.dialogs.answers import read_answer
from bot.dialogs.asking import ACTION, SEPARATOR, Say, labels, question
from bot.dialogs.leaving import drop_dialogs
from bot.dialogs.spec import Answer, Completion, DialogSpec, Step
from bot.dialogs.words import CANCEL, SKIP, meaning
from storage.dialogs_repo import DialogRepository, loads
from storage.models import Account, Community, DialogSession, DialogStatus, Person
from storage.outbox_repo import Delivery

log = logging.getLogger(__name__)

LAPSE_AFTER = timedelta(hours=24)


class Dialogs:
    """Runs the guided conversations features declare; one open per person, the rest wait."""

    def __init__(self, translator: Translator, default_language: str = "en") -> None:
        self._specs: dict[str, DialogSpec] = {}
        self._translator = translator
        self._default_language = default_language

    def register(self, registry: Registry) -> None:
        """Declares the answer buttons, the DM answer hook and `/cancel`."""
        registry.add_button(ACTION, self.press)
        registry.add_text_handler(self.wants, self.answer)
        registry.add_leave_handler(self.member_left)
        registry.add_command(
            CommandSpec(
                "cancel",
                "Leave the conversation I'm guiding you through",
                self.cancel,
                example="/cancel",
                access=Access.ANYONE,
            )
        )

    async def member_left(self, departure: Departure) -> None:
        """Drops the conversations of a community the person left."""
        await drop_dialogs(self, departure)

    def add(self, spec: DialogSpec) -> None:
        """Declares a dialog; names are unique, like commands."""
        if spec.name in self._specs:
            raise ValueError(f"dialog {spec.name!r} is already declared")
        self._specs[spec.name] = spec

    def spec(self, name: str) -> DialogSpec | None:
        """The declared dialog of this name."""
        return self._specs.get(name)

    async def start(self, ctx: Ctx, name: str, context: Mapping[str, Any] | None = None) -> bool:
        """Opens the dialog for the actor and asks its first step in their DM.

        With another one open it waits its turn (False) and is asked when that one ends.
        """
        spec = self._specs[name]
        repo = DialogRepository(ctx.repo.session)
        if await repo.waiting(ctx.person.id, spec.name):
            ctx.reply(
                "We already have that conversation going or waiting; look in our private chat.",
                private=True,
            )
            return False
        community_id = ctx.community.id if ctx.community is not None else None
        address = ctx.event.address
        row = await repo.add(
            person_id=ctx.person.id,
            platform=address.platform,
            user_id=address.user_id,
            community_id=community_id,
            name=spec.name,
            context=context or {},
            now=ctx.now,
        )
        if await repo.open_for(ctx.person.id) is not None or not await self._open(
            repo, row, ctx.now
        ):
            ctx.reply(
                "We're in the middle of another conversation. I'll ask you this one when it ends.",
                private=True,
            )
            return False
        self._send(ctx, row, self.current_question(row, _private(ctx)))
        if ctx.in_group:
            ctx.reply("I've sent you a private message with the first question.")
        return True

    async def offer(
        self,
        session: AsyncSession,
        account: Account,
        name: str,
        context: Mapping[str, Any],
        now: datetime,
        community_id: int | None = None,
    ) -> bool:
        """A dialog that came due (a job, no event): opened and queued, or left waiting.

        The first question goes through the outbox; the caller wakes the dispatcher.
        """
        spec = self._specs[name]
        repo = DialogRepository(session)
        if await repo.waiting(account.person_id, spec.name):
            return False
        row = await repo.add(
            person_id=account.person_id,
            platform=account.platform,
            user_id=account.user_id,
            community_id=community_id,
            name=spec.name,
            context=context,
            now=now,
        )
        if await repo.open_for(account.person_id) is not None:
            return False
        if not await self._open(repo, row, now):
            return False
        say = await self.say_for(session, row)
        await self.queue(session, row, self.current_question(row, say), now)
        return True

    async def wants(self, session: AsyncSession, event: Message) -> bool:
        """A read-only check: DM text of a person with a dialog open, or their first group text."""
        address = event.address
        row = await DialogRepository(session).open_for_account(address.platform, address.user_id)
        if row is None:
            return False
        return event.chat_kind is ChatKind.DM or not row.pointed_in_group

    async def answer(self, ctx: Ctx, args: Args) -> None:
        """A typed answer in the DM; in a group, one pointer to the DM."""
        repo = DialogRepository(ctx.repo.session)
        row = await repo.open_for(ctx.person.id)
        if row is None:  # ended between the check and this transaction
            if not ctx.in_group:
                ctx.reply("I answer commands. Send /help to see what I can do.")
            return
        if ctx.in_group:
            if not row.pointed_in_group:
                row.pointed_in_group = True
                ctx.reply("I'm asking you something in our private chat. Please answer me there.")
            return
        if ctx.account.dm_unreachable:  # the question never arrived: ask it, don't guess
            await self._ask_again(ctx, repo, row)
            return
        await self._take(ctx, repo, row, str(args["text"]))

    async def _ask_again(self, ctx: Ctx, repo: DialogRepository, row: DialogSession) -> None:
        """The person's DM was closed (blocked, DMs off) when the step was asked: show it now,
        with 24 hours from now to answer, instead of reading this message as the answer."""
        await repo.drop_waiting_questions(row)
        row.expires_at = ctx.now + LAPSE_AFTER
        asked = self.current_question(row, ctx.t)
        intro = ctx.t("I couldn't reach you by DM before, so here is my question again:")
        self._send(ctx, row, OutMessage(join([intro, asked.text]), asked.buttons))

    async def press(self, ctx: Ctx, payload: str) -> None:
        """A button answer; one from an old step, an ended dialog or someone else's does nothing."""
        session_id, _, rest = payload.partition(SEPARATOR)
        step, _, typed = rest.partition(SEPARATOR)
        repo = DialogRepository(ctx.repo.session)
        row = None
        if session_id.isascii() and session_id.isdigit() and len(session_id) <= 12:
            row = await repo.by_id(int(session_id))
        if row is not None and row.person_id != ctx.person.id:
            ctx.reply("That button belongs to someone else's conversation.", private=True)
            return
        if row is None or row.status != DialogStatus.OPEN.value or row.step != step:
            ctx.reply(
                "That question is no longer open, so the button does nothing now.", private=True
            )
            return
        await self._take(ctx, repo, row, typed)

    async def cancel(self, ctx: Ctx, args: Args) -> None:
        """`/cancel`: leaves the open dialog; the next waiting one, if any, starts."""
        repo = DialogRepository(ctx.repo.session)
        row = await repo.open_for(ctx.person.id)
        if row is None:
            ctx.reply("There is nothing to cancel: we have no conversation open.", private=True)
            return
        await self._cancel(ctx, repo, row)

    async def _take(self, ctx: Ctx, repo: DialogRepository, row: DialogSession, text: str) -> None:
        """Reads the answer for the current step, then asks the next one or completes."""
        spec = self._specs.get(row.name)
        step = spec.step(row.step) if spec is not None else None
        if spec is None or step is None:  # the dialog was removed or changed since it started
            await repo.end(row, DialogStatus.CANCELLED, ctx.now)
            ctx.reply("That conversation is no longer available, so I've closed it.")
            return
        word = meaning(text, ctx.reader_language)
        if word == CANCEL:
            await self._cancel(ctx, repo, row)
            return
        answers: dict[str, Answer] = dict(loads(row.answers))
        try:
            answers[step.name] = self._read(ctx, step, text, word, answers)
        except UsageError as error:
            self._refuse(ctx, row, step, error)
            return
        following = spec.after(step, answers)
        if following is None:
            await repo.end(row, DialogStatus.COMPLETED, ctx.now)
            await spec.on_complete(Completion(ctx, answers, loads(row.context)))
            await self._promote(ctx, repo, row.person_id)
            return
        repo.advance(row, answers, following.name, ctx.now, ctx.now + LAPSE_AFTER)
        self._send(ctx, row, self.current_question(row, _private(ctx)))

    def _read(
        self,
        ctx: Ctx,
        step: Step,
        text: str,
        word: str | None,
        answers: Mapping[str, Answer],
    ) -> Answer:
        if word == SKIP:
            if step.optional:
                return None
            raise UsageError("This question can't be skipped. Please answer it, or send /cancel.")
        zone = ctx.person.timezone or (ctx.community.timezone if ctx.community else "UTC")
        return read_answer(
            step,
            text,
            labels(step, _private(ctx)),
            zone=zone,
            language=ctx.reader_language,  # what the person types is read in their language
            now=ctx.now,
            answers=answers,
        )

    def _refuse(self, ctx: Ctx, row: DialogSession, step: Step, error: UsageError) -> None:
        """Says what was wrong (with an example), then asks the same step again, fresh buttons."""
        say = _private(ctx)
        parts = [say(error.template, error.values)]
        if error.example:
            # an example marked with N_ (words, not a command) is in the reader's language
            example = ctx.translator.gettext(ctx.reader_language, error.example)
            parts.append(say("Example: `{example}`", {"example": example}))
        asked = self.current_question(row, _private(ctx))
        self._send(ctx, row, OutMessage(join([*parts, asked.text]), asked.buttons))

    async def _cancel(self, ctx: Ctx, repo: DialogRepository, row: DialogSession) -> None:
        spec = self._specs.get(row.name)
        answers = loads(row.answers)
        await repo.end(row, DialogStatus.CANCELLED, ctx.now)
        if spec is not None and spec.on_cancel is not None:
            await spec.on_cancel(Completion(ctx, answers, loads(row.context)))
        ctx.reply("Cancelled: I won't ask the rest of those questions.", private=True)
        await self._promote(ctx, repo, row.person_id)

    async def _promote(self, ctx: Ctx, repo: DialogRepository, person_id: int) -> None:
        """Opens the person's next waiting dialog, if any, and asks its first step."""
        row = await self.promote(repo, person_id, ctx.now)
        if row is not None:
            self._send(ctx, row, self.current_question(row, _private(ctx)))

    async def promote(
        self, repo: DialogRepository, person_id: int, now: datetime
    ) -> DialogSession | None:
        """Opens the oldest waiting dialog of a person (one declared in this build)."""
        while (row := await repo.next_pending(person_id)) is not None:
            if row.name in self._specs:
                return row if await self._open(repo, row, now) else None
            await repo.end(row, DialogStatus.CANCELLED, now)
        return None

    async def _open(self, repo: DialogRepository, row: DialogSession, now: datetime) -> bool:
        """False when a concurrent transaction opened another one for the person first."""
        first = self._specs[row.name].steps[0]
        return await repo.open_session(row, first.name, now, now + LAPSE_AFTER)

    def current_question(self, row: DialogSession, say: Say) -> OutMessage:
        """The current step of an open session as a message, with fresh buttons."""
        step = self._specs[row.name].step(row.step)
        assert step is not None  # an open session always stands at a declared step
        return question(row.id, step, loads(row.context), say)

    def _send(self, ctx: Ctx, row: DialogSession, message: OutMessage) -> None:
        """Into the DM the person is writing in; from a group, to the session's account."""
        if not ctx.in_group:
            ctx.outbound.append(Outbound(message))
            return
        address = ctx.event.address
        platform = None if row.platform == address.platform else row.platform
        ctx.outbound.append(Outbound(message, user_id=row.user_id, platform=platform))

    async def say_for(self, session: AsyncSession, row: DialogSession) -> Say:
        """Translation for a session's person when there is no event (jobs, the sweep)."""
        person = await session.get(Person, row.person_id)
        community = None
        if row.community_id is not None:
            community = await session.get(Community, row.community_id)
        language = (
            (person.language if person is not None else None)
            or (community.language if community is not None else None)
            or self._default_language
        )

        def say(template: str, values: Mapping[str, object] | None = None) -> RichText:
            return fmt(self._translator.gettext(language, template), values)

        return say

    async def queue(
        self, session: AsyncSession, row: DialogSession, message: OutMessage, now: datetime
    ) -> None:
        """Queues a message to the session's DM through the outbox (sent after the commit)."""
        delivery = Delivery(row.platform, user_id=row.user_id, person_id=row.person_id)
        key = f"dialog:{row.id}:{row.step or row.status}:{now.isoformat()}"
        await enqueue(session, key, delivery, message, due_at=now, now=now)


def _private(ctx: Ctx) -> Say:
    """A dialog talks to one person in their DM: their language, even when begun in a group."""
    return partial(ctx.t_in, ctx.reader_language)
