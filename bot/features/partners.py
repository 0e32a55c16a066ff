"""Weekly accountability partners: `/partners on|off`, `/partner`, and the Monday pairing."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from datetime import date, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import OutMessage
from bot.core.i18n import Translator
from bot.core.markup import Fill, RichText, Span, fmt, join
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.delivery.outbox import enqueue
from bot.delivery.scheduler import Firing, ScheduleEngine
from bot.delivery.timing import next_fire
from bot.domain.dates import local_today
from bot.domain.pairing import Pairing, pair_up
from bot.domain.when import date_text
from bot.features.notify import mention_of
from storage.checkins_repo import CheckInRepository
from storage.mentoring_repo import MentoringRepository
from storage.models import Account
from storage.outbox_repo import Delivery
from storage.partners_repo import PartnerRepository
from storage.schedule_repo import ScheduleRepository

log = logging.getLogger(__name__)

KIND = "partners"
ACTIVE_DAYS = 14
NO_REPEAT_WEEKS = 4
PAIRING_TIME = "09:00"
MONDAY = "0"
EXAMPLE = "/partners on"


def week_of(day: date) -> date:
    """The Monday that starts the week of a day."""
    return day - timedelta(days=day.weekday())


class Partners:
    """Turns weekly pairs on or off, shows a member's partner, and pairs on Monday mornings."""

    def __init__(self, registry: Registry, engine: ScheduleEngine, translator: Translator) -> None:
        self._translator = translator
        self._registry = registry
        self._engine = engine

    def register(self) -> None:
        """Declares `/partners`, `/partner` and the `partners` schedule kind."""
        self._registry.extend(
            [
                CommandSpec(
                    "partners",
                    "Weekly accountability pairs among active members: on, off, or status",
                    self.partners,
                    EXAMPLE,
                    (
                        Param(
                            "switch",
                            ParamKind.CHOICE,
                            "on or off",
                            required=False,
                            choices=("on", "off"),
                        ),
                    ),
                    where=Where.GROUP,
                    details="Pairs are made on Mondays at 09:00 community time among members "
                    "who checked in within 14 days and are not away; no pair repeats within "
                    "4 weeks; an odd count makes one trio.",
                ),
                CommandSpec(
                    "partner",
                    "Your accountability partners this week",
                    self.partner,
                    "/partner",
                    where=Where.GROUP,
                ),
            ]
        )
        self._engine.register_kind(KIND, self.fire_pairing)

    async def partners(self, ctx: Ctx, args: Args) -> None:
        """`on` starts the weekly pairing, `off` stops it; alone it says which."""
        community, _ = ctx.group()
        repo = ScheduleRepository(ctx.repo.session)
        existing = list(await repo.of_kind(community.id, KIND))
        switch = str(args.get("switch", ""))
        if not switch:
            state = ctx.t("on") if existing else ctx.t("off")
            ctx.reply(
                "Weekly partners are **{state}** here. Organizers: `/partners on` or "
                "`/partners off`.",
                {"state": state},
            )
            return
        await ctx.require(Access.ORGANIZER, f"partners {switch}")
        if switch == "off":
            for schedule in existing:
                schedule.enabled = False
            ctx.replan_after_commit(community.id)
            ctx.reply(
                "Weekly partners are off." if existing else "Weekly partners were already off."
            )
            return
        if await ctx.repo.member_count(community.id) < 2:
            raise UsageError(
                "Partners need at least two members, and you're the only one here so far. "
                "Once others join (any command, or `/join`) and check in, try again.",
                example=EXAMPLE,
            )
        if not existing:
            await repo.add(
                community.id, KIND, PAIRING_TIME, MONDAY, ctx.now, created_by=ctx.person.id
            )
            ctx.replan_after_commit(community.id)
        first = next_fire(PAIRING_TIME, MONDAY, community.timezone, ctx.now)
        local_first = first.astimezone(ZoneInfo(community.timezone))
        ctx.reply(
            "🤝 Weekly partners are on. New pairs every Monday at {time} ({zone}), the first on "
            "{when}, among members who checked in within {days} days.",
            {
                "time": PAIRING_TIME,
                "zone": community.timezone,
                "when": date_text(local_first.date(), ctx.language, "MMMEd"),
                "days": ACTIVE_DAYS,
            },
        )

    async def partner(self, ctx: Ctx, args: Args) -> None:
        """Shows who the person is paired with this week."""
        community, _ = ctx.group()
        week, partner_ids = await PartnerRepository(ctx.repo.session).current_partners(
            community.id, ctx.person.id
        )
        this_week = week_of(local_today(community.timezone, ctx.now))
        if not partner_ids or week != this_week:
            enabled = await ScheduleRepository(ctx.repo.session).of_kind(community.id, KIND)
            ctx.reply(
                "You have no partner this week. Pairs are made on Mondays among members who "
                "checked in within the last {days} days."
                if enabled
                else "Weekly partners are off here. An organizer can start them with "
                "`/partners on`.",
                {"days": ACTIVE_DAYS},
            )
            return
        names = []
        for person_id in sorted(partner_ids):
            account = await ctx.repo.account_of(person_id, community.platform)
            names.append(account.display_name if account else "?")
        ctx.reply_rich(
            ctx.tn(
                "🤝 Your partner for the week of {week}: **{names}**. Check in on each other!",
                "🤝 Your partners for the week of {week}: **{names}**. Check in on each other!",
                len(names),
                {"week": date_text(week, ctx.language, "MMMEd"), "names": ", ".join(names)},
            )
        )

    async def fire_pairing(self, firing: Firing) -> None:
        """Makes this week's pairs (once) and announces them in the group via the outbox."""
        community = firing.schedule.community
        week = week_of(firing.local_date)
        session = firing.session
        repo = PartnerRepository(session)
        if await repo.has_week(community.id, week):
            return
        active = await CheckInRepository(session).active_people(
            community.id, firing.local_date - timedelta(days=ACTIVE_DAYS)
        )
        reach = await MentoringRepository(session).reach(
            community.id, community.platform, firing.local_date
        )
        accounts = {m.person_id: m.account for m in reach if m.person_id in active and not m.away}
        recent = await repo.pairs_since(community.id, week - timedelta(weeks=NO_REPEAT_WEEKS - 1))
        rng = random.Random(f"{community.id}:{week.isoformat()}")  # noqa: S311 (not security)
        pairing = pair_up(accounts, recent, rng)
        await repo.record(community.id, week, pairing.groups, firing.now)
        language = community.language  # a group post: the community's language
        text = announcement(
            week,
            pairing,
            accounts,
            partial(_fill, self._translator, language),
            language,
        )
        await enqueue(
            session,
            f"{firing.key}:group",
            Delivery(community.platform, chat_id=community.chat_id, community_id=community.id),
            OutMessage(text),
            due_at=firing.occurrence,
            now=firing.now,
        )


def _fill(
    translator: Translator, language: str, template: str, values: Mapping[str, object] | None
) -> RichText:
    return fmt(translator.gettext(language, template), values)


def announcement(
    week: date, pairing: Pairing, accounts: dict[int, Account], t: Fill, language: str
) -> RichText:
    """The group post: each pair with mentions of exactly the paired people."""
    heading = t(
        "🤝 **Accountability partners, week of {week}**", {"week": date_text(week, language)}
    )
    if not pairing.groups and len(pairing.unpaired) < 2:
        note = t(
            "Not enough active members to pair this week: partners need at least two people who "
            "checked in within {days} days. `/checkin <plan>` to be in next week's pairs.",
            {"days": ACTIVE_DAYS},
        )
        return join([heading, note])
    rows: list[RichText] = [heading]
    for group in pairing.groups:
        spans: list[Span] = [Span("• ")]
        for index, person_id in enumerate(group):
            if index:
                spans.append(Span(" + "))
            spans.append(mention_of(accounts[person_id]))
        rows.append(tuple(spans))
    if pairing.unpaired:
        names = ", ".join(accounts[p].display_name for p in pairing.unpaired)
        rows.append(t("No fresh partner this week for: {names}", {"names": names}))
    rows.append(t("Say hi, share plans, check in on each other. `/partner` shows yours.", None))
    return join(rows)
