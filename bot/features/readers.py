"""Whom a message is for decides its language: DMs speak the reader's, not the actor's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.i18n import Translator
from bot.core.markup import Fill, RichText, fmt
from bot.features.notify import Buttons, DmButtons, DmText
from storage.models import Account, Community, Person


async def reader_language(session: AsyncSession, account: Account, community: Community) -> str:
    """The recipient's own language, else the community's (SPEC: Languages)."""
    person = await session.get(Person, account.person_id)
    if person is not None and person.language:
        return person.language
    return community.language


def dm_in_reader_language(
    session: AsyncSession,
    translator: Translator,
    community: Community,
    template: str,
    values: Mapping[str, object],
) -> DmText:
    """A DM text rendered per recipient, for jobs that run without an event."""

    async def render(account: Account) -> RichText:
        language = await reader_language(session, account, community)
        return fmt(translator.gettext(language, template), values)

    return render


def dm_for_reader(
    ctx: Ctx, template: str, values: Mapping[str, object], about: Community | None = None
) -> DmText:
    """A DM text rendered per recipient, from inside a handler (`about`: whose community)."""

    async def render(account: Account) -> RichText:
        return await ctx.t_for(account, template, values, about=about)

    return render


def buttons_for_reader(
    ctx: Ctx, make: Callable[[Fill], Buttons], about: Community | None = None
) -> DmButtons:
    """DM buttons labelled per recipient, from inside a handler."""

    async def render(account: Account) -> Buttons:
        return make(partial(ctx.t_in, await ctx.language_of(account, about)))

    return render
