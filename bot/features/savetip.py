"""`/savetip <N>` and the **Save as tip** button: a solved request becomes a library tip."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.events import Button
from bot.core.markup import Fill, plain
from bot.core.numbers import read_number
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry, Suggest, Where
from bot.domain.thanks import is_only_thanks
from bot.domain.tips import MAX_TIP_LENGTH
from bot.features.bridges import circle_ids, organizes
from bot.features.helper_answer import ask_the_helper
from bot.features.tips import tip_post
from storage.mentoring_repo import MentoringRepository
from storage.models import HelpRequest, RequestStatus, Tip
from storage.tips_repo import TipLibrary

EXAMPLE = "/savetip 12 Price at 3× material cost, then test"
SAVE_ACTION = "savetip"


def save_button(request: HelpRequest, t: Fill) -> Button:
    """Offered when a request is resolved."""
    return Button(plain(t("Save as tip", None)), SAVE_ACTION, str(request.id))


class SaveTip:
    """Turns resolved help into knowledge the whole community can search."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares /savetip and its button."""
        self._registry.add_command(
            CommandSpec(
                "savetip",
                "Turn resolved request #N into a tip (asker, helper or organizer)",
                self.savetip,
                EXAMPLE,
                (
                    Param(
                        "number",
                        ParamKind.INT,
                        "The resolved request's number",
                        suggest=Suggest.REQUEST,
                    ),
                    Param("answer", ParamKind.TEXT, "What solved it", required=False),
                ),
                where=Where.GROUP,
                details="Without an answer, the resolve note is used when it says what solved "
                "it; a note that is only thanks makes me ask the helper for their answer.",
            )
        )
        self._registry.add_button(SAVE_ACTION, self.save_button)

    async def savetip(self, ctx: Ctx, args: Args) -> None:
        """Saves request #N of this community."""
        number = int(args["number"])
        found = await MentoringRepository(ctx.repo.session).numbered(await circle_ids(ctx), number)
        if not found:
            raise UsageError("There is no request #{number} here.", {"number": number}, EXAMPLE)
        await self._save(ctx, found[0], str(args.get("answer", "")).strip())

    async def save_button(self, ctx: Ctx, payload: str) -> None:
        """Saves from the button under a resolution: the note if it is an answer, else asks."""
        mentoring = MentoringRepository(ctx.repo.session)
        request_id = read_number(payload)
        request = await mentoring.by_id(request_id) if request_id else None
        if (
            request is None
            or ctx.community is None
            or request.community_id not in await circle_ids(ctx)
        ):
            raise UsageError("That request is no longer here.")
        await self._save(ctx, request, "")

    async def _save(self, ctx: Ctx, request: HelpRequest, answer: str) -> None:
        involved = ctx.person.id in (request.asker_id, request.helper_id)
        if not involved and not await organizes(ctx, request.community_id):
            raise PermissionDenied(
                "Only the asker, the helper or an organizer can save #{number} as a tip.",
                {"number": request.number},
            )
        if request.status != RequestStatus.RESOLVED.value:
            raise UsageError(
                "#{number} isn't resolved yet; resolve it first with `/resolve {number}`.",
                {"number": request.number},
                EXAMPLE,
            )
        existing = await ctx.repo.session.scalar(
            select(Tip.id).where(Tip.source_request_id == request.id)
        )
        if existing is not None:
            raise UsageError(
                "#{number} is already tip #{tip}.", {"number": request.number, "tip": existing}
            )
        if not answer:
            helper = request.helper.display_name if request.helper is not None else ""
            note = request.thanks or ""
            if not is_only_thanks(note, helper):
                answer = note
            elif request.helper_id is not None and request.helper_id != ctx.person.id:
                await ask_the_helper(ctx, request)
                return
            else:
                raise UsageError(
                    "Add what solved it, so the tip is useful to the next person.",
                    example=f"/savetip {request.number} Price at 3× material cost, then test",
                )
        text = f"Q: {request.question}\nA: {answer}"
        if len(text) > MAX_TIP_LENGTH:
            raise UsageError(
                "That tip would be {length} characters; the limit is {limit}. Shorten the answer.",
                {"length": len(text), "limit": MAX_TIP_LENGTH},
                EXAMPLE,
            )
        author_id = request.helper_id or request.asker_id
        topics = [(topic.key, topic.label) for topic in request.topics]
        tip = await TipLibrary(ctx.repo.session).add_tip(
            request.community_id, author_id, text, topics, ctx.now, source_request_id=request.id
        )
        author = request.helper or request.asker
        post = tip_post(tip, author.display_name, t=ctx.t)
        ctx.reply_rich(
            (*ctx.t("Saved #{number} as a tip. Thanks!\n", {"number": request.number}), *post.text)
        )
