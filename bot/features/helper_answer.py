"""When a resolve note is only thanks, the tip needs the helper's answer: ask them for it."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.events import OutMessage
from bot.features.notify import can_dm
from storage.link_repo import LinkRepository
from storage.models import Account, HelpRequest
from storage.outbox_repo import Delivery


async def reachable_helper(ctx: Ctx, request: HelpRequest) -> Account | None:
    """The helper's account a DM can reach: on the request's platform first, else another."""
    if request.helper_id is None:
        return None
    accounts = await LinkRepository(ctx.repo.session).accounts_of(request.helper_id)
    accounts.sort(key=lambda account: account.platform != request.community.platform)
    return next((account for account in accounts if can_dm(account)), None)


async def ask_the_helper(ctx: Ctx, request: HelpRequest) -> None:
    """DMs the helper the question and how to answer; saves nothing until they do."""
    helper = request.helper
    if helper is None:
        return
    values = {
        "helper": helper.display_name,
        "asker": ctx.account.display_name,
        "number": request.number,
        "title": request.community.title or request.community.chat_id,
        "question": request.question,
    }
    account = await reachable_helper(ctx, request)
    if account is None:
        ctx.reply(
            "{helper}, what solved #{number}? Send `/savetip {number} <your answer>` here and "
            "it becomes a tip in your words.",
            {**values, "helper": await _mention_here(ctx, helper.id, helper.display_name)},
        )
        return
    asked = await ctx.enqueue(
        f"savetip-ask:{request.id}",
        Delivery(
            account.platform,
            user_id=account.user_id,
            person_id=account.person_id,
            community_id=request.community_id,
            about_person_id=request.asker_id,  # the question is the asker's words
        ),
        OutMessage(
            await ctx.t_for(
                account,
                "{asker} would like to save #{number} from **{title}** as a tip:\n“{question}”\n"
                "What solved it? Send `/savetip {number} <your answer>` in the group, and the "
                "tip is saved in your own words.",
                values,
                about=request.community,
            )
        ),
        due_at=ctx.now,
    )
    if asked:
        ctx.reply(
            "The note on #{number} is only thanks, so I asked {helper} for their answer. "
            "The tip is saved when they send it.",
            values,
        )
    else:
        ctx.reply(
            "I've already asked {helper} for their answer to #{number}. The tip is saved when "
            "they send it.",
            values,
        )


async def _mention_here(ctx: Ctx, helper_id: int, name: str) -> object:
    """The helper pinged in this chat when they have an account on its platform, else named."""
    account = await ctx.repo.account_of(helper_id, ctx.platform)
    return ctx.mention(account) if account is not None else name
