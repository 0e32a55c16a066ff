"""Login by one-time link, server-side sessions and logout: cookies carry a random token,
the database only its hash; a GET never spends a link (link previews fetch URLs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.domain.login_tokens import new_token, token_hash
from bot.web.dashboard.access import Organizers
from bot.web.dashboard.deps import IDLE_LIMIT_HOURS, SESSION_COOKIE, DashboardDeps
from storage.dashboard_models import DashboardSession
from storage.dashboard_repo import DashboardRepository
from storage.repo import Repository

IDLE_LIMIT = timedelta(hours=IDLE_LIMIT_HOURS)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The live session behind a request."""

    session_id: int
    person_id: int
    csrf: str


async def current_session(
    deps: DashboardDeps, db: AsyncSession, request: Request
) -> SignedIn | None:
    """The request's session if its cookie names a live one; seeing it keeps it alive."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    now = deps.clock.now()
    found: DashboardSession | None = await DashboardRepository(db).live_session(
        token_hash(token), now - IDLE_LIMIT
    )
    if found is None:
        return None
    found.last_seen_at = now
    return SignedIn(found.id, found.person_id, found.csrf_token)


async def link_is_usable(deps: DashboardDeps, db: AsyncSession, token: str) -> bool:
    """Whether the link would log in now (reading only)."""
    return (
        await DashboardRepository(db).usable_link(token_hash(token), deps.clock.now()) is not None
    )


async def spend_link(deps: DashboardDeps, db: AsyncSession, token: str) -> str | None:
    """Spends the link and starts a session; the new session's cookie token, or None."""
    repo = DashboardRepository(db)
    now = deps.clock.now()
    person_id = await repo.spend_link(token_hash(token), now)
    if person_id is None:
        return None
    return await start_session(deps, db, person_id)


async def start_session(deps: DashboardDeps, db: AsyncSession, person_id: int) -> str:
    """A new server-side session for the person; its cookie token (only the hash is stored)."""
    session_token = new_token()
    await DashboardRepository(db).add_session(
        token_hash(session_token), person_id, new_token(), deps.clock.now()
    )
    return session_token


async def organizer_session(
    deps: DashboardDeps, db: AsyncSession, organizers: Organizers, platform: str, user_id: str
) -> str | None:
    """A session for the person behind a proven platform account, if they organize something."""
    account = await Repository(db).account(platform, user_id)
    if account is None or not await organizers.organized(db, account.person_id):
        return None
    return await start_session(deps, db, account.person_id)


async def end_session(deps: DashboardDeps, db: AsyncSession, signed_in: SignedIn) -> None:
    """Logout: the session ends on the server, whatever the browser keeps."""
    await DashboardRepository(db).end_session(signed_in.session_id, deps.clock.now())


def with_session_cookie(response: Response, deps: DashboardDeps, token: str) -> Response:
    """Sets the session cookie: HttpOnly, SameSite=Lax, Secure exactly under https."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=deps.secure_cookies,
        path="/",
    )
    return response


def without_session_cookie(response: Response, deps: DashboardDeps) -> Response:
    """Tells the browser to forget the session cookie."""
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=deps.secure_cookies, path="/"
    )
    return response


def to_login_help() -> RedirectResponse:
    """A logged-out request goes to the page that explains how to log in."""
    return RedirectResponse("/login", status_code=303)
