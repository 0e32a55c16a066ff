"""Thanks and recognition: /kudos and the monthly /leaderboard."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.markup import RichText, join
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.delivery.timing import resolve_local
from bot.domain.when import date_text
from bot.features.limits import DAILY_KUDOS
from bot.features.notify import mention_of
from storage.mentoring_repo import MentoringRepository

MAX_NOTE = 300
TOP = 10


def local_midnight(now: datetime, zone: str, *, first_of_month: bool = False) -> datetime:
    """The UTC instant of today's (or this month's first) local midnight."""
    tz = ZoneInfo(zone)
    day = now.astimezone(tz).date()
    if first_of_month:
        day = day.replace(day=1)
    return resolve_local(day, time(0, 0), tz)


class KudosBoard:
    """Peer recognition, counted per community and per month."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares /kudos and /leaderboard."""
        self._registry.extend(
            [
                CommandSpec(
                    "kudos",
                    "Thank someone for their help",
                    self.kudos,
                    "/kudos @alice for the pricing sheet",
                    (
                        Param("person", ParamKind.PERSON, "Who to thank"),
                        Param("note", ParamKind.TEXT, "What for", max_length=MAX_NOTE),
                    ),
                    where=Where.GROUP,
                ),
                CommandSpec(
                    "leaderboard",
                    "This month's top givers: help, then kudos, then tips",
                    self.leaderboard,
                    "/leaderboard",
                    where=Where.GROUP,
                ),
            ]
        )

    async def kudos(self, ctx: Ctx, args: Args) -> None:
        """Records thanks, within the daily limit, never to yourself."""
        community, _ = ctx.group()
        account, _ = await ctx.member(str(args["person"]))
        example = "/kudos @alice for the pricing sheet"
        if account.person_id == ctx.person.id:
            raise UsageError("You can't give kudos to yourself — but well done!", example=example)
        mentoring = MentoringRepository(ctx.repo.session)
        zone = ctx.person.timezone or community.timezone
        if (
            await mentoring.kudos_given_since(ctx.person.id, local_midnight(ctx.now, zone))
            >= DAILY_KUDOS
        ):
            raise UsageError(
                "You've given {limit} kudos today, the daily limit. More tomorrow!",
                {"limit": DAILY_KUDOS},
            )
        note = str(args["note"]).strip()
        await mentoring.add_kudos(community.id, ctx.person.id, account.person_id, note, ctx.now)
        ctx.reply(
            "🙌 {giver} thanks {receiver}: “{note}”",
            {"giver": ctx.account.display_name, "receiver": mention_of(account), "note": note},
        )

    async def leaderboard(self, ctx: Ctx, args: Args) -> None:
        """Ranks this month's givers in this community."""
        community, _ = ctx.group()
        since = local_midnight(ctx.now, community.timezone, first_of_month=True)
        rows = await MentoringRepository(ctx.repo.session).monthly_givers(community.id, since)
        if not rows:
            ctx.reply(
                "No help resolved, kudos or tips this month yet. Be the first: “how can I help?”"
            )
            return
        rows.sort(key=lambda row: (-row[1], -row[2], -row[3], row[0]))
        local = since.astimezone(ZoneInfo(community.timezone)).date()
        month = date_text(local, ctx.language, "yMMMM")
        lines: list[RichText] = [ctx.t("**Top givers in {month}**", {"month": month})]
        for rank, (person_id, helped, kudos, tips) in enumerate(rows[:TOP], start=1):
            account = await ctx.repo.account_of(person_id, community.platform)
            lines.append(
                ctx.tn(
                    "{rank}. {name} — {helped} helped, {kudos} kudos, {count} tip",
                    "{rank}. {name} — {helped} helped, {kudos} kudos, {count} tips",
                    tips,
                    {
                        "rank": rank,
                        "name": account.display_name if account else "?",
                        "helped": helped,
                        "kudos": kudos,
                    },
                )
            )
        ctx.reply_rich(join(lines))
