"""Someone left a community: their conversations for it are dropped, the next one starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.departures import Departure
from storage.dialogs_repo import DialogRepository
from storage.leave_repo import LeaveRepository
from storage.models import DialogStatus

if TYPE_CHECKING:
    from bot.dialogs.engine import Dialogs


async def drop_dialogs(dialogs: Dialogs, departure: Departure) -> None:
    """Ends the person's open or waiting conversations of the community they left, quietly
    (they are gone from the group; the features tell whoever needs to know)."""
    if departure.still_in_circle:
        return
    session, now = departure.session, departure.now
    rows = await LeaveRepository(session).dialogs_in(departure.person_id, departure.circle)
    repo = DialogRepository(session)
    was_open = False
    for row in rows:
        was_open = was_open or row.status == DialogStatus.OPEN.value
        await repo.end(row, DialogStatus.CANCELLED, now)
    if not was_open:
        return
    following = await dialogs.promote(repo, departure.person_id, now)
    if following is not None:  # one for another community was waiting its turn
        say = await dialogs.say_for(session, following)
        await dialogs.queue(session, following, dialogs.current_question(following, say), now)
        departure.enqueued = True
