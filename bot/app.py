"""The one place that wires settings, database, delivery engine, core and adapters together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.applications import Starlette

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.i18n import Translator
from bot.core.messenger import Messenger
from bot.core.paging import Pager
from bot.core.registry import Registry
from bot.core.router import Router
from bot.delivery.liveness import Liveness, SingleProcess
from bot.delivery.outbox import Dispatcher, new_worker_id
from bot.delivery.pacing import Pacer
from bot.delivery.scheduler import ScheduleEngine
from bot.delivery.shared_pacing import SharedPacer
from bot.dialogs import DialogLapses, Dialogs
from bot.dialogs.lapse import SWEEP_SECONDS
from bot.features.badges import BadgeAwarder, Badges
from bot.features.bridges import Bridging
from bot.features.checkin_ping import CheckInPing
from bot.features.checkins import CheckIns
from bot.features.dashboard import Dashboard
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
from bot.features.programs import Programs
from bot.features.programs.loop import ProgramLoop
from bot.features.programs.reach import Voice
from bot.features.programs.sweeps import SWEEP_SECONDS as LOOP_SWEEP_SECONDS
from bot.features.programs.sweeps import LoopSweeps
from bot.features.reminders import Reminders
from bot.features.request_detail import RequestDetail
from bot.features.savetip import SaveTip
from bot.features.schedules import Schedules
from bot.features.stats import Stats
from bot.features.tip_schedules import TipSchedules
from bot.features.tips import Tips
from bot.ops.endpoints import ops_routes
from bot.ops.health import PlatformCalls, Readiness
from bot.ops.identity import ProcessIdentity
from bot.ops.leader import Leadership, is_postgres
from bot.ops.metrics import Metrics
from bot.ops.observe import OpsObserver
from bot.ops.replan_channel import ReplanListener
from storage import ops_repo
from storage.db import Database
from storage.repo import NewCommunityDefaults

if TYPE_CHECKING:
    from bot.web.dashboard.telegram_login import TelegramLogin

log = logging.getLogger(__name__)


def build_registry(
    engine: ScheduleEngine,
    translator: Translator,
    dialogs: Dialogs | None = None,
    web_url: str | None = None,
) -> Registry:
    """Every feature declares its commands, buttons, triggers, dialogs and schedule kinds here."""
    registry = Registry()
    dialogs = dialogs or Dialogs(translator)
    dialogs.register(registry)
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
    TipSchedules(schedules, translator).register()
    SaveTip(registry).register()
    Partners(registry, engine, translator).register()
    Badges(registry).register()
    Stats(registry, schedules, translator).register()
    Export(registry).register()
    Dashboard(registry, web_url).register()
    Programs(registry, dialogs, pager).register()
    ProgramLoop(registry, dialogs, translator, mentoring).register()
    return registry


class Core:
    """The platform-neutral bot: database, delivery engine, registry and router."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.database = Database(settings.database_url)
        self.messengers: dict[str, Messenger] = {}
        self.connections: dict[str, object] = {}
        self.metrics = Metrics()
        self.platform_calls = PlatformCalls()
        self.observer = OpsObserver(self.metrics, self.platform_calls)
        self.translator = Translator()
        # Each lease names this process; on PostgreSQL a lock held while it runs proves it alive.
        worker = new_worker_id()
        self.identity: ProcessIdentity | None = None
        liveness: Liveness = SingleProcess()
        if is_postgres(settings.database_url):
            self.identity = ProcessIdentity(settings.database_url, worker)
            liveness = self.identity
        # One pacer for every send of this process: command replies, reactions, the outbox.
        self.pacer = SharedPacer(self.database.sessions) if self.identity is not None else Pacer()
        self.dispatcher = Dispatcher(
            self.database.sessions,
            self.messengers,
            self.clock,
            self.pacer,
            observer=self.observer,
            translator=self.translator,
            liveness=liveness,
            worker=worker,
            idle_poll=1.0 if self.identity is not None else 5.0,  # notice a dead one's rows
        )
        self.schedules = ScheduleEngine(
            self.database.sessions,
            self.clock,
            self.dispatcher.wake,
            autonomous=isinstance(self.clock, SystemClock),
            observer=self.observer,
        )
        self.dialogs = Dialogs(self.translator, settings.default_language)
        self.registry = build_registry(
            self.schedules, self.translator, self.dialogs, settings.public_web_url
        )
        self.dialog_lapses = DialogLapses(
            self.database.sessions, self.clock, self.dialogs, self.dispatcher.wake
        )
        self.schedules.every("dialog-lapse", SWEEP_SECONDS, self.dialog_lapses.sweep)
        self.escalation = Escalation(
            self.database.sessions,
            self.clock,
            self.translator,
            self.dispatcher.wake,
            self.messengers,
        )
        self.schedules.every("escalation", 300, self.escalation.sweep)
        self.program_sweeps = LoopSweeps(
            self.database.sessions,
            self.clock,
            self.dialogs,
            Voice(self.translator, settings.default_language),
            self.dispatcher.wake,
        )
        self.schedules.every("program-loop", LOOP_SWEEP_SECONDS, self.program_sweeps.sweep)
        self.router = Router(
            self.registry,
            self.database.sessions,
            self.translator,
            self.clock,
            NewCommunityDefaults(settings.default_timezone, settings.default_language),
            hooks=self,
            observer=self.observer,
            pacer=self.pacer,
        )
        self.readiness = Readiness(self._ping, self.platform_calls, self._adapters)
        self._delivering = False
        self._scheduling = False
        self._receivers: list[Leadership | _Held] = []
        # Several processes may share PostgreSQL: only the elected one runs the scheduler.
        self.scheduler_leadership: Leadership | None = None
        self.replans: ReplanListener | None = None
        if is_postgres(settings.database_url):
            self.replans = ReplanListener(settings.database_url, self._replan_heard)
            self.scheduler_leadership = Leadership(
                settings.database_url, "scheduler", self._lead_scheduling, self._stop_scheduling
            )

    def attach(self, messenger: Messenger, connection: object | None = None) -> None:
        """Makes a platform reachable for the outbox (before or after delivery starts).

        `connection` is the running adapter, asked by /readyz whether it is connected.
        """
        self.messengers[messenger.platform] = messenger
        if connection is not None:
            self.connections[messenger.platform] = connection
        self.dispatcher.wake()

    async def hold_receiver(
        self,
        platform: str,
        receive: Callable[[], Awaitable[None]],
        stand_by: Callable[[], Awaitable[None]],
    ) -> None:
        """Receives `platform`'s updates here, or (PostgreSQL) whenever this process holds
        the `<platform>_receiver` role; the others stand by and still send."""
        role = f"{platform}_receiver"

        async def gain() -> None:
            await receive()
            self.metrics.hold(role, True)

        async def loss() -> None:
            self.metrics.hold(role, False)
            await stand_by()

        if not is_postgres(self.settings.database_url):
            await gain()
            self._receivers.append(_Held(gain, loss))
            return
        leadership = Leadership(self.settings.database_url, role, gain, loss)
        self._receivers.append(leadership)
        await leadership.start()

    async def release_receivers(self) -> None:
        """Stops taking updates and gives the receiver roles to the next process."""
        receivers, self._receivers = self._receivers, []
        for receiver in receivers:
            await receiver.stop()

    def web_app(self) -> Starlette:
        """The app on WEB_PORT: health and metrics, and the organizer dashboard."""
        # Imported here: without WEB_PORT the dashboard (Jinja and its pages) is never loaded.
        from bot.web.dashboard import dashboard_routes
        from bot.web.dashboard.deps import DashboardDeps

        deps = DashboardDeps(
            sessions=self.database.long_sessions,
            clock=self.clock,
            translator=self.translator,
            messengers=self.messengers,  # the same dict: platforms attached later count too
            public_url=self.settings.public_web_url or "",
            default_language=self.settings.default_language,
            replan=self.replan,
            telegram_login=self._telegram_login(),
        )
        routes = ops_routes(self.readiness, self.metrics, self._count_outbox)
        return Starlette(routes=[*routes, *dashboard_routes(deps)])

    def _telegram_login(self) -> TelegramLogin | None:
        """The login widget's bot and token, when TELEGRAM_LOGIN_BOT is set."""
        from bot.web.dashboard.telegram_login import TelegramLogin

        name, token = self.settings.telegram_login_bot, self.settings.telegram_token
        if name is None or token is None:
            return None
        return TelegramLogin(name, token.get_secret_value())

    async def _ping(self) -> None:
        async with self.database.sessions() as session:
            await ops_repo.ping(session)

    async def _count_outbox(self) -> None:
        async with self.database.sessions() as session:
            self.metrics.outbox_counts(await ops_repo.outbox_counts(session))

    def _adapters(self) -> list[tuple[str, object]]:
        return [(platform, self.connections.get(platform)) for platform in self.messengers]

    async def start(self) -> None:
        """Brings the schema up to date before any event is handled."""
        await self.database.upgrade()
        self.database.keep_wal_short()

    async def start_delivery(self) -> None:
        """Catches up on missed schedules, plans the next fires and starts sending."""
        if self.identity is not None:
            await self.identity.prepare()  # before any claim: a claim must name a live holder
        self.dispatcher.start()
        self._delivering = True
        if self.scheduler_leadership is not None:
            await self.scheduler_leadership.start()  # leads now, or stands by and retries
        else:
            await self._lead_scheduling()

    async def _lead_scheduling(self) -> None:
        """This process schedules: rebuild every plan from the tables, fire what was missed."""
        self.metrics.hold("scheduler", True)  # held from the lock on, through the catch-up
        try:
            await self.schedules.start()
        except BaseException:
            self.metrics.hold("scheduler", False)
            raise
        self._scheduling = True
        if self.replans is not None:
            await self.replans.start()

    async def _stop_scheduling(self, grace: float = 3.0) -> None:
        """Another process may schedule now: stop firing (jobs in progress get `grace`)."""
        if self._scheduling:
            self._scheduling = False
            if self.replans is not None:
                await self.replans.stop()
            self.metrics.hold("scheduler", False)
            await self.schedules.stop(grace=grace)

    async def stop(self, grace: float = 4.0) -> None:
        """Stops scheduling and sending within about `grace` seconds, then releases the database.

        Fires in progress get half; sends in progress get what is left, then return to pending.
        """
        await self.release_receivers()
        if self._delivering:
            deadline = asyncio.get_running_loop().time() + grace
            await self._stop_scheduling(grace=grace / 2)
            if self.scheduler_leadership is not None:
                await self.scheduler_leadership.stop()  # only now may another process lead
            remaining = deadline - asyncio.get_running_loop().time()
            await self.dispatcher.stop(grace=max(0.5, remaining))
            self._delivering = False
        if self.identity is not None:
            await self.identity.stop()  # only after our rows are finished or returned
        await self.database.dispose()

    def wake(self) -> None:
        """New outbox rows may be due now."""
        self.dispatcher.wake()

    async def replan(self, community_id: int) -> None:
        """Re-plans a community's schedules after a change: here if this process schedules,
        else (PostgreSQL) by telling the process that does."""
        if self._scheduling:
            await self.schedules.reload(community_id)
        elif is_postgres(self.settings.database_url):
            async with self.database.sessions() as session, session.begin():
                await ops_repo.announce_replan(session, community_id)

    async def _replan_heard(self, community_id: int) -> None:
        """Another process changed a community's schedules."""
        if self._scheduling:
            await self.schedules.reload(community_id)


@dataclass(frozen=True, slots=True)
class _Held:
    """A role held without election (SQLite: the only process); `stop` lets it go."""

    gain: Callable[[], Awaitable[None]]
    stop: Callable[[], Awaitable[None]]
