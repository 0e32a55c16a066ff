"""Bridges: organizers of two communities (say a Telegram group and a Discord channel) join
them so that requests, tips and the check-in board are shared.

Both sides confirm: an organizer of one community asks for a one-time code (sent privately),
an organizer of the other redeems it there, and the first side is told at once (with how to
undo it). A bridge joins exactly two communities; either side can end it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import OutMessage
from bot.core.markup import RichText
from bot.core.registry import Access
from bot.features.linking import code_hash, new_code, normalize_code, platform_name, shown
from storage.bridge_repo import BridgeRepository
from storage.mentoring_repo import MentoringRepository
from storage.models import Community, Role
from storage.outbox_repo import Delivery

CODE_LIFETIME = timedelta(minutes=10)
EXAMPLE = "/settings bridge K7QM-2XPA"


def where(community: Community) -> str:
    """`Discord · #general`: a community as people on any platform can recognise it."""
    return f"{platform_name(community.platform)} · {community.title or community.chat_id}"


async def circle(ctx: Ctx) -> list[Community]:
    """This community first, then those bridged with it (just this one when unbridged)."""
    community, _ = ctx.group()
    return await BridgeRepository(ctx.repo.session).circle(community.id)


async def circle_ids(ctx: Ctx) -> list[int]:
    """The ids of `circle`: what shared lists and searches read."""
    community, _ = ctx.group()
    return await BridgeRepository(ctx.repo.session).circle_ids(community.id)


async def organizes(ctx: Ctx, community_id: int) -> bool:
    """Whether the actor may moderate that community's requests.

    Here, platform admins count; across a bridge, only a stored organizer role does (this
    platform's admins are not the other community's).
    """
    if ctx.community is not None and ctx.community.id == community_id:
        return await ctx.may(Access.ORGANIZER)
    membership = await ctx.repo.membership(community_id, ctx.person.id)
    return membership is not None and membership.role == Role.ORGANIZER.value


async def circles_of_person(ctx: Ctx) -> list[int]:
    """Every community the person belongs to, with those bridged with them (for DMs)."""
    own = [m.community_id for m in await ctx.repo.memberships_of(ctx.person.id)]
    return await BridgeRepository(ctx.repo.session).circles_ids(own)


class Bridging:
    """`/settings bridge [code | off]`, and the bridge line of `/settings`."""

    def __init__(self, codes: Callable[[], str] = new_code) -> None:
        self._new_code = codes

    async def describe(self, ctx: Ctx) -> RichText:
        """The settings line: who this community shares with."""
        others = (await circle(ctx))[1:]
        if not others:
            return ctx.t("none (`/settings bridge` shares with a community on another platform)")
        return ctx.t("shared with {names}", {"names": ", ".join(where(c) for c in others)})

    async def handle(self, ctx: Ctx, value: str) -> None:
        """Issues a code, redeems one, or leaves the bridge."""
        await ctx.require(Access.ORGANIZER, "settings bridge")
        given = value.strip()
        if not given:
            await self._offer(ctx)
        elif given.lower() == "off":
            await self._leave(ctx)
        else:
            await self._accept(ctx, given)

    async def _offer(self, ctx: Ctx) -> None:
        community, _ = ctx.group()
        await self._refuse_if_bridged(BridgeRepository(ctx.repo.session), community)
        code = self._new_code()
        await BridgeRepository(ctx.repo.session).issue_code(
            community.id, ctx.person.id, code_hash(code), ctx.now, ctx.now + CODE_LIFETIME
        )
        ctx.reply(
            "Bridge code for **{title}**: `{code}`\nWithin 10 minutes, an organizer of the other "
            "community sends `/settings bridge {code}` there. Then both share requests, tips "
            "and the check-in board. The code works once; share it only with that organizer.",
            {"title": community.title, "code": shown(code)},
            private=True,
        )

    async def _accept(self, ctx: Ctx, given: str) -> None:
        community, _ = ctx.group()
        bridges = BridgeRepository(ctx.repo.session)
        found = await bridges.code(code_hash(given)) if normalize_code(given).isalnum() else None
        if found is None:
            raise UsageError(
                "I don't know the bridge code “{code}”. Check it for typos, or ask the other "
                "community's organizer to send `/settings bridge` there for a new one.",
                {"code": given},
                EXAMPLE,
            )
        offer, offering = found
        if offer.used_at is not None:
            raise UsageError("That bridge code was already used. Ask for a new one.")
        if offer.expires_at <= ctx.now:
            raise UsageError(
                "That bridge code has expired (codes last 10 minutes). Ask the other "
                "community's organizer to send `/settings bridge` for a new one."
            )
        if offering.id == community.id:
            # Shown in its own group, the code is no secret any more: it stops working
            # (a reply, not an error, so that this write is kept).
            offer.used_at = ctx.now
            ctx.reply(
                "That code is from this community, so I cancelled it: whoever saw it here "
                "can't use it. An organizer of the *other* community redeems a code there; "
                "send `/settings bridge` for a new one and share it only with them."
            )
            return
        await bridges.lock([offering.id, community.id])  # two redemptions at once take turns
        await self._refuse_if_bridged(bridges, community)
        if (theirs := await self._partner_name(bridges, offering)) is not None:
            raise UsageError(
                "**{title}** is already bridged with **{there}**. A community shares with one "
                "other; its organizers can send `/settings bridge off` there first.",
                {"title": where(offering), "there": theirs},
            )
        offer.used_at = ctx.now
        bridge_id = await bridges.join(offering, community, ctx.now)
        ctx.reply(
            "🌉 **{here}** is now bridged with **{there}**. Requests, tips and the check-in "
            "board are shared: “how can I help?” lists requests from both, and anyone can "
            "help. `/settings bridge off` undoes it.",
            {"here": community.title, "there": where(offering)},
        )
        await self._announce(
            ctx,
            offering,
            f"bridge:{bridge_id}:join:{offering.id}",
            ctx.t_in(  # a post in the other group: that community's language
                offering.language,
                "🌉 This community is now bridged with **{there}** (its organizer redeemed "
                "the code from here). Requests, tips and the check-in board are shared. Not "
                "what you meant? `/settings bridge off` undoes it.",
                {"there": where(community)},
            ),
        )

    async def _refuse_if_bridged(self, bridges: BridgeRepository, community: Community) -> None:
        """A community shares with one other: say with whom it already does."""
        partner = await self._partner_name(bridges, community)
        if partner is not None:
            raise UsageError(
                "This community is already bridged with **{there}**. A community shares with "
                "one other; `/settings bridge off` first.",
                {"there": partner},
            )

    @staticmethod
    async def _partner_name(bridges: BridgeRepository, community: Community) -> str | None:
        shared = await bridges.circle(community.id)
        return ", ".join(where(other) for other in shared[1:]) or None

    async def _leave(self, ctx: Ctx) -> None:
        community, _ = ctx.group()
        bridges = BridgeRepository(ctx.repo.session)
        shared = await bridges.circle_ids(community.id)
        await bridges.lock(shared)
        others = await bridges.dissolve(community.id)
        if not others:
            raise UsageError(
                "This community isn't bridged. `/settings bridge` gives a code to bridge it.",
                example="/settings bridge",
            )
        released = await MentoringRepository(ctx.repo.session).release_claims_across(
            shared, ctx.now
        )

        def note(language: str) -> RichText | str:
            if not released:
                return ""
            return ctx.tn_in(
                language,
                " {count} request claimed from the other side is open again.",
                " {count} requests claimed from the other side are open again.",
                released,
            )

        ctx.reply(
            "This community no longer shares with {names}. Requests, tips and check-ins made "
            "so far stay where they were made.{note}",
            {"names": ", ".join(where(c) for c in others), "note": note(ctx.language)},
        )
        for other in others:
            await self._announce(
                ctx,
                other,
                f"bridge:leave:{community.id}:{other.id}:{ctx.now.isoformat()}",
                ctx.t_in(  # a post in the other group: that community's language
                    other.language,
                    "**{there}** left the bridge: its requests, tips and check-ins are no longer "
                    "shared here.{note}",
                    {"there": where(community), "note": note(other.language)},
                ),
            )

    @staticmethod
    async def _announce(ctx: Ctx, community: Community, key: str, text: RichText) -> None:
        await ctx.enqueue(
            key,
            Delivery(community.platform, chat_id=community.chat_id, community_id=community.id),
            OutMessage(text),
            due_at=ctx.now,
        )
