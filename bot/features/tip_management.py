"""`/tip edit <N> <text>` and `/tip delete <N>`: authors manage their tips, organizers moderate."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.domain.tips import checked_tip, preview
from bot.features.bridges import organizes
from bot.features.numbered import read_number
from storage.bridge_repo import BridgeRepository
from storage.models import Tip
from storage.tips_repo import TipLibrary

EDIT_EXAMPLE = "/tip edit 12 Send the invoice the day the work is done #invoicing"
DELETE_EXAMPLE = "/tip delete 12"


def _split_number(raw: str, example: str) -> tuple[int, str]:
    """`12 rest of text` → (12, `rest of text`), with the same number rules as `/claim`."""
    token, rest = ([*raw.split(maxsplit=1), "", ""])[:2]
    if not token:
        raise UsageError("Which tip? Give its number (shown as #N in `/tips`).", example=example)
    number = read_number(token, "tip", example)
    return number, rest.strip()


async def edit_tip(session: AsyncSession, tip: Tip, editor_id: int, text: str) -> str:
    """The `/tip edit` rules, for the command and the dashboard: only the author edits, and
    the new text is checked like a new tip (length, topics). Returns the stored text."""
    if tip.author_id != editor_id:
        raise PermissionDenied(
            "Tip #{number} is by {author}; only its author can edit it.",
            {"number": tip.id, "author": tip.author.display_name},
        )
    if not text.strip():
        raise UsageError(
            "Write the new text of tip #{number} after its number.",
            {"number": tip.id},
            EDIT_EXAMPLE,
        )
    new_text, topics = checked_tip(text, EDIT_EXAMPLE)
    await TipLibrary(session).edit(tip, new_text, topics)
    return new_text


async def delete_tip(session: AsyncSession, tip: Tip, deleter_id: int, *, moderates: bool) -> None:
    """The `/tip delete` rule: its author, or an organizer of its community (`moderates`)."""
    if tip.author_id != deleter_id and not moderates:
        raise PermissionDenied(
            "Tip #{number} is by {author}; only its author or an organizer of its "
            "community can delete it.",
            {"number": tip.id, "author": tip.author.display_name},
        )
    await TipLibrary(session).remove(tip.id)


class TipManagement:
    """Edits and deletes library tips, with who may do what checked here."""

    async def edit(self, ctx: Ctx, raw: str) -> None:
        """The author replaces the text (and topics) of their tip #N."""
        number, text = _split_number(raw, EDIT_EXAMPLE)
        tip = await self._find(ctx, number, EDIT_EXAMPLE)
        new_text = await edit_tip(ctx.repo.session, tip, ctx.person.id, text)
        ctx.reply(
            "✏️ Tip #{number} now reads: “{text}”", {"number": number, "text": preview(new_text)}
        )

    async def delete(self, ctx: Ctx, raw: str) -> None:
        """The author, or an organizer of the tip's community, removes tip #N."""
        number, extra = _split_number(raw, DELETE_EXAMPLE)
        if extra:
            raise UsageError("`/tip delete` takes only the tip's number.", example=DELETE_EXAMPLE)
        tip = await self._find(ctx, number, DELETE_EXAMPLE)
        moderates = tip.author_id != ctx.person.id and await self._moderates(ctx, tip)
        await delete_tip(ctx.repo.session, tip, ctx.person.id, moderates=moderates)
        ctx.reply("🗑️ Tip #{number} is deleted from the library.", {"number": number})

    @staticmethod
    async def _moderates(ctx: Ctx, tip: Tip) -> bool:
        """An organizer of the tip's community, asking in that community or one bridged to it."""
        if ctx.community is None:
            return False
        shared = await BridgeRepository(ctx.repo.session).circle_ids(ctx.community.id)
        return tip.community_id in shared and await organizes(ctx, tip.community_id)

    @staticmethod
    async def _find(ctx: Ctx, number: int, example: str) -> Tip:
        """Tip #N as its author sees it anywhere, and others only in its own library."""
        tip = await TipLibrary(ctx.repo.session).get(number)
        if tip is not None and tip.author_id == ctx.person.id:
            return tip
        if tip is not None and ctx.community is not None:
            shared = await BridgeRepository(ctx.repo.session).circle_ids(ctx.community.id)
            if tip.community_id in shared:
                return tip
        # Another community's tip is answered like a missing one: its existence is theirs.
        raise UsageError(
            "There is no tip #{number} in this library. `/tips` shows each tip's number.",
            {"number": number},
            example,
        )
