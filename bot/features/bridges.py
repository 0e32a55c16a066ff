"""Bridges: organizers of two communities (say a Telegram group and a Discord channel) join
them so that requests, tips and the check-in board are shared.

Both sides confirm: an organizer of one community asks for a one-time code (sent privately),
an organizer of the other redeems it there. Either side can leave again.
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
from storage.models import Community
from storage.outbox_repo import Delivery

CODE_LIFETIME = timedelta(minutes=10)
MAX_BRIDGED = 5  # a bridge fans every /ask and tip out to each community in it
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


async def circles_of_person(ctx: Ctx) -> list[int]:
    """Every community the person belongs to, with those bridged with them (for DMs)."""
    bridges = BridgeRepository(ctx.repo.session)
    found: dict[int, None] = {}
    for membership in await ctx.repo.memberships_of(ctx.person.id):
        for community_id in await bridges.circle_ids(membership.community_id):
            found[community_id] = None
    return list(found)


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
            raise UsageError(
                "That code is from this community. An organizer of the *other* community "
                "sends it there."
            )
        mine = await bridges.bridge_of(community.id)
        theirs = await bridges.bridge_of(offering.id)
        if mine is not None and mine == theirs:
            raise UsageError(
                "**{title}** is already bridged with this community.", {"title": where(offering)}
            )
        if mine is not None and theirs is not None:
            raise UsageError(
                "Both communities are already in other bridges. Send `/settings bridge off` in "
                "one of them first."
            )
        existing = mine if mine is not None else theirs
        joined = (await bridges.size(existing) if existing is not None else 1) + 1
        if joined > MAX_BRIDGED:
            raise UsageError("A bridge joins at most {limit} communities.", {"limit": MAX_BRIDGED})
        offer.used_at = ctx.now
        bridge_id = await bridges.join(offering.id, community.id, ctx.now)
        ctx.reply(
            "🌉 **{here}** is now bridged with **{there}**. Requests, tips and the check-in "
            "board are shared: “how can I help?” lists requests from both, and anyone can "
            "help. `/settings bridge off` undoes it.",
            {"here": community.title, "there": where(offering)},
        )
        for other in (await bridges.circle(community.id))[1:]:
            await self._announce(
                ctx,
                other,
                f"bridge:{bridge_id}:join:{community.id}:{ctx.now.isoformat()}",
                ctx.t(
                    "🌉 This community is now bridged with **{there}** (confirmed by an "
                    "organizer of each). Requests, tips and the check-in board are shared. "
                    "`/settings bridge off` undoes it.",
                    {"there": where(community)},
                ),
            )

    async def _leave(self, ctx: Ctx) -> None:
        community, _ = ctx.group()
        others = await BridgeRepository(ctx.repo.session).leave(community.id)
        if not others:
            raise UsageError(
                "This community isn't bridged. `/settings bridge` gives a code to bridge it.",
                example="/settings bridge",
            )
        ctx.reply(
            "This community no longer shares with {names}. Requests, tips and check-ins made "
            "so far stay where they were made.",
            {"names": ", ".join(where(c) for c in others)},
        )
        for other in others:
            await self._announce(
                ctx,
                other,
                f"bridge:leave:{community.id}:{other.id}:{ctx.now.isoformat()}",
                ctx.t(
                    "**{there}** left the bridge: its requests, tips and check-ins are no longer "
                    "shared here.",
                    {"there": where(community)},
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
