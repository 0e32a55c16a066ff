"""What every program command needs: finding the program, the organizer rule, names and zones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError, WrongPlace
from bot.core.i18n import N_
from bot.core.markup import RichText, fmt
from bot.core.registry import Access
from storage.bridge_repo import BridgeRepository
from storage.models import Account, Community, Membership, Person, Role
from storage.outbox_repo import Delivery
from storage.program_models import Program, ProgramRole, ProgramStatus
from storage.programs_repo import ProgramRepository

ROLE_NAMES = {ProgramRole.MENTOR.value: "mentor", ProgramRole.MENTEE.value: "mentee"}
NO_PROGRAM = N_(
    "There is no mentorship program here right now. An organizer can open one with "
    "`/program new <name>`."
)


def repo(ctx: Ctx) -> ProgramRepository:
    """The program repository in this event's transaction."""
    return ProgramRepository(ctx.repo.session)


async def circle_ids(ctx: Ctx, community_id: int) -> list[int]:
    """The community and those bridged with it: one program serves them all."""
    return await BridgeRepository(ctx.repo.session).circle_ids(community_id)


async def live_here(ctx: Ctx) -> Program | None:
    """The open or running program of the chat's community (group) or the person's (DM)."""
    if ctx.community is not None:
        return await repo(ctx).live(await circle_ids(ctx, ctx.community.id))
    found: dict[int, Program] = {}
    for membership in await ctx.repo.memberships_of(ctx.person.id):
        program = await repo(ctx).live(await circle_ids(ctx, membership.community_id))
        if program is not None:
            found[program.id] = program
    if len(found) > 1:
        raise UsageError(
            "You are in more than one community with a program. Send this in the group "
            "whose program you mean."
        )
    return next(iter(found.values()), None)


async def latest_here(ctx: Ctx) -> Program | None:
    """The live program here, else the newest ended one (group only)."""
    live = await live_here(ctx)
    if live is not None or ctx.community is None:
        return live
    return await repo(ctx).latest(await circle_ids(ctx, ctx.community.id))


def need_group(ctx: Ctx, example: str) -> Community:
    """The community of a command that is sent in the community's chat."""
    if ctx.community is None:
        raise WrongPlace("This works in a group chat. Send it there.", example=example)
    return ctx.community


async def is_organizer(ctx: Ctx, program: Program) -> bool:
    """Organizer of the program's circle: in the group by role or admin; in a DM by stored role."""
    circle = await circle_ids(ctx, program.community_id)
    if ctx.community is not None and ctx.community.id in circle:
        return await ctx.may(Access.ORGANIZER)
    if program.created_by == ctx.person.id:
        return True
    found = await ctx.repo.session.scalar(
        select(Membership.id).where(
            Membership.person_id == ctx.person.id,
            Membership.community_id.in_(circle),
            Membership.role == Role.ORGANIZER.value,
        )
    )
    return found is not None


async def require_organizer(ctx: Ctx, program: Program, command: str) -> None:
    """Refuses a program command to anyone but its organizers."""
    if not await is_organizer(ctx, program):
        raise PermissionDenied(
            "Only organizers can use `/{command}`. Ask an organizer if you need it.",
            {"command": command},
        )


async def person(ctx: Ctx, person_id: int) -> Person:
    """A person by id (they exist: program rows cascade from people)."""
    found = await ctx.repo.session.get(Person, person_id)
    assert found is not None
    return found


async def name_of(ctx: Ctx, person_id: int) -> str:
    """How a person is named in program messages."""
    return (await person(ctx, person_id)).display_name


def zone_of(ctx: Ctx) -> str:
    """The reader's zone: theirs, else the community's, else UTC."""
    if ctx.person.timezone:
        return ctx.person.timezone
    return ctx.community.timezone if ctx.community is not None else "UTC"


def local_date(at: datetime | None, zone: str) -> str | None:
    """`YYYY-MM-DD` of a moment in a zone (None stays None)."""
    return None if at is None else at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")


def end_date(program: Program) -> date:
    """The program's last day."""
    return program.starts_on + timedelta(weeks=program.weeks) - timedelta(days=1)


def status_label(ctx: Ctx, program: Program) -> RichText:
    """Open, running or ended, for the reader."""
    labels = {
        ProgramStatus.OPEN.value: N_("open for joining"),
        ProgramStatus.RUNNING.value: N_("running"),
        ProgramStatus.ENDED.value: N_("ended"),
    }
    return ctx.t(labels[program.status])


@dataclass(frozen=True, slots=True)
class Reach:
    """How to reach one person privately: their account and the group to fall back to."""

    account: Account
    community: Community | None
    language: str


async def reach(ctx: Ctx, program: Program, person_id: int) -> Reach | None:
    """The person's account on a platform of the program's circle, with that community."""
    circle = await circle_ids(ctx, program.community_id)
    found = await ctx.repo.session.execute(
        select(Account, Community)
        .join(Membership, Membership.person_id == Account.person_id)
        .join(Community, Community.id == Membership.community_id)
        .where(
            Account.person_id == person_id,
            Community.id.in_(circle),
            Community.platform == Account.platform,
        )
        .order_by(Community.id)
        .limit(1)
    )
    row = found.first()
    who = await person(ctx, person_id)
    if row is not None:
        account, community = row
        return Reach(account, community, who.language or community.language)
    any_account = await ctx.repo.session.scalar(
        select(Account).where(Account.person_id == person_id).order_by(Account.id).limit(1)
    )
    if any_account is None:
        return None
    return Reach(any_account, None, who.language or ctx.default_language)


def say_to(
    ctx: Ctx, target: Reach, template: str, values: Mapping[str, object] | None = None
) -> RichText:
    """A template in the recipient's language (not the actor's)."""
    return fmt(ctx.translator.gettext(target.language, template), values)


def delivery(target: Reach, about: int) -> Delivery:
    """A private message to the person, with their group as the content-free fallback."""
    return Delivery(
        target.account.platform,
        user_id=target.account.user_id,
        fallback_chat_id=target.community.chat_id if target.community is not None else None,
        person_id=target.account.person_id,
        community_id=target.community.id if target.community is not None else None,
        about_person_id=about,
    )
