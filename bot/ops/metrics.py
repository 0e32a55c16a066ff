"""Prometheus metrics for one Core, on its own registry; labels never name a person."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from storage.models import OutboxStatus

ROLES = ("scheduler", "telegram_receiver")
_HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_LATENESS_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 7200.0)


class Metrics:
    """Every series named in SPEC.md's "Operations and scale-out"."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.events = Counter(
            "mentorbot_events",
            "Events handled, by platform and registered command (text, button or unknown).",
            ["platform", "command"],
            registry=self.registry,
        )
        self.handling = Histogram(
            "mentorbot_handling_seconds",
            "Time from an event reaching the router to its replies being ready.",
            buckets=_HANDLING_BUCKETS,
            registry=self.registry,
        )
        self.outbox = Gauge(
            "mentorbot_outbox_messages",
            "Outbox rows by state, counted when metrics are read.",
            ["state"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "mentorbot_rate_limited",
            "Sends the platform answered with 'too many requests' (waited out, not dropped).",
            ["platform"],
            registry=self.registry,
        )
        self.schedule_fires = Counter(
            "mentorbot_schedule_fires",
            "Schedule occurrences fired (their messages queued).",
            registry=self.registry,
        )
        self.schedule_lateness = Histogram(
            "mentorbot_schedule_lateness_seconds",
            "How long after its planned time an occurrence fired.",
            buckets=_LATENESS_BUCKETS,
            registry=self.registry,
        )
        self.leader = Gauge(
            "mentorbot_leader",
            "1 while this process holds the role, else 0.",
            ["role"],
            registry=self.registry,
        )
        for role in ROLES:
            self.leader.labels(role=role).set(0)
        for state in OutboxStatus:
            self.outbox.labels(state=state.value).set(0)

    def event(self, platform: str, command: str, seconds: float) -> None:
        """One handled event; `command` is a registered name or text/button/unknown."""
        self.events.labels(platform=platform, command=command).inc()
        self.handling.observe(seconds)

    def limited(self, platform: str) -> None:
        """A platform answered 429."""
        self.rate_limited.labels(platform=platform).inc()

    def fired(self, lateness_seconds: float) -> None:
        """A schedule occurrence fired this long after its planned time."""
        self.schedule_fires.inc()
        self.schedule_lateness.observe(max(0.0, lateness_seconds))

    def hold(self, role: str, held: bool) -> None:
        """This process took or gave up a role."""
        self.leader.labels(role=role).set(1 if held else 0)

    def outbox_counts(self, counts: Mapping[str, int]) -> None:
        """The outbox's current row count per state (states absent from `counts` are 0)."""
        for state in OutboxStatus:
            self.outbox.labels(state=state.value).set(counts.get(state.value, 0))

    def render(self) -> bytes:
        """The Prometheus text exposition of every series."""
        return generate_latest(self.registry)
