"""One listener for the router and the delivery engine: a log line and metrics per event."""

from __future__ import annotations

import logging

from bot.core.trace import EventTrace
from bot.ops.health import PlatformCalls
from bot.ops.logs import FIELDS
from bot.ops.metrics import Metrics

log = logging.getLogger("mentorbot.events")


class OpsObserver:
    """Feeds metrics, readiness and the event log; holds no person's name, id or words."""

    def __init__(self, metrics: Metrics, calls: PlatformCalls) -> None:
        self._metrics = metrics
        self._calls = calls

    def event_handled(self, trace: EventTrace, seconds: float) -> None:
        """One INFO line and the event counters for a handled event."""
        self._metrics.event(trace.platform, trace.command, seconds)
        facts = {
            "platform": trace.platform,
            "command": trace.command,
            "community_id": trace.community_id,
            "duration_ms": round(seconds * 1000, 1),
            "outcome": trace.outcome,
        }
        log.info(
            "event handled: platform=%s command=%s community=%s outcome=%s in %.1f ms",
            trace.platform,
            trace.command,
            trace.community_id if trace.community_id is not None else "-",
            trace.outcome,
            seconds * 1000,
            extra={FIELDS: facts},
        )

    def platform_call(self, platform: str, ok: bool) -> None:
        """Readiness remembers the latest call's outcome."""
        self._calls.record(platform, ok)

    def rate_limited(self, platform: str) -> None:
        """Counts a 429."""
        self._metrics.limited(platform)

    def schedule_fired(self, lateness_seconds: float) -> None:
        """Counts a fire and how late it was."""
        self._metrics.fired(lateness_seconds)
