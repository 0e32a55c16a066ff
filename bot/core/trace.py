"""What one handled event was, for logs and metrics: never who said it or what they said."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

TEXT = "text"
BUTTON = "button"
UNKNOWN = "unknown"


@dataclass(slots=True)
class EventTrace:
    """The label-safe facts about one event: platform, command name, community, outcome."""

    platform: str
    command: str
    community_id: int | None = None
    outcome: str = "ok"


class EventObserver(Protocol):
    """Told once per handled event (logs and metrics listen here)."""

    def event_handled(self, trace: EventTrace, seconds: float) -> None:
        """Records one event that the router finished handling."""
        ...


class NoObserver:
    """Nobody listens (tests and tools that build a bare router)."""

    def event_handled(self, trace: EventTrace, seconds: float) -> None:
        """Ignores the event."""


# The trace of the event being handled in this task; asyncio copies it per task.
_current: ContextVar[EventTrace | None] = ContextVar("mentorbot_event_trace", default=None)


@contextlib.contextmanager
def tracing(trace: EventTrace) -> Iterator[EventTrace]:
    """Makes `trace` the current event's while the router handles it."""
    token = _current.set(trace)
    try:
        yield trace
    finally:
        _current.reset(token)


def note_community(community_id: int | None) -> None:
    """The event turned out to belong to this community."""
    trace = _current.get()
    if trace is not None:
        trace.community_id = community_id


def note_outcome(outcome: str) -> None:
    """The event ended as `refused` (bad input, no right) or `error` (a crash)."""
    trace = _current.get()
    if trace is not None:
        trace.outcome = outcome
