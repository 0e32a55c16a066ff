"""`/done` marks: in a group, that group's plan; in a DM, the one plan of today or a choice."""

from __future__ import annotations

from collections import Counter

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import Acknowledgement, Button, Outbound, OutMessage
from bot.core.markup import join
from bot.domain.dates import local_today
from bot.features.bridges import where
from storage.checkins_repo import CheckInRepository
from storage.models import CheckIn, Community

DONE_ACTION = "donein"
CHECKIN_EXAMPLE = "/checkin finish the product photos"


def plan_zone(ctx: Ctx, community: Community) -> str:
    """The zone whose today a plan here is for: the person's own, else the community's."""
    return ctx.person.timezone or community.timezone


def mark_done(ctx: Ctx, entry: CheckIn, note: str, community: Community | None = None) -> None:
    """Marks one plan done and says so (naming the community when answered in a DM)."""
    was_done = entry.done
    entry.done, entry.updated_at = True, ctx.now
    if note:
        entry.done_note = note
    if was_done:
        ctx.reply(
            # Translators: {note} is empty or the note in quotes, starting with a space.
            "Already marked done today{note}. Nice!",
            {"note": ctx.t(" — note updated") if note else ""},
            acknowledge=Acknowledgement.DONE,
        )
    elif community is None:
        ctx.reply(
            "🎉 Done, {name}: “{plan}”",
            {"name": ctx.account.display_name, "plan": entry.plan or note or "✓"},
            acknowledge=Acknowledgement.DONE,
        )
    else:
        ctx.reply(
            "🎉 Done in **{title}**: “{plan}”",
            {"title": community.title or community.chat_id, "plan": entry.plan or note or "✓"},
        )


async def plans_today(ctx: Ctx) -> list[tuple[Community, CheckIn]]:
    """Today's plans (not skipped) of the person in each of their communities."""
    repo = CheckInRepository(ctx.repo.session)
    found: list[tuple[Community, CheckIn]] = []
    for membership in await ctx.repo.memberships_of(ctx.person.id):
        community = membership.community
        day = local_today(plan_zone(ctx, community), ctx.now)
        entry = await repo.on(community.id, ctx.person.id, day)
        if entry is not None and not entry.skipped:
            found.append((community, entry))
    return found


def _labels(communities: list[Community]) -> list[str]:
    """Chat titles; two communities with one title are told apart by their platform."""
    titles = [c.title or c.chat_id for c in communities]
    twice = {title for title, count in Counter(titles).items() if count > 1}
    return [
        where(c) if title in twice else title for c, title in zip(communities, titles, strict=True)
    ]


async def done_in_dm(ctx: Ctx, note: str) -> None:
    """Marks the one plan of today, or asks which one with a button per community."""
    plans = await plans_today(ctx)
    if not plans:
        raise UsageError(
            "You have no plan for today in any of your communities yet. Check in there first.",
            example=CHECKIN_EXAMPLE,
        )
    if len(plans) == 1:
        community, entry = plans[0]
        mark_done(ctx, entry, note, community)
        return
    plans = [(community, entry) for community, entry in plans if not entry.done]
    if not plans:
        ctx.reply("Every plan you made today is already marked done. Nice!")
        return
    if len(plans) == 1:  # the others are done already: this is the one
        community, entry = plans[0]
        mark_done(ctx, entry, note, community)
        return
    labels = _labels([community for community, _ in plans])
    buttons = tuple(
        (Button(label, DONE_ACTION, str(entry.id)),)
        for label, (_, entry) in zip(labels, plans, strict=True)
    )
    question = ctx.tn(
        "You have a plan today in {count} community. Which one is done?",
        "You have plans today in {count} communities. Which one is done?",
        len(plans),
    )
    if note:
        question = join(
            [
                question,
                ctx.t(
                    "Your note isn't saved yet: after you pick, send `/done {note}` in that "
                    "group to add it.",
                    {"note": note},
                ),
            ]
        )
    ctx.outbound.append(Outbound(OutMessage(question, buttons)))


async def done_button(ctx: Ctx, payload: str) -> None:
    """A community's button under the DM question: marks that plan done, if still today's."""
    session = ctx.repo.session
    entry = await session.get(CheckIn, int(payload)) if payload.isdigit() else None
    if entry is None or entry.person_id != ctx.person.id:
        raise UsageError("That plan is no longer there. Send `/done` again.", example="/done")
    community = await session.get(Community, entry.community_id)
    if community is None:
        raise UsageError("That plan is no longer there. Send `/done` again.", example="/done")
    if entry.skipped or entry.local_date != local_today(plan_zone(ctx, community), ctx.now):
        raise UsageError(
            "That plan was for another day. Send `/done` again for today's.", example="/done"
        )
    mark_done(ctx, entry, "", community)
