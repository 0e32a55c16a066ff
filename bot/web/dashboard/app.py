"""The dashboard's routes: public login pages, the home list, and every registered page and
action behind one gate (session, CSRF on POST, the organizer rule, one transaction)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.core.errors import UserFacingError
from bot.core.markup import fmt, plain
from bot.domain.login_tokens import same_secret
from bot.web.dashboard.access import Organizers
from bot.web.dashboard.auth import (
    SignedIn,
    current_session,
    end_session,
    link_is_usable,
    organizer_session,
    spend_link,
    to_login_help,
    with_session_cookie,
    without_session_cookie,
)
from bot.web.dashboard.deps import DashboardDeps
from bot.web.dashboard.pages import Action, NotFound, Page, PageContext, PageRegistry
from bot.web.dashboard.telegram_login import (
    CALLBACK_PATH,
    WIDGET_CSP,
    WIDGET_SCRIPT,
    signed_user_id,
)
from bot.web.dashboard.templating import Templates, browser_language
from storage.models import Community, Person

log = logging.getLogger(__name__)
STYLESHEET = Path(__file__).resolve().parent / "static" / "dashboard.css"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",  # login URLs carry a secret; same-origin keeps Origin
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


class _Answer(Exception):
    """Ends a request early with this response; the transaction is rolled back."""

    def __init__(self, response: Response) -> None:
        super().__init__("answered early")
        self.response = response


class DashboardApp:
    """Builds the routes from the page registry; every page and action passes `_gate`."""

    def __init__(self, deps: DashboardDeps, registry: PageRegistry) -> None:
        self.deps = deps
        self.registry = registry
        self.templates = Templates(deps.translator)
        self.organizers = Organizers(deps.messengers)
        self._stylesheet = STYLESHEET.read_bytes()

    def routes(self) -> list[BaseRoute]:
        """Starlette routes, mounted beside /healthz and /metrics."""
        routes: list[BaseRoute] = [
            Route("/static/dashboard.css", self.stylesheet, methods=["GET"]),
            Route("/login", self.login_help, methods=["GET"]),
            Route(CALLBACK_PATH, self.login_telegram, methods=["GET"]),  # before /login/{token}
            Route("/login/{token}", self.login_confirm, methods=["GET"]),
            Route("/login/{token}", self.login, methods=["POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/", self.home, methods=["GET"]),
        ]
        for page in self.registry.pages.values():
            routes.append(
                Route(f"/c/{{community_id}}/{page.path}", self._page(page), methods=["GET"])
            )
        for action in self.registry.actions.values():
            routes.append(
                Route(f"/c/{{community_id}}/{action.path}", self._action(action), methods=["POST"])
            )
        return routes

    async def stylesheet(self, request: Request) -> Response:
        """The one stylesheet (no JavaScript anywhere)."""
        return Response(self._stylesheet, media_type="text/css")

    def _public(
        self,
        template: str,
        values: Mapping[str, Any] | None = None,
        status: int = 200,
        request: Request | None = None,
    ) -> Response:
        """A page outside any community, in the browser's language when one is shipped."""
        language = self.deps.default_language
        if request is not None:
            language = browser_language(request.headers.get("accept-language", "")) or language
        body = self.templates.render(language, template, {"lang": language, **(values or {})})
        return _secured(HTMLResponse(body, status_code=status))

    async def login_help(self, request: Request) -> Response:
        """How to log in: ask the bot for `/dashboard`."""
        login = self.deps.telegram_login
        values = {
            "logged_out": "out" in request.query_params,
            "telegram_bot": login.bot_username if login else None,
            "telegram_callback": self.deps.public_url.rstrip("/") + CALLBACK_PATH,
            "telegram_script": WIDGET_SCRIPT,
        }
        response = self._public("login_help.html", values, request=request)
        if login is not None:
            response.headers["Content-Security-Policy"] = WIDGET_CSP
        return response

    async def login_telegram(self, request: Request) -> Response:
        """The widget's callback: Telegram's signature names the user; organizers get a session."""
        login = self.deps.telegram_login
        if login is None:
            return self._public("not_found.html", status=404, request=request)
        items = request.query_params.multi_items()
        fields = dict(items)
        now = self.deps.clock.now()
        user_id = signed_user_id(login, fields, now) if len(fields) == len(items) else None
        token = None
        if user_id is not None:
            async with self.deps.sessions() as db, db.begin():
                token = await organizer_session(self.deps, db, self.organizers, "telegram", user_id)
        if token is None:
            return self._public("telegram_refused.html", status=403, request=request)
        return with_session_cookie(
            _secured(RedirectResponse("/", status_code=303)), self.deps, token
        )

    async def login_confirm(self, request: Request) -> Response:
        """Shows a button that logs in; reading the link spends nothing."""
        token = str(request.path_params["token"])
        async with self.deps.sessions() as db:
            usable = await link_is_usable(self.deps, db, token)
        if not usable:
            return self._public("login_refused.html", status=403, request=request)
        return self._public("login_confirm.html", {"action": f"/login/{token}"}, request=request)

    async def login(self, request: Request) -> Response:
        """Spends the link and starts a session; a bad link sets no cookie."""
        token = str(request.path_params["token"])
        if not self._same_origin(request):  # no logging a victim into someone else's session
            return self._public("forbidden.html", status=403, request=request)
        async with self.deps.sessions() as db, db.begin():
            session_token = await spend_link(self.deps, db, token)
        if session_token is None:
            return self._public("login_refused.html", status=403, request=request)
        return with_session_cookie(
            _secured(RedirectResponse("/", status_code=303)), self.deps, session_token
        )

    def _same_origin(self, request: Request) -> bool:
        """A browser's `Origin` on a POST, when sent, must be this site (as served or public)."""
        origin = request.headers.get("origin")
        if origin is None:
            return True
        served = f"{request.url.scheme}://{request.url.netloc}"
        public = self.deps.public_url.rstrip("/")
        return origin.rstrip("/") in (served, public)

    async def logout(self, request: Request) -> Response:
        """Ends the session on the server (a POST with the CSRF field)."""
        try:
            async with self.deps.sessions() as db, db.begin():
                signed_in = await self._signed_in(db, request)
                await self._check_csrf(request, signed_in)
                await end_session(self.deps, db, signed_in)
        except _Answer as answer:
            return _secured(answer.response)
        response = RedirectResponse("/login?out=1", status_code=303)
        return without_session_cookie(_secured(response), self.deps)

    async def home(self, request: Request) -> Response:
        """The communities the person organizes."""
        try:
            async with self.deps.sessions() as db, db.begin():
                signed_in = await self._signed_in(db, request)
                person = await db.get(Person, signed_in.person_id)
                communities = await self.organizers.organized(db, signed_in.person_id)
                language = _language(person, None, self.deps.default_language)
                body = self.templates.render(
                    language,
                    "home.html",
                    {
                        "person": person,
                        "csrf": signed_in.csrf,
                        "lang": language,
                        "communities": [
                            (c, self.registry.url("overview", c.id)) for c in communities
                        ],
                    },
                )
        except _Answer as answer:
            return _secured(answer.response)
        return _secured(HTMLResponse(body))

    def _page(self, page: Page) -> Any:
        async def endpoint(request: Request) -> Response:
            return await self._gate(request, page.name, page.name, page.handler, post=False)

        return endpoint

    def _action(self, action: Action) -> Any:
        async def endpoint(request: Request) -> Response:
            return await self._gate(request, action.name, action.page, action.handler, post=True)

        return endpoint

    async def _gate(
        self, request: Request, name: str, page_name: str, handler: Any, *, post: bool
    ) -> Response:
        """Session, CSRF, the organizer rule and one transaction, then the handler."""
        try:
            async with self.deps.sessions() as db, db.begin():
                signed_in = await self._signed_in(db, request)
                form = await self._check_csrf(request, signed_in) if post else {}
                person = await db.get(Person, signed_in.person_id)
                community = await self._community(db, request, signed_in)
                if person is None or community is None:
                    raise _Answer(self._not_found(person, signed_in))
                context = PageContext(
                    request=request,
                    db=db,
                    person=person,
                    community=community,
                    csrf=signed_in.csrf,
                    now=self.deps.clock.now(),
                    language=_language(person, community, self.deps.default_language),
                    registry=self.registry,
                    templates=self.templates,
                    deps=self.deps,
                    page_name=page_name,
                    form=form,
                )
                try:
                    response = await handler(context)
                except NotFound:
                    raise _Answer(self._not_found(person, signed_in)) from None
                except UserFacingError as refusal:
                    raise _Answer(self._refused(context, refusal)) from None
                except Exception:  # a defect: a plain page, the details only in the log
                    log.exception("dashboard: %s failed", name)
                    raise _Answer(
                        self._public("broken.html", status=500, request=request)
                    ) from None
        except _Answer as answer:
            return _secured(answer.response)
        for callback in context.after_commit:
            await callback()
        return _secured(response)

    async def _signed_in(self, db: AsyncSession, request: Request) -> SignedIn:
        signed_in = await current_session(self.deps, db, request)
        if signed_in is None:
            raise _Answer(to_login_help())
        return signed_in

    async def _check_csrf(self, request: Request, signed_in: SignedIn) -> dict[str, str]:
        """The form's fields, once its hidden `csrf` field matches the session's."""
        form = await request.form()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        if not same_secret(fields.get("csrf", ""), signed_in.csrf):
            raise _Answer(self._public("forbidden.html", status=403, request=request))
        return fields

    async def _community(
        self, db: AsyncSession, request: Request, signed_in: SignedIn
    ) -> Community | None:
        raw = str(request.path_params["community_id"])
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
            return None
        return await self.organizers.community(db, signed_in.person_id, int(raw))

    def _not_found(self, person: Person | None, signed_in: SignedIn) -> Response:
        """One 404 page for ids that do not exist and ids of communities not theirs."""
        language = _language(person, None, self.deps.default_language)
        body = self.templates.render(
            language, "not_found.html", {"person": person, "csrf": signed_in.csrf, "lang": language}
        )
        return HTMLResponse(body, status_code=404)

    def _refused(self, context: PageContext, refusal: UserFacingError) -> Response:
        """A change the feature's rules refused: say why, with its example; nothing changed."""
        translate = self.templates.gettext
        message = plain(fmt(translate(context.language, refusal.template), refusal.values))
        example = refusal.example
        return context.render(
            "refused.html",
            {"message": message, "example": example, "back": context.url(context.page_name)},
            status=400,
        )


def _language(person: Person | None, community: Community | None, default: str) -> str:
    """The organizer's language, else the community's, else the bot's default."""
    if person is not None and person.language:
        return person.language
    if community is not None:
        return community.language
    return default


def _secured(response: Response) -> Response:
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    return response
