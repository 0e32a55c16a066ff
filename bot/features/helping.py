"""Giving help: claim (command or button), unclaim, resolve with kudos, close, reopen."""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.core.numbers import read_number
from bot.core.registry import (
    Args,
    CommandSpec,
    Handler,
    Param,
    ParamKind,
    Registry,
    Suggest,
    Where,
)
from bot.features.badges import BadgeAwarder
from bot.features.bridges import circle_ids, organizes, where
from bot.features.limits import MAX_ACTIVE_CLAIMS
from bot.features.linking import platform_name
from bot.features.notify import can_dm, mention_of
from bot.features.requests_view import STATUS_TEXT, preview
from bot.features.savetip import save_button
from storage.bridge_repo import BridgeRepository
from storage.link_repo import LinkRepository
from storage.mentoring_repo import MentoringRepository
from storage.models import Account, HelpRequest, Person, RequestStatus
from storage.outbox_repo import Delivery
from storage.request_history_repo import RequestHistory, RequestStep

MAX_THANKS = 500
_NUMBER = Param("number", ParamKind.INT, "The request number, like 12", suggest=Suggest.REQUEST)
_OPEN_NUMBER = replace(_NUMBER, suggest=Suggest.OPEN_REQUEST)


def _spec(name: str, summary: str, handler: Handler, example: str, *extra: Param) -> CommandSpec:
    number = _OPEN_NUMBER if name == "claim" else _NUMBER
    return CommandSpec(name, summary, handler, example, (number, *extra), where=Where.GROUP)


async def _record(ctx: Ctx, request: HelpRequest, step: RequestStep) -> None:
    """Notes the step in the request's history, in the same transaction."""
    await RequestHistory(ctx.repo.session).record(request.id, step, ctx.person.id, ctx.now)


class Helping:
    """The helper's side of a request, and the asker's (or an organizer's) closing of it."""

    def __init__(
        self,
        registry: Registry,
        awarder: BadgeAwarder,
        max_active_claims: int = MAX_ACTIVE_CLAIMS,
    ) -> None:
        self._registry = registry
        self._awarder = awarder
        self._max_active = max_active_claims

    def register(self) -> None:
        """Declares the commands and the **I'll help** button."""
        self._registry.extend(
            [
                _spec("claim", "Offer to help with request #N", self.claim, "/claim 12"),
                _spec(
                    "unclaim", "Give request #N back to the open list", self.unclaim, "/unclaim 12"
                ),
                _spec(
                    "resolve",
                    "Mark request #N solved and thank the helper",
                    self.resolve,
                    "/resolve 12 Thanks, that worked!",
                    Param(
                        "thanks",
                        ParamKind.TEXT,
                        "A thank-you note",
                        required=False,
                        max_length=MAX_THANKS,
                    ),
                ),
                _spec("close", "Close request #N without kudos", self.close, "/close 12"),
                _spec("reopen", "Reopen request #N", self.reopen, "/reopen 12"),
            ]
        )
        self._registry.add_button("claim", self.claim_button)

    async def _find(self, ctx: Ctx, args: Args) -> HelpRequest:
        """Request #N here, else in a bridged community (numbers are shared once bridged)."""
        number = int(args["number"])
        found = await MentoringRepository(ctx.repo.session).numbered(await circle_ids(ctx), number)
        if not found:
            raise UsageError(
                "There is no request #{number} here. See `/requests`.",
                {"number": number},
                "/requests",
            )
        if len(found) > 1:  # numbered on both sides before the bridge: this side's wins
            ctx.reply(
                "(There is also a #{number} in **{there}**, from before the bridge; its "
                "**I'll help** button in “how can I help?” reaches it.)",
                {"number": number, "there": where(found[1].community)},
            )
        return found[0]

    async def claim(self, ctx: Ctx, args: Args) -> None:
        """Claims by number."""
        await self._claim(ctx, await self._find(ctx, args))

    async def claim_button(self, ctx: Ctx, payload: str) -> None:
        """Claims from an **I'll help** button, in the group or in a DM."""
        request_id = read_number(payload)
        request = (
            await MentoringRepository(ctx.repo.session).by_id(request_id) if request_id else None
        )
        if request is None:
            raise UsageError("That request no longer exists.")
        bridged = await BridgeRepository(ctx.repo.session).circle_ids(request.community_id)
        memberships = [await ctx.repo.membership(c, ctx.person.id) for c in bridged]
        if not any(memberships):
            raise PermissionDenied(
                "Join **{title}** first to help there.", {"title": request.community.title}
            )
        await self._claim(ctx, request)

    async def _claim(self, ctx: Ctx, request: HelpRequest) -> None:
        mentoring = MentoringRepository(ctx.repo.session)
        values = {"number": request.number}
        if request.asker_id == ctx.person.id:
            raise UsageError("#{number} is your own request; someone else will pick it up.", values)
        if request.status in (RequestStatus.RESOLVED.value, RequestStatus.CLOSED.value):
            raise UsageError(
                # Translators: {status} is a translated word: "resolved" or "closed".
                "#{number} is already {status}.",
                {**values, "status": ctx.t(STATUS_TEXT[request.status])},
            )
        if request.status == RequestStatus.CLAIMED.value:
            await self._taken(ctx, request)
        if await mentoring.active_claims(ctx.person.id) >= self._max_active:
            raise UsageError(
                "You're already helping with {limit} requests. Resolve or `/unclaim` one first.",
                {"limit": self._max_active},
            )
        if not await mentoring.try_claim(request.id, ctx.person.id, ctx.now):
            fresh = await mentoring.by_id(request.id)
            if fresh is not None:
                await self._taken(ctx, fresh)
            raise UsageError("#{number} can't be claimed right now.", values)
        await _record(ctx, request, RequestStep.CLAIMED)
        await self._introduce(ctx, request)

    async def _taken(self, ctx: Ctx, request: HelpRequest) -> None:
        if request.helper_id == ctx.person.id:
            raise UsageError("You're already helping with #{number}.", {"number": request.number})
        name = request.helper.display_name if request.helper is not None else ctx.t("someone")
        raise UsageError(
            "#{number} is already claimed by {name}.", {"number": request.number, "name": name}
        )

    async def _introduce(self, ctx: Ctx, request: HelpRequest) -> None:
        """Names both in the request's group, and by DM on each person's own platform."""
        community = request.community
        asker = await ctx.repo.account_of(request.asker_id, community.platform)
        helper_there = await ctx.repo.account_of(ctx.person.id, community.platform)
        helper_name = ctx.account.display_name
        if helper_there is None:  # helping across a bridge: named as their platform shows them
            helper_name = f"{helper_name} ({platform_name(ctx.platform)})"
        asker_name = asker.display_name if asker else request.asker.display_name
        values = {
            "helper": mention_of(helper_there) if helper_there else helper_name,
            "asker": mention_of(asker) if asker else asker_name,
            "number": request.number,
            "question": preview(request.question),  # the group read it; the claimer gets it whole
        }
        intro = ctx.t_in(  # posted in the request's group: that community's language
            community.language, "🤝 {helper} will help {asker} with #{number}: “{question}”", values
        )
        if ctx.community is not None and ctx.community.id == community.id and ctx.in_group:
            ctx.reply_rich(intro)
        else:
            await ctx.enqueue(
                f"claim:{request.id}:{ctx.now.isoformat()}:group",
                Delivery(community.platform, chat_id=community.chat_id, community_id=community.id),
                OutMessage(intro),
                due_at=ctx.now,
            )
            if ctx.community is not None:  # claimed from a bridged community
                ctx.reply(
                    "🤝 You're helping {asker} with #{number}: “{question}”. I told them in "
                    "**{there}**.",
                    {
                        **values,
                        "asker": f"{asker_name} ({platform_name(community.platform)})",
                        "question": request.question,
                        "there": where(community),
                    },
                )
            else:
                ctx.reply("You're helping with #{number}. I told the group.", values)
        if community.platform != ctx.platform:
            asker_name = f"{asker_name} ({platform_name(community.platform)})"
        plain_values = {**values, "helper": helper_name, "asker": asker_name}
        for account, template, question in (
            (
                asker,
                N_("{helper} will help you with #{number}: “{question}”. Say hello!"),
                values["question"],
            ),
            (
                ctx.account,
                N_(
                    "You're helping {asker} with #{number}: “{question}”. When it's solved, "
                    "they can `/resolve {number}`."
                ),
                request.question,
            ),
        ):
            if account is not None and can_dm(account):
                await ctx.enqueue(
                    f"claim:{request.id}:{ctx.now.isoformat()}:dm:{account.person_id}",
                    Delivery(
                        account.platform,
                        user_id=account.user_id,
                        person_id=account.person_id,
                        community_id=community.id,
                    ),
                    OutMessage(
                        await ctx.t_for(
                            account,
                            template,
                            {**plain_values, "question": question},
                            about=community,
                        )
                    ),
                    due_at=ctx.now,
                )

    async def unclaim(self, ctx: Ctx, args: Args) -> None:
        """The helper gives the request back."""
        request = await self._find(ctx, args)
        if request.status != RequestStatus.CLAIMED.value or request.helper_id != ctx.person.id:
            raise UsageError("You're not helping with #{number}.", {"number": request.number})
        request.status = RequestStatus.OPEN.value
        request.helper_id = None
        request.claimed_at = None
        await _record(ctx, request, RequestStep.UNCLAIMED)
        ctx.reply("#{number} is open again. Anyone can offer help.", {"number": request.number})

    async def _owner_or_organizer(self, ctx: Ctx, request: HelpRequest, command: str) -> None:
        if request.asker_id != ctx.person.id and not await organizes(ctx, request.community_id):
            raise PermissionDenied(
                "Only the asker or an organizer can use `/{command}` on #{number}.",
                {"command": command, "number": request.number},
            )

    async def resolve(self, ctx: Ctx, args: Args) -> None:
        """Marks the request solved; the helper gets kudos."""
        request = await self._find(ctx, args)
        await self._owner_or_organizer(ctx, request, "resolve")
        if request.status in (RequestStatus.RESOLVED.value, RequestStatus.CLOSED.value):
            raise UsageError(
                # Translators: {status} is a translated word: "resolved" or "closed".
                "#{number} is already {status}.",
                {"number": request.number, "status": ctx.t(STATUS_TEXT[request.status])},
            )
        thanks = str(args.get("thanks", "")).strip()
        request.status = RequestStatus.RESOLVED.value
        request.resolved_at = ctx.now
        request.thanks = thanks or None
        await _record(ctx, request, RequestStep.RESOLVED)
        if request.helper_id is None:
            ctx.reply("#{number} is resolved. Glad it worked out!", {"number": request.number})
            return
        await MentoringRepository(ctx.repo.session).add_kudos(
            request.community_id, request.asker_id, request.helper_id, thanks, ctx.now, request.id
        )
        helper = await ctx.repo.account_of(request.helper_id, ctx.platform)
        person = await ctx.repo.session.get(Person, request.helper_id)
        elsewhere = await self._helper_elsewhere(ctx, request) if helper is None else None
        if helper is not None:
            shown_helper: object = ctx.mention(helper)
        elif elsewhere is not None:
            shown_helper = f"{elsewhere.display_name} ({platform_name(elsewhere.platform)})"
        else:
            shown_helper = ctx.t("the helper")
        values = {
            "number": request.number,
            "helper": shown_helper,
            "thanks": ctx.t("\n“{text}”", {"text": thanks}) if thanks else "",
        }
        ctx.reply(
            # Translators: {thanks} is empty or a new line with the thank-you note in quotes.
            "✅ #{number} is resolved. Kudos to {helper}!{thanks}\n"
            "Worth keeping? Save it to the tips library.",
            values,
            buttons=((save_button(request, ctx.t),),),
        )
        if elsewhere is not None and can_dm(elsewhere):  # across a bridge: thank them at home
            theirs = await ctx.language_of(elsewhere, request.community)
            await ctx.enqueue(
                f"resolve:{request.id}:{ctx.now.isoformat()}:dm",
                Delivery(
                    elsewhere.platform,
                    user_id=elsewhere.user_id,
                    person_id=elsewhere.person_id,
                    community_id=request.community_id,
                ),
                OutMessage(
                    ctx.t_in(
                        theirs,
                        "✅ {asker} marked #{number} resolved in **{there}**. Kudos to you!"
                        "{thanks}",
                        {
                            **values,
                            "asker": ctx.account.display_name,
                            "there": where(request.community),
                            "thanks": ctx.t_in(theirs, "\n“{text}”", {"text": thanks})
                            if thanks
                            else "",
                        },
                    )
                ),
                due_at=ctx.now,
            )
        if person is not None:
            name = helper.display_name if helper else person.display_name
            await self._awarder.check(ctx, request.community, person, name, "helped")

    @staticmethod
    async def _helper_elsewhere(ctx: Ctx, request: HelpRequest) -> Account | None:
        """The helper's account on another platform (they helped across a bridge)."""
        if request.helper_id is None:
            return None
        accounts = await LinkRepository(ctx.repo.session).accounts_of(request.helper_id)
        elsewhere = [a for a in accounts if a.platform != ctx.platform]
        return elsewhere[0] if elsewhere else None

    async def close(self, ctx: Ctx, args: Args) -> None:
        """Closes without kudos."""
        request = await self._find(ctx, args)
        await self._owner_or_organizer(ctx, request, "close")
        if request.status == RequestStatus.CLOSED.value:
            raise UsageError("#{number} is already closed.", {"number": request.number})
        if request.status == RequestStatus.RESOLVED.value:
            raise UsageError(
                "#{number} is resolved; `/reopen {number}` first.", {"number": request.number}
            )
        request.status = RequestStatus.CLOSED.value
        await _record(ctx, request, RequestStep.CLOSED)
        ctx.reply("#{number} is closed.", {"number": request.number})

    async def reopen(self, ctx: Ctx, args: Args) -> None:
        """Back to open; a resolution's kudos are taken back."""
        request = await self._find(ctx, args)
        await self._owner_or_organizer(ctx, request, "reopen")
        if request.status == RequestStatus.OPEN.value:
            raise UsageError("#{number} is already open.", {"number": request.number})
        await MentoringRepository(ctx.repo.session).drop_help_kudos(request.id)
        request.status = RequestStatus.OPEN.value
        request.helper_id = None
        request.claimed_at = request.resolved_at = request.escalated_at = None
        request.thanks = None
        await _record(ctx, request, RequestStep.REOPENED)
        ctx.reply("#{number} is open again.", {"number": request.number})
