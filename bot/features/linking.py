"""`/link`: one person, one profile across Telegram and Discord (rules in storage/link_repo)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import Outbound, OutMessage
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry, Where
from storage.link_repo import LinkRepository
from storage.models import Account

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to copy by hand
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=10)
EXAMPLE = "/link K7QM-2XPA"
PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord", "console": "the console"}


def new_code() -> str:
    """A random code from an alphabet with no look-alike characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """Reads a code as people type it: any case, with or without the dash or spaces."""
    return "".join(text.split()).replace("-", "").upper()


def code_hash(code: str) -> str:
    """Only this digest is stored, so the table never holds a usable code."""
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def shown(code: str) -> str:
    """The code as people read it: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


def platform_name(platform: str) -> str:
    """A platform's name as people write it."""
    return PLATFORM_NAMES.get(platform, platform)


class Linking:
    """Issues codes, redeems them on the other platform, and splits linked accounts again."""

    def __init__(self, registry: Registry, codes: Callable[[], str] = new_code) -> None:
        self._registry = registry
        self._codes = codes

    def register(self) -> None:
        """Declares `/link`."""
        self._registry.add_command(
            CommandSpec(
                "link",
                "Join your accounts on Telegram and Discord into one profile",
                self.link,
                EXAMPLE,
                (
                    Param(
                        "code",
                        ParamKind.TEXT,
                        "The code /link gave you on your other platform, or off",
                        required=False,
                        max_length=32,
                    ),
                ),
                where=Where.DM,
                usage_override="/link | /link <code> | /link off",
                details=(
                    "Send `/link` here to get a one-time code (valid 10 minutes), then send "
                    "`/link <code>` to me from your account on the other platform. Skills, "
                    "interests, kudos, check-ins and roles join into one profile. `/link off` "
                    "makes the account you send it from separate again (with a copy of your "
                    "profile; history stays with the other account)."
                ),
            )
        )

    async def link(self, ctx: Ctx, args: Args) -> None:
        """Dispatches `/link`, `/link off` and `/link <code>`."""
        given = str(args.get("code", "")).strip()
        if not given:
            await self._issue(ctx)
        elif given.lower() == "off":
            await self._split(ctx)
        else:
            await self._redeem(ctx, given)

    async def _issue(self, ctx: Ctx) -> None:
        code = self._codes()
        await LinkRepository(ctx.repo.session).issue_code(
            ctx.account.id, code_hash(code), ctx.now, ctx.now + CODE_LIFETIME
        )
        ctx.reply(
            "Your link code: `{code}`\nWithin 10 minutes, send `/link {code}` to me from your "
            "account on the other platform. The code works once; never share it.",
            {"code": shown(code)},
        )

    async def _redeem(self, ctx: Ctx, given: str) -> None:
        links = LinkRepository(ctx.repo.session)
        found = await links.code(code_hash(given))
        if found is None:
            raise UsageError(
                "I don't know the code “{code}”. Check it for typos, or send `/link` on your "
                "other platform for a new one.",
                {"code": given},
                EXAMPLE,
            )
        code, issuer = found
        if code.used_at is not None:
            raise UsageError(
                "That code was already used. Send `/link` on your other platform for a new one."
            )
        if code.expires_at <= ctx.now:
            raise UsageError(
                "That code has expired (codes last 10 minutes). Send `/link` on your other "
                "platform for a new one."
            )
        if issuer.person_id == ctx.person.id:
            raise UsageError(
                "That code is from this same profile. Send it to me from your account on the "
                "other platform."
            )
        if issuer.platform == ctx.platform:
            raise UsageError(
                "Both accounts are on {platform}. A person has one account per platform: send "
                "the code from your account on another platform.",
                {"platform": platform_name(ctx.platform)},
            )
        theirs = await links.accounts_of(issuer.person_id)
        mine = await links.accounts_of(ctx.person.id)
        clash = {a.platform for a in theirs} & {a.platform for a in mine}
        if clash:
            raise UsageError(
                "One of these profiles already has a {platform} account linked. Send "
                "`/link off` from the account that should leave it first.",
                {"platform": ", ".join(platform_name(p) for p in sorted(clash))},
            )
        code.used_at = ctx.now
        report = await links.merge(ctx.person.id, issuer.person_id)
        accounts = await links.accounts_of(ctx.person.id)
        listing = accounts_line(accounts)
        ctx.reply(
            "Linked! One profile now: {accounts}. Skills, kudos, check-ins and roles are "
            "shared; `/profile` shows them. ({checkins} same-day check-ins joined.)",
            {"accounts": listing, "checkins": report.merged_checkins},
        )
        notice = ctx.t(
            "Your {platform} account {name} was just linked to this one: {accounts}. "
            "Not you? Send `/link off` here.",
            {
                "platform": platform_name(ctx.platform),
                "name": ctx.account.display_name,
                "accounts": listing,
            },
        )
        ctx.outbound.append(
            Outbound(OutMessage(notice), user_id=issuer.user_id, platform=issuer.platform)
        )

    async def _split(self, ctx: Ctx) -> None:
        links = LinkRepository(ctx.repo.session)
        others = [a for a in await links.accounts_of(ctx.person.id) if a.id != ctx.account.id]
        if not others:
            raise UsageError(
                "This account isn't linked to another one. `/link` gives you a code to link it.",
                example="/link",
            )
        await links.split(ctx.account, ctx.now)
        ctx.reply(
            "Unlinked. This {platform} account has its own profile again, with a copy of your "
            "skills, interests, timezone and language; past check-ins, kudos and requests stay "
            "with {others}.",
            {"platform": platform_name(ctx.platform), "others": accounts_line(others)},
        )


def accounts_line(accounts: list[Account]) -> str:
    """`Telegram: Alice · Discord: alice`."""
    return " · ".join(f"{platform_name(a.platform)}: {a.display_name}" for a in accounts)
