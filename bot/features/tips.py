"""Tips: mentors post them (here or everywhere), members search the library and vote."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.events import Button, Outbound, OutMessage
from bot.core.i18n import N_
from bot.core.markup import RichText, fmt, join, plain
from bot.core.numbers import read_number
from bot.core.paging import Page, PagedList, Pager
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry, Suggest, Where
from bot.core.router import MAX_INPUT
from bot.domain.tips import checked_tip, preview, search_terms
from bot.features.badges import BadgeAwarder
from bot.features.bridges import circle_ids
from bot.features.limits import check_tip_limit
from bot.features.linking import platform_name
from bot.features.tip_management import TipManagement
from storage.bridge_repo import BridgeRepository
from storage.models import Community, Membership, Role, Tip
from storage.outbox_repo import Delivery
from storage.tips_repo import TipLibrary

EXAMPLE = "/tip Send the invoice the day the work is done #invoicing"
EXAMPLE_ALL = "/tip all Price by value, not by hours #pricing"
HELPFUL_ACTION = "tip-helpful"
TIPS_LIST = "tips"
_ONE_TIP = re.compile(r"^#(\d{1,9})$")
RESULTS = 5
Fill = Callable[[str, Mapping[str, object] | None], RichText]
TIP_HEADING = N_("💡 **Tip #{id} from {author}**\n{text}")
DAILY_HEADING = N_("🌟 **Tip of the day** (#{id}, from {author})\n{text}")


def helpful_button(tip: Tip, label: str) -> tuple[Button, ...]:
    """The button row under a tip: one vote per person, pressing again takes it back."""
    return (Button(label, HELPFUL_ACTION, str(tip.id)),)


def tip_post(tip: Tip, author: str, heading: str = TIP_HEADING, t: Fill = fmt) -> OutMessage:
    """The message that posts a tip in a group, with its **Helpful** button."""
    values = {"id": tip.id, "author": author, "text": tip.text}
    label = plain(t("Helpful", None))
    return OutMessage(t(heading, values), (helpful_button(tip, label),), card=True)


class Tips:
    """`/tip`, `/tip all`, `/tips` and the **Helpful** button."""

    def __init__(self, registry: Registry, awarder: BadgeAwarder, pager: Pager) -> None:
        self._registry = registry
        self._awarder = awarder
        self._pager = pager
        self._managing = TipManagement()

    def register(self) -> None:
        """Declares this feature's commands and button."""
        self._registry.extend(
            [
                CommandSpec(
                    "tip",
                    "Post a tip to this community's library (mentors and organizers)",
                    self.tip,
                    EXAMPLE,
                    (Param("tip", ParamKind.TEXT, "The tip, with #topics", max_length=MAX_INPUT),),
                    details=(
                        "Mentors and organizers post; anyone else is told how to become a mentor. "
                        "`/tip all <text>` posts it to every community where you are a mentor "
                        "or organizer. `/tip edit <N> <text>` corrects your tip #N and "
                        "`/tip delete <N>` removes it; organizers may delete any tip of their "
                        "community. To start a tip with the word “all”, “edit” or “delete”, "
                        "write it with a capital letter."
                    ),
                    usage_override=(
                        "/tip <text> [#topic …] | /tip all <text> | /tip edit <N> <text> | "
                        "/tip delete <N>"
                    ),
                ),
                CommandSpec(
                    "tips",
                    "Search this community's tips (best first), or list the most helpful",
                    self.tips,
                    "/tips pricing #freelance",
                    (
                        Param(
                            "query",
                            ParamKind.TEXT,
                            "Words or #topic",
                            required=False,
                            max_length=200,
                            suggest=Suggest.TOPIC,
                        ),
                    ),
                    where=Where.GROUP,
                    details=(
                        "Results come a page at a time with Previous / Next buttons. Each tip "
                        "shows its number; `/tips #N` shows tip #N whole."
                    ),
                    usage_override="/tips [words | #topic | #N]",
                ),
            ]
        )
        self._registry.add_button(HELPFUL_ACTION, self.helpful)
        self._pager.add(PagedList(TIPS_LIST, self.tips_page, RESULTS))

    async def tip(self, ctx: Ctx, args: Args) -> None:
        """Posts a tip here, or with `all` first, everywhere the person mentors."""
        raw = str(args["tip"]).strip()
        first, *rest = raw.split(maxsplit=1)
        if first == "all":
            await self._tip_all(ctx, rest[0] if rest else "")
            return
        if first == "edit":
            await self._managing.edit(ctx, rest[0] if rest else "")
            return
        if first == "delete":
            await self._managing.delete(ctx, rest[0] if rest else "")
            return
        if not ctx.in_group:
            raise UsageError(
                "Post a tip in a group chat, or send `/tip all <text>` here to post it to "
                "every community where you are a mentor.",
                example=EXAMPLE_ALL,
            )
        community, _ = ctx.group()
        if not await ctx.may(Access.MENTOR):
            raise PermissionDenied(
                "Only mentors and organizers can post tips here. An organizer can make you a "
                "mentor with `/promote @you mentor`. Meanwhile, `/tips` searches the library."
            )
        text, topics = checked_tip(raw, EXAMPLE)
        await check_tip_limit(ctx)
        library = TipLibrary(ctx.repo.session)
        if await library.same_tip(community.id, ctx.person.id, text) is not None:
            raise UsageError("That tip is already in this library. Send `/tips` to find it.")
        tip = await library.add_tip(community.id, ctx.person.id, text, topics, ctx.now)
        ctx.outbound.append(Outbound(tip_post(tip, ctx.account.display_name, t=ctx.t)))
        await self._share(ctx, tip, community, {community.id})
        await self._awarder.check(ctx, community, ctx.person, ctx.account.display_name, "tips")

    async def _share(self, ctx: Ctx, tip: Tip, home: Community, covered: set[int]) -> None:
        """Posts a tip to the communities bridged with its home, each once (their library too)."""
        for other in (await BridgeRepository(ctx.repo.session).circle(home.id))[1:]:
            if other.id not in covered:
                covered.add(other.id)
                await self._post_to(ctx, tip, other)

    @staticmethod
    async def _post_to(ctx: Ctx, tip: Tip, community: Community) -> None:
        """Queues the tip's post in one community; the author's platform is named elsewhere."""
        author = ctx.account.display_name
        if community.platform != ctx.platform:
            author = f"{author} ({platform_name(ctx.platform)})"
        await ctx.enqueue(
            f"tip:{tip.id}:{community.platform}:{community.chat_id}",
            Delivery(
                community.platform,
                chat_id=community.chat_id,
                person_id=ctx.person.id,
                community_id=community.id,
            ),
            tip_post(tip, author, t=partial(ctx.t_in, community.language)),  # that group's
            due_at=ctx.now,
        )

    async def _tip_all(self, ctx: Ctx, raw: str) -> None:
        if not raw.strip():
            raise UsageError("What's the tip? Write it after `all`.", example=EXAMPLE_ALL)
        text, topics = checked_tip(raw, EXAMPLE_ALL)
        await check_tip_limit(ctx)
        targets = await self._mentored_communities(ctx)
        if not targets:
            raise PermissionDenied(
                "You are not a mentor or organizer in any community I know, so there is nowhere "
                "to post. An organizer can make you a mentor with `/promote @you mentor`."
            )
        library = TipLibrary(ctx.repo.session)
        posted: list[str] = []
        already: list[str] = []
        latest: Community | None = None
        covered: set[int] = set()  # a bridge shares one post: each community gets it once
        for community in targets:
            if community.id in covered:
                continue
            covered.add(community.id)
            if await library.same_tip(community.id, ctx.person.id, text) is not None:
                already.append(community.title or community.chat_id)
                continue
            tip = await library.add_tip(community.id, ctx.person.id, text, topics, ctx.now)
            await self._post_to(ctx, tip, community)
            await self._share(ctx, tip, community, covered)
            posted.append(community.title or community.chat_id)
            latest = community
        lines: list[RichText] = []
        if latest is not None:
            await self._awarder.check(ctx, latest, ctx.person, ctx.account.display_name, "tips")
            lines.append(
                ctx.tn(
                    "Your tip is on its way to {count} community: {names}.",
                    "Your tip is on its way to {count} communities: {names}.",
                    len(posted),
                    {"names": ", ".join(posted)},
                )
            )
        if already:
            lines.append(
                ctx.t("Already in the library of: {names}.", {"names": ", ".join(already)})
            )
        ctx.reply_rich(join(lines), private=True)

    async def _mentored_communities(self, ctx: Ctx) -> list[Community]:
        """Every community where the person is at least a mentor (platform admins count)."""
        found: list[Community] = []
        for membership in await ctx.repo.memberships_of(ctx.person.id):
            if await self._mentors_in(ctx, membership):
                found.append(membership.community)
        return sorted(found, key=lambda community: community.id)

    async def _mentors_in(self, ctx: Ctx, membership: Membership) -> bool:
        community = membership.community
        if ctx.community is not None and community.id == ctx.community.id:
            return await ctx.may(Access.MENTOR)
        if Role(membership.role).rank >= Role.MENTOR.rank:
            return True
        return community.platform == ctx.platform and await ctx.messenger.is_admin(
            community.chat_id, ctx.account.user_id
        )

    async def tips(self, ctx: Ctx, args: Args) -> None:
        """Searches the library (a bridge's is shared): best matches first, then helpful."""
        query = str(args.get("query", "")).strip()
        one = _ONE_TIP.match(query)
        if one is not None:
            await self._one(ctx, int(one.group(1)))
            return
        words, keys = search_terms(query)
        if query and not words and not keys:
            raise UsageError("Search with words or a #topic.", example="/tips pricing")
        await self._pager.show(ctx, TIPS_LIST, query)

    async def _one(self, ctx: Ctx, number: int) -> None:
        """`/tips #N`: one tip of this library in full, where lists show a preview."""
        tip = await TipLibrary(ctx.repo.session).get(number)
        if tip is None or tip.community_id not in await circle_ids(ctx):
            raise UsageError(
                "There is no tip #{number} in this library. `/tips` lists them with their numbers.",
                {"number": number},
                "/tips #12",
            )
        ctx.outbound.append(Outbound(tip_post(tip, tip.author.display_name, t=ctx.t)))

    async def tips_page(self, ctx: Ctx, query: str, offset: int, limit: int) -> Page:
        """One page of a search (or of the most helpful tips), each with its number."""
        words, keys = search_terms(query)
        library = TipLibrary(ctx.repo.session)
        shared = await circle_ids(ctx)
        result = await library.search(shared, words, keys, limit, offset)
        if not result.total:
            if await library.count(shared) == 0:
                empty = ctx.t(
                    "The tip library is empty so far. Mentors add tips with `/tip <text> #topic`."
                )
                return Page(0, empty)
            topics = await library.popular_topics(shared)
            nothing = ctx.t(
                "No tips match “{query}”. Topics in this library: {topics}. "
                "Try `/tips #{first}` or other words.",
                {
                    "query": query,
                    "topics": ", ".join(f"#{t}" for t in topics) or "—",
                    "first": topics[0] if topics else "pricing",
                },
            )
            return Page(0, nothing)
        if query:
            heading = ctx.t(
                "**Tips for “{query}”** ({total} found, best first)",
                {"query": query, "total": result.total},
            )
        else:
            heading = ctx.t(
                "**Most helpful tips** ({total} in all). Search with `/tips <words>` "
                "or `/tips #topic`.",
                {"total": result.total},
            )
        items = tuple(
            ctx.t(
                "**#{id}** {text} — {author} · 👍 {helpful}",
                {
                    "id": hit.tip.id,
                    "text": preview(hit.tip.text),
                    "author": hit.tip.author.display_name,
                    "helpful": hit.helpful,
                },
            )
            for hit in result.hits
        )
        if any(preview(hit.tip.text) != hit.tip.text for hit in result.hits):
            heading = join([heading, ctx.t("Long tips are shortened; `/tips #N` shows one whole.")])
        buttons = tuple(
            helpful_button(hit.tip, ctx.label("Helpful #{id}", {"id": hit.tip.id}))
            for hit in result.hits
        )
        return Page(result.total, heading, items, buttons)

    async def helpful(self, ctx: Ctx, payload: str) -> None:
        """Toggles the presser's helpful vote on a tip of this community."""
        library = TipLibrary(ctx.repo.session)
        tip_id = read_number(payload)  # payloads can be forged on some platforms
        tip = await library.get(tip_id) if tip_id else None
        if tip is None:
            ctx.reply(
                "That tip has been deleted, so it can't take votes any more. "
                "Send `/tips` to see the library.",
                private=True,
            )
            return
        if ctx.community is None or tip.community_id not in await circle_ids(ctx):
            ctx.reply("That tip belongs to another community's library.", private=True)
            return
        if tip.author_id == ctx.person.id:
            ctx.reply("That's your own tip; the others decide whether it helps.", private=True)
            return
        voted = await library.toggle_helpful(tip.id, ctx.person.id, ctx.now)
        count = await library.helpful_count(tip.id)
        template = N_(
            "Thanks! Tip #{id} is marked helpful ({count} so far). Press again to take it back."
            if voted
            else "Your helpful vote on tip #{id} is taken back ({count} left)."
        )
        ctx.reply(template, {"id": tip.id, "count": count}, private=True)
