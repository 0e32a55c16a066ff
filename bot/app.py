"""The one place that wires settings, database, delivery engine, core and adapters together."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.i18n import Translator
from bot.core.messenger import Messenger
from bot.core.paging import Pager
from bot.core.registry import Registry
from bot.core.router import Router
from bot.delivery.outbox import Dispatcher
from bot.delivery.scheduler import ScheduleEngine
from bot.features.badges import BadgeAwarder, Badges
from bot.features.bridges import Bridging
from bot.features.checkin_ping import CheckInPing
from bot.features.checkins import CheckIns
from bot.features.escalation import Escalation
from bot.features.export import Export
from bot.features.forgetting import Forgetting
from bot.features.help import Help
from bot.features.helping import Helping
from bot.features.kudos import KudosBoard
from bot.features.linking import Linking
from bot.features.mentoring import Mentoring
from bot.features.onboarding import Onboarding
from bot.features.partners import Partners
from bot.features.profile import Profiles
from bot.features.reminders import Reminders
from bot.features.request_detail import RequestDetail
from bot.features.savetip import SaveTip
from bot.features.schedules import Schedules
from bot.features.stats import Stats
from bot.features.tip_schedules import TipSchedules
from bot.features.tips import Tips
from storage.db import Database
from storage.repo import NewCommunityDefaults

log = logging.getLogger(__name__)


def build_registry(engine: ScheduleEngine, translator: Translator) -> Registry:
    """Every feature declares its commands, buttons, triggers and schedule kinds here, once."""
    registry = Registry()
    Onboarding(registry, Bridging()).register()
    Help(registry).register()
    Profiles(registry).register()
    Forgetting(registry).register()
    Linking(registry).register()
    schedules = Schedules(registry, engine)
    schedules.register()
    pager = Pager(registry)
    Reminders(registry, pager).register()
    awarder = BadgeAwarder()
    mentoring = Mentoring(registry, pager)
    mentoring.register()
    RequestDetail(registry).register()
    Helping(registry, awarder).register()
    CheckIns(registry, mentoring, awarder).register()
    CheckInPing(registry, engine, schedules, translator).register()
    KudosBoard(registry).register()
    Tips(registry, awarder, pager).register()
    TipSchedules(schedules).register()
    SaveTip(registry).register()
    Partners(registry, engine).register()
    Badges(registry).register()
    Stats(registry, schedules).register()
    Export(registry).register()
    return registry


class Core:
    """The platform-neutral bot: database, delivery engine, registry and router."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.database = Database(settings.database_url)
        self.messengers: dict[str, Messenger] = {}
        self.dispatcher = Dispatcher(self.database.sessions, self.messengers, self.clock)
        self.schedules = ScheduleEngine(
            self.database.sessions,
            self.clock,
            self.dispatcher.wake,
            autonomous=isinstance(self.clock, SystemClock),
        )
        self.translator = Translator()
        self.registry = build_registry(self.schedules, self.translator)
        self.escalation = Escalation(
            self.database.sessions,
            self.clock,
            self.translator,
            self.dispatcher.wake,
            self.messengers,
        )
        self.schedules.every("escalation", 300, self.escalation.sweep)
        self.router = Router(
            self.registry,
            self.database.sessions,
            self.translator,
            self.clock,
            NewCommunityDefaults(settings.default_timezone, settings.default_language),
            hooks=self,
        )
        self._delivering = False

    def attach(self, messenger: Messenger) -> None:
        """Makes a platform reachable for the outbox (before or after delivery starts)."""
        self.messengers[messenger.platform] = messenger
        self.dispatcher.wake()

    async def start(self) -> None:
        """Brings the schema up to date before any event is handled."""
        await self.database.upgrade()

    async def start_delivery(self) -> None:
        """Catches up on missed schedules, plans the next fires and starts sending."""
        await self.schedules.start()
        self.dispatcher.start()
        self._delivering = True

    async def stop(self) -> None:
        """Stops scheduling and sending, then releases database connections."""
        if self._delivering:
            await self.schedules.stop()
            await self.dispatcher.stop()
            self._delivering = False
        await self.database.dispose()

    def wake(self) -> None:
        """New outbox rows may be due now."""
        self.dispatcher.wake()

    async def replan(self, community_id: int) -> None:
        """Re-plans a community's schedules after a change."""
        if self._delivering:
            await self.schedules.reload(community_id)
