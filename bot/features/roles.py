"""`/promote` and `/demote`: role changes that say exactly what changed, and write only then."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import N_
from bot.core.registry import Args
from storage.models import Role

PROMOTE_EXAMPLE = "/promote @alice mentor"
ROLE_NAME = {
    Role.MEMBER.value: N_("member"),
    Role.MENTOR.value: N_("mentor"),
    Role.ORGANIZER.value: N_("organizer"),
}
"""A role as a word (`/join` and `/profile` show it)."""
A_ROLE = {
    Role.MEMBER: N_("a member"),
    Role.MENTOR: N_("a mentor"),
    Role.ORGANIZER: N_("an organizer"),
}


async def promote(ctx: Ctx, args: Args) -> None:
    """Raises a member to mentor or organizer; anything else is refused with the reason."""
    account, membership = await ctx.member(str(args["person"]))
    community, _ = ctx.group()
    wanted = Role(str(args["role"]))
    stored = Role(membership.role)
    values = {"name": account.display_name, "role": ctx.t(A_ROLE[wanted])}
    if account.person_id == ctx.person.id:
        raise UsageError(
            "You can't change your own role; another organizer can. Nothing changed.",
            example=PROMOTE_EXAMPLE,
        )
    if stored is wanted:
        ctx.reply("{name} is already {role} here. Nothing changed.", values)
        return
    if stored.rank > wanted.rank:
        ctx.reply(
            "{name} is an organizer here, which already includes everything a mentor can do. "
            "Nothing changed. To make them only a mentor, `/demote` them first.",
            values,
        )
        return
    if await ctx.messenger.is_admin(community.chat_id, account.user_id):
        ctx.reply(
            "{name} administers this chat, so they are an organizer here already. Nothing changed.",
            values,
        )
        return
    membership.role = wanted.value
    ctx.reply("{name} is now {role} here.", {**values, "name": ctx.mention(account)})


async def demote(ctx: Ctx, args: Args) -> None:
    """Makes a mentor or organizer a plain member again, saying what that changes."""
    account, membership = await ctx.member(str(args["person"]))
    community, _ = ctx.group()
    stored = Role(membership.role)
    admin = await ctx.messenger.is_admin(community.chat_id, account.user_id)
    values = {"name": account.display_name, "role": ctx.t(A_ROLE[stored])}
    if stored is Role.MEMBER and admin:
        ctx.reply(
            "{name} is already a member in my records, and stays an organizer because they "
            "administer this chat. Nothing changed.",
            values,
        )
        return
    if stored is Role.MEMBER:
        ctx.reply("{name} is already a member. Nothing changed.", values)
        return
    membership.role = Role.MEMBER.value
    if admin:
        ctx.reply(
            "{name} was {role} and is now a member in my records, but stays an organizer "
            "because they administer this chat.",
            values,
        )
    else:
        ctx.reply("{name} was {role} and is now a member.", values)
