"""`/dashboard`: a private one-time link that logs an organizer into the web dashboard."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import Ctx, effective_role
from bot.core.errors import PermissionDenied
from bot.core.registry import Access, Args, CommandSpec, Registry, Where
from bot.domain.login_tokens import new_token, token_hash
from bot.features.limits import check_dashboard_limit
from storage.dashboard_repo import DashboardRepository
from storage.models import Role

LINK_LIFETIME = timedelta(minutes=10)


class Dashboard:
    """Declares /dashboard; `web_url` is where people reach the web port (None: it is off)."""

    def __init__(self, registry: Registry, web_url: str | None) -> None:
        self._registry = registry
        self._web_url = web_url

    def register(self) -> None:
        """Declares the command for every platform."""
        self._registry.add_command(
            CommandSpec(
                "dashboard",
                "Get a private one-time link to the organizer dashboard on the web",
                self.dashboard,
                "/dashboard",
                access=Access.ANYONE,  # checked here: in a DM, organizers of any community
                where=Where.ANY,
                organizers_only=True,
                details=(
                    "Organizers only. The link comes privately, works once and for 10 "
                    "minutes; the dashboard then shows the communities you organize."
                ),
            )
        )

    async def dashboard(self, ctx: Ctx, args: Args) -> None:
        """Sends the link privately; in a group the chat sees only that it was sent."""
        ctx.speak_privately()
        if not await self._organizes_somewhere(ctx):
            raise PermissionDenied(
                "Only organizers can use `/dashboard`. Ask an organizer if you need it."
            )
        if self._web_url is None:
            ctx.reply(
                "The dashboard is off: this bot has no web port. An operator turns it on by "
                "setting WEB_PORT (and WEB_BASE_URL for its public address) and restarting "
                "the bot.",
                private=True,
            )
            return
        await check_dashboard_limit(ctx)
        token = new_token()
        await DashboardRepository(ctx.repo.session).add_link(
            token_hash(token), ctx.person.id, ctx.now, ctx.now + LINK_LIFETIME
        )
        ctx.reply(
            "🔑 Your dashboard link (works once, for 10 minutes; don't share it):\n{link}",
            {"link": f"{self._web_url}/login/{token}"},
            private=True,
        )
        if ctx.in_group:
            ctx.reply("📬 I sent you the dashboard link privately.")

    @staticmethod
    async def _organizes_somewhere(ctx: Ctx) -> bool:
        """In a group: organizer here. In a DM: organizer of any community of theirs."""
        if ctx.in_group:
            return await ctx.may(Access.ORGANIZER)
        for community, membership in await DashboardRepository(ctx.repo.session).communities_of(
            ctx.person.id
        ):

            async def admin(
                chat_id: str = community.chat_id, platform: str = community.platform
            ) -> bool:
                if platform != ctx.platform:
                    return False
                return await ctx.messenger.is_admin(chat_id, ctx.event.address.user_id)

            if await effective_role(Role(membership.role), admin) is Role.ORGANIZER:
                return True
        return False
