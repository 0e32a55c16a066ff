"""`/forgetme`: a person deletes every record of themselves, on every linked platform."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied
from bot.core.events import Button
from bot.core.registry import Args, CommandSpec, Registry


class Forgetting:
    """Asks for confirmation, then deletes; only the person's own button can confirm."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares /forgetme and its two buttons."""
        self._registry.add_command(
            CommandSpec(
                "forgetme",
                "Delete every record of you (asks to confirm first)",
                self.forgetme,
                "/forgetme",
            )
        )
        self._registry.add_button("forget", self.forget_confirmed)
        self._registry.add_button("forget-no", self.forget_cancelled)

    async def forgetme(self, ctx: Ctx, args: Args) -> None:
        """Asks for confirmation before deleting everything about the person."""
        payload = str(ctx.person.id)
        ctx.reply(
            "This deletes **everything** I store about you on every platform: profile, "
            "skills, interests, memberships, roles, requests, tips, check-ins and kudos. "
            "It cannot be undone.",
            buttons=(
                (
                    Button("Delete everything", "forget", payload),
                    Button("Cancel", "forget-no", payload),
                ),
            ),
            private=True,
        )

    async def forget_confirmed(self, ctx: Ctx, payload: str) -> None:
        """Deletes the person once they confirm with their own button."""
        if payload != str(ctx.person.id):
            raise PermissionDenied("That button belongs to someone else.")
        counts = await ctx.repo.forget_person(ctx.person.id)
        parts = ", ".join(f"{label}: {number}" for label, number in counts.items() if number)
        ctx.reply(
            "Done. I deleted every record of you ({parts}). Goodbye!",
            {"parts": parts},
            private=True,
        )

    async def forget_cancelled(self, ctx: Ctx, payload: str) -> None:
        """Leaves everything as it was."""
        ctx.reply("Cancelled; nothing was deleted.", private=True)
