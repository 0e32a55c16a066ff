"""The introduction DM each side of a new pair gets, on their own platform, via the outbox."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.core.markup import plain
from bot.features.programs import common
from storage.program_models import Program, ProgramPair, ProgramParticipant
from storage.programs_repo import json_object

TO_MENTEE = N_(
    "You have a mentor in “{program}”: {other}! You share these topics: {topics}. Your goal: "
    "{goal}. A first step: send {name} a message today to say hello and agree on a first "
    "meeting this week. After you meet, either of you can log it with `/met`."
)
TO_MENTOR = N_(
    "You have a new mentee in “{program}”: {other}! You share these topics: {topics}. Their "
    "goal: {goal}. A first step: say hello to {name} today and agree on a first meeting "
    "this week. After you meet, either of you can log it with `/met`."
)


async def introduce(
    ctx: Ctx, program: Program, pair: ProgramPair, mentee: ProgramParticipant
) -> None:
    """Queues one introduction to each side, naming the other, the topics, the goal, a step."""
    topics = [str(topic) for topic in json_object(pair.reasons).get("topics", [])]
    for person_id, other_id, template in (
        (pair.mentee_id, pair.mentor_id, TO_MENTEE),
        (pair.mentor_id, pair.mentee_id, TO_MENTOR),
    ):
        target = await common.reach(ctx, program, person_id)
        other = await common.reach(ctx, program, other_id)
        if target is None or other is None:
            continue
        account = other.account
        values = {"name": account.display_name, "platform": account.platform.title()}
        if account.username:
            contact = common.say_to(
                ctx,
                target,
                "{name} (@{handle} on {platform})",
                {**values, "handle": account.username},
            )
        else:
            contact = common.say_to(ctx, target, "{name} (on {platform})", values)
        text = common.say_to(
            ctx,
            target,
            template,
            {
                "program": program.name,
                "other": plain(contact),
                "name": account.display_name,
                "topics": ", ".join(topics) or plain(common.say_to(ctx, target, "none yet")),
                "goal": mentee.goal or plain(common.say_to(ctx, target, "none yet")),
            },
        )
        await ctx.enqueue(
            f"program-intro:{pair.id}:{person_id}",
            common.delivery(target, about=pair.mentee_id),
            OutMessage(text),
            due_at=ctx.now,
        )
