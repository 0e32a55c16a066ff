"""Badges for streaks, help given and tips: awarded once, announced once, shown by `/badges`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry
from bot.domain.dates import local_today
from bot.domain.streaks import streak_for
from storage.badges_repo import BadgeRepository
from storage.checkins_repo import CheckInRepository
from storage.mentoring_repo import MentoringRepository
from storage.models import Community, Person
from storage.outbox_repo import Delivery

HISTORY_DAYS = 400


@dataclass(frozen=True, slots=True)
class BadgeKind:
    """One badge: what it measures, the threshold, and how people see it."""

    key: str
    measure: str
    threshold: int
    label: str


BADGES = (
    BadgeKind("streak-7", "streak", 7, N_("🔥 7-day streak")),
    BadgeKind("streak-30", "streak", 30, N_("🔥 30-day streak")),
    BadgeKind("streak-100", "streak", 100, N_("🏆 100-day streak")),
    BadgeKind("helped-1", "helped", 1, N_("🤝 First help")),
    BadgeKind("helped-5", "helped", 5, N_("🤝 Helped 5")),
    BadgeKind("helped-25", "helped", 25, N_("🌟 Helped 25")),
    BadgeKind("tips-10", "tips", 10, N_("💡 10 tips")),
)
LABELS = {badge.key: badge.label for badge in BADGES}


async def badge_labels(session: AsyncSession, person_id: int) -> list[str]:
    """The labels of a person's badges, oldest first, as templates the reader's language fills."""
    return [LABELS.get(b.kind, b.kind) for b in await BadgeRepository(session).of_person(person_id)]


class BadgeAwarder:
    """Checks a person's numbers after a check-in, a resolved request or a tip, and awards."""

    async def check(
        self,
        ctx: Ctx,
        community: Community,
        person: Person,
        name: str,
        measure: str,
        *,
        days: Sequence[date] | None = None,
    ) -> list[str]:
        """Awards every badge of one measure now earned; each new one is announced once.

        `days`: the person's check-in days, when the caller has just read them (at least
        the last HISTORY_DAYS), so the streak measure needs no second read.
        """
        session = ctx.repo.session
        value = await self._measure(session, person, community, measure, ctx.now, days)
        earned: list[str] = []
        repo = BadgeRepository(session)
        for badge in BADGES:
            if badge.measure != measure or value < badge.threshold:
                continue
            if not await repo.award(person.id, badge.key, community.id, ctx.now):
                continue
            earned.append(badge.label)
            await ctx.enqueue(
                f"badge:{person.id}:{badge.key}",
                Delivery(
                    community.platform,
                    chat_id=community.chat_id,
                    community_id=community.id,
                    about_person_id=person.id,
                ),
                OutMessage(  # a group post: the community's language
                    ctx.t_in(
                        community.language,
                        "🏅 {name} earned a badge: **{badge}**!",
                        {"name": name, "badge": ctx.t_in(community.language, badge.label)},
                    )
                ),
                due_at=ctx.now,
            )
        return earned

    async def _measure(
        self,
        session: AsyncSession,
        person: Person,
        community: Community,
        measure: str,
        now: datetime,
        days: Sequence[date] | None,
    ) -> int:
        if measure == "streak":
            today = local_today(person.timezone or community.timezone, now)
            since = today - timedelta(days=HISTORY_DAYS)
            if days is None:
                days = await CheckInRepository(session).days_of(person.id, since)
            return streak_for([day for day in days if day >= since], today, _away(person)).best
        if measure == "helped":
            return (await MentoringRepository(session).totals(person.id))[0]
        return await BadgeRepository(session).tips_by(person.id)


def _away(person: Person) -> tuple[date, date] | None:
    if person.away_until is None:
        return None
    return (person.away_since or person.away_until, person.away_until)


class Badges:
    """The `/badges` command."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares `/badges [@person]`."""
        self._registry.add_command(
            CommandSpec(
                "badges",
                "Earned badges: streaks 7/30/100, helped 1/5/25, tips 10",
                self.badges,
                "/badges @alice",
                (Param("person", ParamKind.PERSON, "Whose badges", required=False),),
            )
        )

    async def badges(self, ctx: Ctx, args: Args) -> None:
        """Lists a person's badges, or how to earn the first."""
        account = ctx.account
        if "person" in args:
            account, _ = await ctx.member(str(args["person"]))
        labels = await badge_labels(ctx.repo.session, account.person.id)
        if not labels:
            ctx.reply(
                "{name} has no badges yet. Earn them with a 7-day check-in streak, by helping "
                "someone (a resolved request), or with 10 tips.",
                {"name": account.display_name},
            )
            return
        ctx.reply(
            "🏅 {name}'s badges: {badges}",
            {"name": account.display_name, "badges": ", ".join(map(ctx.label, labels))},
        )
