"""The page registry and what a page handler sees: one community, one organizer, one
transaction. The nav and the authorization tests read the registry, so a page added here is
linked and covered without further wiring."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.core.markup import fmt, plain
from bot.web.dashboard.deps import DashboardDeps
from bot.web.dashboard.templating import Templates
from storage.dashboard_repo import DashboardRepository
from storage.models import Community, Person

PageHandler = Callable[["PageContext"], Awaitable[Response]]
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


@dataclass(frozen=True, slots=True)
class Page:
    """A GET page of a community, at `/c/<community id>/<path>` ("" is the overview)."""

    name: str
    path: str
    label: str
    """The nav label: an English template marked with `N_`, shown translated."""
    handler: PageHandler
    in_nav: bool = True


@dataclass(frozen=True, slots=True)
class Action:
    """A form's POST target under `/c/<community id>/<path>`: CSRF-checked, authorized,
    applied in one transaction (a refusal rolls everything back)."""

    name: str
    path: str
    handler: PageHandler
    page: str = "overview"
    """The page a refusal links back to."""


class NotFound(Exception):
    """An id in the URL that is not this community's: the same 404 page as any other."""


@dataclass(slots=True)
class PageRegistry:
    """Every community page and form action, by unique name."""

    pages: dict[str, Page] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)

    def add_page(self, page: Page) -> None:
        """Declares a page; names and paths are unique."""
        if page.name in self.pages or page.name in self.actions:
            raise ValueError(f"dashboard page name {page.name!r} is taken")
        if any(other.path == page.path for other in self.pages.values()):
            raise ValueError(f"dashboard page path {page.path!r} is taken")
        self.pages[page.name] = page

    def add_action(self, action: Action) -> None:
        """Declares a form target."""
        if action.name in self.actions or action.name in self.pages:
            raise ValueError(f"dashboard action name {action.name!r} is taken")
        self.actions[action.name] = action

    def url(self, name: str, community_id: int, **params: object) -> str:
        """The URL of a page or action; extra params fill `{placeholders}`, the rest become
        the query string."""
        target = self.pages.get(name) or self.actions[name]
        path = target.path
        for key in _PARAM.findall(path):
            path = _PARAM.sub(str(params.pop(key)), path, count=1)
        query = {key: value for key, value in params.items() if value not in (None, "")}
        base = f"/c/{community_id}/{path}"
        return f"{base}?{urlencode(query)}" if query else base


@dataclass(slots=True)
class PageContext:
    """One authorized request: the organizer, the community and a transaction."""

    request: Request
    db: AsyncSession
    person: Person
    community: Community
    csrf: str
    now: datetime
    language: str
    registry: PageRegistry
    templates: Templates
    deps: DashboardDeps
    page_name: str
    form: Mapping[str, str] = field(default_factory=dict)
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def param(self, name: str) -> str:
        """A path parameter as typed."""
        return str(self.request.path_params[name])

    def number(self, name: str) -> int:
        """A path or query number; anything that is not plain ASCII digits is a 404."""
        raw = str(self.request.path_params.get(name, self.request.query_params.get(name, "")))
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
            raise NotFound(name)
        return int(raw)

    def t(self, template: str, values: Mapping[str, object] | None = None) -> str:
        """A template in the reader's language with its values filled, as plain text."""
        return plain(fmt(self.templates.gettext(self.language, template), values))

    def when(self, moment: datetime | None) -> str:
        """A moment as `YYYY-MM-DD HH:MM` on the community's wall clock."""
        if moment is None:
            return "—"
        return moment.astimezone(ZoneInfo(self.community.timezone)).strftime("%Y-%m-%d %H:%M")

    def url(self, name: str, **params: object) -> str:
        """A page or action URL of this community."""
        return self.registry.url(name, self.community.id, **params)

    def render(
        self, template: str, values: Mapping[str, Any] | None = None, status: int = 200
    ) -> HTMLResponse:
        """The page's HTML inside the base layout (nav, community name, CSRF for forms)."""
        nav = [
            {
                "label": self.templates.gettext(self.language, page.label),
                "url": self.url(page.name),
                "current": page.name == self.page_name,
            }
            for page in self.registry.pages.values()
            if page.in_nav
        ]
        body = self.templates.render(
            self.language,
            template,
            {
                "community": self.community,
                "person": self.person,
                "csrf": self.csrf,
                "nav": nav,
                "lang": self.language,
                "url": self.url,
                "when": self.when,
                **(values or {}),
            },
        )
        return HTMLResponse(body, status_code=status)

    def redirect(self, name: str, **params: object) -> RedirectResponse:
        """After a change: back to a page with GET (303), so a reload does not repeat it."""
        return RedirectResponse(self.url(name, **params), status_code=303)

    async def log(self, action: str, detail: str = "") -> None:
        """Logs a change as made by this organizer; `action` is an `N_` template, shown
        translated to whoever reads the activity list."""
        await DashboardRepository(self.db).log(
            self.community.id, self.person.id, action, detail, self.now
        )

    def replan_after_commit(self) -> None:
        """Re-plans the community's schedules in the engine once the change is committed."""
        community_id = self.community.id

        async def replan() -> None:
            await self.deps.replan(community_id)

        self.after_commit.append(replan)
