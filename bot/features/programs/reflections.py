"""The weekly reflection: a four-step dialog for the mentee, its answers to the mentor by DM,
and one tap to turn "what is in the way" into a help request for the group."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.events import Button, OutMessage
from bot.core.i18n import N_
from bot.core.registry import Args, CommandSpec, Registry
from bot.delivery.timing import resolve_local
from bot.dialogs import Completion, Dialogs, DialogSpec, Step
from bot.domain.dates import local_today
from bot.features.mentoring import Mentoring
from bot.features.programs.my_pair import actor_pair, name_of
from bot.features.programs.reach import Voice, dm_from
from bot.features.requests_view import help_button
from storage.bridge_repo import BridgeRepository
from storage.models import Community
from storage.outbox_repo import Delivery
from storage.program_loop_repo import LoopRepository
from storage.program_models import PairStatus, ReflectionStatus
from storage.programs_repo import ProgramRepository, dumps, json_object

REFLECTION = "reflection"
REFLECT_EXAMPLE = "/reflect"
STEPS = (
    Step(
        "did",
        "Time for this week's reflection with {mentor}. What did you do this week?",
        example=N_("I priced my first ten candles"),
        max_length=1000,
    ),
    Step(
        "blocker",
        "What is in the way?",
        example=N_("I don't know where to find cheaper wax"),
        max_length=1000,
    ),
    Step("next", "What is next for you?", example=N_("Open the online shop"), max_length=1000),
    Step(
        "help",
        "How can your mentor help?",
        example=N_("Look at my price list with me"),
        max_length=1000,
    ),
)


def week_start(day: date) -> date:
    """The Monday of the week a day is in: one reflection per pair and week."""
    return day - timedelta(days=day.weekday())


class Reflections:
    """Declares the reflection dialog, `/reflect` and the **Ask the group for help** button."""

    def __init__(
        self, registry: Registry, dialogs: Dialogs, voice: Voice, mentoring: Mentoring
    ) -> None:
        self._registry = registry
        self._dialogs = dialogs
        self._voice = voice
        self._mentoring = mentoring

    def register(self) -> None:
        """Declares the dialog, `/reflect` and the blocker button."""
        self._dialogs.add(DialogSpec(REFLECTION, STEPS, self.answered))
        self._registry.add_command(
            CommandSpec(
                "reflect",
                "Write this week's reflection for your mentor now (mentees)",
                self.reflect,
                REFLECT_EXAMPLE,
            )
        )
        self._registry.add_button("pblock", self.ask_group)

    async def reflect(self, ctx: Ctx, args: Args) -> None:
        """This week's reflection now; once it is sent, the week is done."""
        found = await actor_pair(ctx, "", REFLECT_EXAMPLE, mentee_only=True)
        me = await self._voice.reader(ctx.repo.session, ctx.person.id, found.program)
        assert me is not None  # the actor exists and has the account they wrote from
        monday = week_start(local_today(me.zone, ctx.now))
        loop = LoopRepository(ctx.repo.session)
        row = await loop.reflection_of_week(found.pair.id, monday)
        if row is None:
            row = await loop.add_reflection(found.pair.id, monday, ctx.now, ctx.now)
            assert row is not None
        if row.status == ReflectionStatus.ANSWERED.value:
            ctx.reply(
                "You've already sent this week's reflection. Thank you! The next one comes "
                "next week.",
                private=True,
            )
            return
        mentor = await name_of(ctx.repo.session, found.pair.mentor_id, ctx.platform)
        await self._dialogs.start(ctx, REFLECTION, {"mentor": mentor, "reflection": row.id})

    async def answered(self, end: Completion) -> None:
        """Keeps the answers, sends them to the mentor, offers the blocker as a help request."""
        ctx = end.ctx
        loop = LoopRepository(ctx.repo.session)
        reflection_id = end.context.get("reflection")
        row = await loop.reflection(int(reflection_id)) if isinstance(reflection_id, int) else None
        pair = await ProgramRepository(ctx.repo.session).pair(row.pair_id) if row else None
        if row is None or pair is None or pair.status != PairStatus.ACTIVE.value:
            ctx.reply("Thank you. Your pair has ended, so I kept nothing of this.", private=True)
            return
        answers = {
            name: str(end.answers.get(name) or "") for name in ("did", "blocker", "next", "help")
        }
        row.answers = dumps(answers)
        row.status = ReflectionStatus.ANSWERED.value
        row.answered_at = ctx.now
        program = await ProgramRepository(ctx.repo.session).by_id(pair.program_id)
        assert program is not None
        mentor = await self._voice.reader(ctx.repo.session, pair.mentor_id, program)
        if mentor is not None:
            text = self._voice.say(
                mentor,
                "📝 {mentee}'s reflection for the week of {week}:\n"
                "**What I did:** {did}\n**What is in the way:** {blocker}\n"
                "**What is next:** {next}\n**How you can help:** {help}",
                {"mentee": ctx.account.display_name, "week": row.week_start.isoformat(), **answers},
            )
            await dm_from(ctx, mentor, f"reflection:{row.id}:mentor", OutMessage(text))
        label = ctx.translator.gettext(ctx.language, "Ask the group for help")
        ctx.reply(
            "Thank you! I've sent your reflection to {mentor}. If you'd like the group's help "
            "with what is in the way, press the button: only that answer is shared.",
            {"mentor": end.context.get("mentor", "")},
            buttons=((Button(label, "pblock", str(row.id)),),),
            private=True,
        )

    async def ask_group(self, ctx: Ctx, payload: str) -> None:
        """Turns the reflection's blocker (only it) into a help request in the program's group."""
        loop = LoopRepository(ctx.repo.session)
        row = await loop.reflection(int(payload)) if payload.isdigit() else None
        pair = await ProgramRepository(ctx.repo.session).pair(row.pair_id) if row else None
        if row is None or pair is None:
            raise UsageError("That reflection is no longer here.")
        if pair.mentee_id != ctx.person.id:
            raise PermissionDenied("Only the person who wrote this reflection can share it.")
        answers = json_object(row.answers)
        if answers.get("asked"):
            ctx.reply(
                "You already asked the group about this: request #{number}.",
                {"number": answers["asked"]},
                private=True,
            )
            return
        blocker = str(answers.get("blocker") or "").strip()
        if not blocker:
            raise UsageError("This reflection has nothing in the way to ask about.")
        group = await self._group_ctx(ctx, pair.program_id)
        request, _ = await self._mentoring.open_and_route(group, blocker, [], "/ask …")
        ctx.enqueued = ctx.enqueued or group.enqueued
        community, _ = group.group()
        await ctx.enqueue(
            f"pblock:{row.id}:{uuid.uuid4().hex[:8]}",
            group_delivery(community),
            OutMessage(
                ctx.t_in(
                    community.language,
                    "**{name}** asks the group for help (#{number}): “{question}”",
                    {
                        "name": ctx.account.display_name,
                        "number": request.number,
                        "question": blocker,
                    },
                ),
                ((help_button(request, partial(ctx.t_in, community.language)),),),
            ),
            due_at=ctx.now,
        )
        answers["asked"] = request.number
        row.answers = dumps(answers)
        ctx.reply(
            "I opened request **#{number}** in {title} with what is in the way. Your other "
            "answers stay between you and your mentor.",
            {"number": request.number, "title": community.title or community.chat_id},
            private=True,
        )

    async def _group_ctx(self, ctx: Ctx, program_id: int) -> Ctx:
        """The actor's context as if they wrote in the program's community (where requests live)."""
        program = await ProgramRepository(ctx.repo.session).by_id(program_id)
        assert program is not None
        circle = await BridgeRepository(ctx.repo.session).circle(program.community_id)
        for community in sorted(circle, key=lambda c: c.platform != ctx.platform):
            membership = await ctx.repo.membership(community.id, ctx.person.id)
            if membership is not None:
                return dataclasses.replace(ctx, community=community, membership=membership)
        raise UsageError("You're no longer a member of the program's group, so I can't ask there.")


def group_delivery(community: Community) -> Delivery:
    """A post in the community's chat."""
    return Delivery(community.platform, chat_id=community.chat_id, community_id=community.id)


def due_moment(day: date, at: str, zone: str) -> datetime:
    """The UTC instant of a local `HH:MM` on a day, DST-correct."""
    hour, minute = (int(part) for part in at.split(":"))
    return resolve_local(day, time(hour, minute), ZoneInfo(zone))
