"""Asking for help: /ask with routing to matching skills, "how can I help?", /requests."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import partial

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.core.markup import Fill
from bot.core.paging import Page, PagedList, Pager
from bot.core.registry import (
    Access,
    Args,
    CommandSpec,
    Param,
    ParamKind,
    Registry,
    TextTrigger,
    Where,
)
from bot.domain.matching import overlap, split_tags, topics_in_text
from bot.domain.offers import is_offer
from bot.domain.topics import parse_topics
from bot.features.bridges import circle, circle_ids, circles_of_person, where
from bot.features.limits import check_request_limit
from bot.features.linking import platform_name
from bot.features.notify import Buttons, notify
from bot.features.readers import buttons_for_reader, dm_for_reader
from bot.features.requests_view import help_button, line, preview
from storage.mentoring_repo import MemberReach, MentoringRepository
from storage.models import HelpRequest, RequestStatus, TopicKind
from storage.outbox_repo import Delivery

ASK_EXAMPLE = "/ask How should I price handmade candles? #pricing"
MAX_QUESTION = 4000
"""Helpers get the whole question, split over several messages where a platform needs it."""
MAX_LISTED = 10
MAX_OPEN = 10_000
"""Open requests sorted for "how can I help?" in one go (matching is fuzzy, so in Python)."""
REQUESTS_LIST = "requests"
CAN_HELP_LIST = "canhelp"
_CAN_HELP = re.compile(
    r"^\s*(how\s+(can|may|could)\s+i\s+help(\s+out)?|can\s+i\s+help|what\s+can\s+i\s+help\s+with"
    r"|who\s+needs\s+help|(does\s+)?any\s*one\s+needs?\s+help)\s*[?!.…]*\s*$",
    re.IGNORECASE,
)


def is_can_help(text: str) -> bool:
    """Whether plain text is a member offering help."""
    return bool(_CAN_HELP.match(text)) or is_offer(text)


def matching_helpers(
    reach: list[MemberReach], asker_id: int, topics: list[str]
) -> list[MemberReach]:
    """Members (not the asker, not away) whose skills cover a topic of the request."""
    return [
        member
        for member in reach
        if member.person_id != asker_id and not member.away and overlap(member.skills, topics)
    ]


class Mentoring:
    """Opens requests and routes them; lists what is open."""

    def __init__(self, registry: Registry, pager: Pager) -> None:
        self._registry = registry
        self._pager = pager

    def register(self) -> None:
        """Declares /ask, /canhelp, /requests and the "how can I help?" trigger."""
        self._registry.extend(
            [
                CommandSpec(
                    "ask",
                    "Ask for help; members with matching skills are told",
                    self.ask,
                    ASK_EXAMPLE,
                    (
                        Param(
                            "question",
                            ParamKind.TEXT,
                            "Your question, with optional #topics",
                            max_length=4000,
                        ),
                    ),
                    where=Where.GROUP,
                    usage_override="/ask <question> [#topic …]",
                ),
                CommandSpec(
                    "canhelp",
                    "Open requests you could help with (same as “how can I help?”)",
                    self.can_help,
                    "/canhelp",
                    access=Access.ANYONE,
                ),
                CommandSpec(
                    "requests",
                    "List this community's requests: open (default), mine or all",
                    self.requests,
                    "/requests mine",
                    (
                        Param(
                            "which",
                            ParamKind.CHOICE,
                            "Which requests",
                            required=False,
                            choices=("open", "mine", "all"),
                        ),
                    ),
                    where=Where.GROUP,
                ),
            ]
        )
        self._registry.add_trigger(TextTrigger("how can I help", is_can_help, self.can_help))
        self._pager.add(PagedList(REQUESTS_LIST, self.requests_page, MAX_LISTED))
        self._pager.add(PagedList(CAN_HELP_LIST, self.can_help_page, MAX_LISTED))

    async def ask(self, ctx: Ctx, args: Args) -> None:
        """Opens request #N and notifies the members whose skills match."""
        question, tags = split_tags(str(args["question"]))
        if not question:
            raise UsageError("Add your question, not only #topics.", example=ASK_EXAMPLE)
        request, helpers = await self.open_and_route(ctx, question, tags, ASK_EXAMPLE)
        values = {
            "number": request.number,
            "question": preview(question),
            "topics": ", ".join(topic.label for topic in request.topics),
        }
        if helpers:
            note = ctx.tn(
                "I told {count} member with matching skills ({topics}).",
                "I told {count} members with matching skills ({topics}).",
                len(helpers),
                {"topics": values["topics"]},
            )
        elif request.topics:
            note = ctx.t("Nobody here lists {topics} as a skill yet.", values)
        else:
            note = ctx.t("Add #topics next time so I can route it to the right people.")
        ctx.reply(
            "Request **#{number}** is open: “{question}”\n{note}\n"
            "Anyone can offer help with “how can I help?” or the button.",
            {**values, "note": note},
            buttons=((help_button(request, ctx.t),),),
        )

    async def open_and_route(
        self, ctx: Ctx, question: str, tags: list[str], example: str
    ) -> tuple[HelpRequest, list[MemberReach]]:
        """Opens a request in this community and notifies members whose skills match it."""
        community, _ = ctx.group()
        await check_request_limit(ctx)
        if len(question) > MAX_QUESTION:
            raise UsageError(
                "Your question is too long ({length} characters; the limit is {limit}). "
                "Ask the core of it and share details with your helper.",
                {"length": len(question), "limit": MAX_QUESTION},
                example,
            )
        mentoring = MentoringRepository(ctx.repo.session)
        reaches = [
            (shared, await mentoring.reach(shared.id, shared.platform, ctx.now.date()))
            for shared in await circle(ctx)
        ]
        if tags:
            topics = parse_topics(", ".join(tags), example)
        else:
            skills = (skill for _, reach in reaches for member in reach for skill in member.skills)
            known = list(dict.fromkeys(skills))
            topics = [(label.casefold(), label) for label in topics_in_text(question, known)]
        request = await mentoring.open_request(
            community.id, ctx.person.id, question, topics, ctx.now
        )
        labels = [label for _, label in topics]
        told: list[MemberReach] = []
        seen = {ctx.person.id}  # someone in two bridged communities hears it once
        for shared, reach in reaches:
            helpers = [
                m for m in matching_helpers(reach, ctx.person.id, labels) if m.person_id not in seen
            ]
            seen.update(member.person_id for member in helpers)
            told += helpers
            home = shared.id == community.id
            values = {
                "asker": ctx.account.display_name
                if home
                else f"{ctx.account.display_name} ({platform_name(ctx.platform)})",
                "title": community.title if home else where(community),
                "number": request.number,
                "question": question,
                "topics": ", ".join(labels),
            }
            group_t = partial(ctx.t_in, shared.language)  # that group's posts: its language

            def buttons(t: Fill, request: HelpRequest = request) -> Buttons:
                return ((help_button(request, t),),)

            await notify(
                self._enqueuer(ctx),
                shared,
                [member.account for member in helpers],
                dm_for_reader(
                    ctx,
                    "**{asker}** asked for help in **{title}** (#{number}, {topics}):\n"
                    "“{question}”",
                    values,
                    about=shared,
                ),
                ctx.t_in(
                    shared.language,
                    "{asker} needs help with {topics} (#{number}): “{question}”",
                    values,
                ),
                f"ask:{request.id}" if home else f"ask:{request.id}:c{shared.id}",
                buttons(group_t),
                dm_buttons=buttons_for_reader(ctx, buttons, about=shared),
            )
        return request, told

    @staticmethod
    def _enqueuer(ctx: Ctx) -> Callable[[str, Delivery, OutMessage], Awaitable[bool]]:
        async def enqueue_now(key: str, delivery: Delivery, message: OutMessage) -> bool:
            return await ctx.enqueue(key, delivery, message, due_at=ctx.now)

        return enqueue_now

    async def can_help(self, ctx: Ctx, args: Args) -> None:
        """Lists open requests, the ones matching the speaker's skills first, with buttons."""
        await self._pager.show(ctx, CAN_HELP_LIST)

    async def can_help_page(self, ctx: Ctx, query: str, offset: int, limit: int) -> Page:
        """One page of the open requests others asked, matching the reader's skills first."""
        mentoring = MentoringRepository(ctx.repo.session)
        if ctx.community is not None:
            community_ids = await circle_ids(ctx)
        else:
            community_ids = await circles_of_person(ctx)
        found = (
            await mentoring.listing(community_ids, [RequestStatus.OPEN], limit=MAX_OPEN)
            if community_ids
            else []
        )
        candidates = [request for request in found if request.asker_id != ctx.person.id]
        if not candidates:
            return Page(
                0,
                ctx.t(
                    "Nothing is open right now. Thank you for offering! Keep your `/skills` up "
                    "to date so I can route requests to you."
                ),
            )
        skills = [topic.label for topic in await ctx.repo.topics(ctx.person.id, TopicKind.SKILL)]
        candidates.sort(
            key=lambda r: (not overlap(skills, [t.label for t in r.topics]), r.created_at, r.id)
        )
        shown = candidates[offset : offset + limit]
        heading = ctx.t(
            "**Open requests** (matching your skills first; `/request N` shows one in full):"
        )
        buttons = tuple((help_button(request, ctx.t),) for request in shown)
        return Page(len(candidates), heading, tuple(line(ctx, r) for r in shown), buttons)

    async def requests(self, ctx: Ctx, args: Args) -> None:
        """Lists this community's requests (and those of communities bridged with it)."""
        await self._pager.show(ctx, REQUESTS_LIST, str(args.get("which", "open")))

    async def requests_page(self, ctx: Ctx, which: str, offset: int, limit: int) -> Page:
        """One page of `/requests open|mine|all`, newest first."""
        if which not in _WHICH:
            which = "open"
        statuses, title, empty = _WHICH[which]
        mentoring = MentoringRepository(ctx.repo.session)
        shared = await circle_ids(ctx)
        person_id = ctx.person.id if which == "mine" else None
        total = await mentoring.count_listed(shared, statuses, person_id)
        if not total:
            return Page(0, ctx.t(empty))
        found = await mentoring.listing(shared, statuses, person_id, limit, offset)
        heading = ctx.t(
            "**{title}** ({total}; `/request N` shows one in full)",
            {"title": ctx.t(title), "total": total},
        )
        return Page(total, heading, tuple(line(ctx, r) for r in found))


_WHICH: dict[str, tuple[list[RequestStatus] | None, str, str]] = {
    "open": (
        [RequestStatus.OPEN, RequestStatus.CLAIMED],
        N_("Open requests"),
        N_("No open requests here. Ask with `/ask <question> #topic`."),
    ),
    "mine": (
        None,
        N_("Your requests"),
        N_("You have no requests here. Ask with `/ask <question> #topic`."),
    ),
    "all": (
        None,
        N_("All requests"),
        N_("No requests here yet. Ask with `/ask <question> #topic`."),
    ),
}
