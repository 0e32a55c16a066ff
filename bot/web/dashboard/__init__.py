"""The organizer dashboard: a page registry, login by `/dashboard` link, server-rendered pages.

To add a page, write a module with a `register(pages)` function and call it in `build_pages`.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.web.dashboard import (
    checkins_page,
    overview,
    program_page,
    requests_page,
    schedules_page,
    settings_page,
    tips_page,
)
from bot.web.dashboard.app import DashboardApp
from bot.web.dashboard.deps import DashboardDeps
from bot.web.dashboard.pages import PageRegistry


def build_pages() -> PageRegistry:
    """Every dashboard page and form action; the nav lists pages in this order."""
    pages = PageRegistry()
    overview.register(pages)
    tips_page.register(pages)
    schedules_page.register(pages)
    requests_page.register(pages)
    checkins_page.register(pages)
    program_page.register(pages)
    settings_page.register(pages)
    return pages


def dashboard_routes(deps: DashboardDeps, pages: PageRegistry | None = None) -> list[BaseRoute]:
    """The dashboard's routes for the web app."""
    return DashboardApp(deps, pages or build_pages()).routes()
