"""When `/mentor` says the next reflection comes: the mentee's Monday 18:00, DST-correct, at
least 3 days after pairing, and never in a week whose reflection was already sent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.features.programs.views import next_reflection
from storage.program_models import Program, ProgramPair

PAIRED = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # a Sunday
NEW_YORK = "America/New_York"


@pytest.mark.parametrize(
    ("now", "done_week", "expected"),
    [
        # under 3 days after pairing, Monday 03-02 is skipped (18:00 EST = 23:00 UTC)
        (datetime(2026, 3, 1, 16, 0, tzinfo=UTC), None, datetime(2026, 3, 9, 22, 0, tzinfo=UTC)),
        # the DST week: Monday 18:00 EDT is 22:00 UTC
        (datetime(2026, 3, 9, 21, 0, tzinfo=UTC), None, datetime(2026, 3, 9, 22, 0, tzinfo=UTC)),
        # this week's is already sent (early, by /reflect): next week's
        (
            datetime(2026, 3, 9, 21, 0, tzinfo=UTC),
            date(2026, 3, 9),
            datetime(2026, 3, 16, 22, 0, tzinfo=UTC),
        ),
        # sent at its moment: next week's, not today's
        (
            datetime(2026, 3, 9, 22, 0, tzinfo=UTC),
            date(2026, 3, 9),
            datetime(2026, 3, 16, 22, 0, tzinfo=UTC),
        ),
        # a week that has passed does not push the next one further
        (
            datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
            date(2026, 3, 9),
            datetime(2026, 3, 16, 22, 0, tzinfo=UTC),
        ),
        # the autumn change: Monday 2026-11-02 18:00 EST is 23:00 UTC
        (datetime(2026, 10, 30, 9, 0, tzinfo=UTC), None, datetime(2026, 11, 2, 23, 0, tzinfo=UTC)),
    ],
)
def test_next_reflection(now: datetime, done_week: date | None, expected: datetime) -> None:
    program = Program(reflection_weekday=0, reflection_time="18:00")
    pair = ProgramPair(paired_at=PAIRED)
    assert next_reflection(program, pair, NEW_YORK, now, done_week) == expected
