"""The scheduler's plan: each enabled schedule's next due time, and one heap over a window."""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta

from bot.delivery.timing import day_span, last_fire_at_or_before, next_fire
from storage.schedule_repo import Timing

DEFAULT_WINDOW = timedelta(hours=24)


def next_occurrence(timing: Timing, after: datetime) -> datetime | None:
    """The next occurrence strictly after `after` (and after a pause), or None for a spent
    one-off."""
    if timing.run_at is not None:
        return None if timing.last_fired_at is not None else timing.run_at
    if timing.paused_until is not None:
        resumes, _ = day_span(timing.zone, timing.paused_until + timedelta(days=1))
        after = max(after, resumes - timedelta(microseconds=1))
    return next_fire(timing.local_time, timing.days, timing.zone, after)


def missed_occurrence(timing: Timing, now: datetime) -> datetime | None:
    """The latest occurrence at or before `now` that was never fired (or marked skipped)."""
    if timing.run_at is not None:
        return timing.run_at if timing.last_fired_at is None and timing.run_at <= now else None
    latest = last_fire_at_or_before(timing.local_time, timing.days, timing.zone, now)
    if latest is None or latest < timing.created_at:
        return None
    if timing.last_fired_at is not None and latest <= timing.last_fired_at:
        return None
    return latest


class Plan:
    """Next due time per schedule; only those due before `horizon` sit in the timer's heap.

    The heap deletes lazily: an entry counts only while it still matches the schedule's due
    time, so re-planning a schedule is O(log n) and never scans the heap.
    """

    def __init__(self, window: timedelta = DEFAULT_WINDOW) -> None:
        self._window = window
        self._due: dict[int, datetime] = {}
        self._community_of: dict[int, int] = {}
        self._in_community: dict[int, set[int]] = {}
        self._heap: list[tuple[datetime, int]] = []
        self.horizon: datetime | None = None

    def open(self, now: datetime) -> None:
        """Starts (or moves) the window at `now`: everything due before its end joins the heap."""
        self.horizon = now + self._window
        horizon = self.horizon
        self._heap = [(at, sid) for sid, at in self._due.items() if at <= horizon]
        heapq.heapify(self._heap)

    def clear(self) -> None:
        """Forgets everything (another process schedules now)."""
        self._due.clear()
        self._community_of.clear()
        self._in_community.clear()
        self._heap.clear()
        self.horizon = None

    def put(self, schedule_id: int, community_id: int, at: datetime) -> None:
        """Plans the schedule's next fire at `at` (replacing any earlier plan)."""
        owner = self._community_of.get(schedule_id)
        if owner != community_id:
            if owner is not None:
                self.drop(schedule_id)
            self._community_of[schedule_id] = community_id
            self._in_community.setdefault(community_id, set()).add(schedule_id)
        if self._due.get(schedule_id) == at:
            return
        self._due[schedule_id] = at
        if self.horizon is None or at <= self.horizon:
            heapq.heappush(self._heap, (at, schedule_id))
            if len(self._heap) > 2 * len(self._due) + 1024:
                self._compact()

    def drop(self, schedule_id: int) -> None:
        """Removes the schedule from the plan, if planned."""
        self._due.pop(schedule_id, None)
        owner = self._community_of.pop(schedule_id, None)
        if owner is not None:
            members = self._in_community.get(owner)
            if members is not None:
                members.discard(schedule_id)
                if not members:
                    del self._in_community[owner]

    def due(self, schedule_id: int) -> datetime | None:
        """When the schedule fires next, as planned."""
        return self._due.get(schedule_id)

    def scheduled(self, community_id: int | None = None) -> set[int]:
        """The planned schedules (of one community)."""
        if community_id is None:
            return set(self._due)
        return set(self._in_community.get(community_id, ()))

    def next_at(self) -> datetime | None:
        """The earliest due time in the window."""
        heap = self._heap
        while heap and self._due.get(heap[0][1]) != heap[0][0]:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def take_due(self, now: datetime) -> list[tuple[datetime, int]]:
        """Takes every (due time, schedule) at or before `now` out of the plan, earliest first."""
        taken: list[tuple[datetime, int]] = []
        while (at := self.next_at()) is not None and at <= now:
            _, schedule_id = heapq.heappop(self._heap)
            self.drop(schedule_id)
            taken.append((at, schedule_id))
        return taken

    def _compact(self) -> None:
        self._heap = [(at, sid) for at, sid in self._heap if self._due.get(sid) == at]
        heapq.heapify(self._heap)
