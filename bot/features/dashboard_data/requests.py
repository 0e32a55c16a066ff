"""The requests page: a community's requests filtered by status and topic, in full, paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import UsageError
from bot.domain.topics import MAX_TOPIC_LENGTH, topic_key
from bot.features.dashboard_data.slices import PAGE_SIZE, Slice, clamp, offset
from storage.mentoring_repo import MentoringRepository
from storage.models import HelpRequest, RequestStatus

STATUSES = tuple(status.value for status in RequestStatus)
"""What the status filter offers (besides "any"), in the order the page lists them."""


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """Which requests to list: a status (None: any) and a topic key (None: any)."""

    status: RequestStatus | None = None
    topic: str | None = None
    topic_text: str = ""


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One request as the page shows it: the whole question, who asked, who claimed it."""

    number: int
    status: str
    question: str
    topics: tuple[str, ...]
    asker: str
    claimer: str | None
    created_at: datetime
    age: timedelta


def read_filter(status: str | None, topic: str | None) -> RequestFilter:
    """The filter a form sent; a status that is not one, or an overlong topic, is refused."""
    wanted = (status or "").strip().casefold()
    if wanted and wanted not in STATUSES:
        raise UsageError(
            # Translators: {statuses} is a list like "open, claimed, resolved, closed".
            "“{value}” is not a request status. Choose one of: {statuses}.",
            {"value": wanted[:40], "statuses": ", ".join(STATUSES)},
        )
    text = " ".join((topic or "").split()).lstrip("#")
    if len(text) > MAX_TOPIC_LENGTH:
        raise UsageError(
            "A topic has at most {limit} characters.",
            {"limit": MAX_TOPIC_LENGTH},
        )
    key = topic_key(text)
    return RequestFilter(RequestStatus(wanted) if wanted else None, key or None, text)


def _row(request: HelpRequest, now: datetime) -> RequestRow:
    return RequestRow(
        number=request.number,
        status=request.status,
        question=request.question,
        topics=tuple(topic.label for topic in request.topics),
        asker=request.asker.display_name,
        claimer=None if request.helper is None else request.helper.display_name,
        created_at=request.created_at,
        age=max(timedelta(0), now - request.created_at),
    )


async def request_page(
    session: AsyncSession, community_id: int, chosen: RequestFilter, page: int, now: datetime
) -> Slice[RequestRow]:
    """One page of the community's requests (newest first) that match the filter."""
    repo = MentoringRepository(session)
    statuses = None if chosen.status is None else [chosen.status]
    total = await repo.count_listed([community_id], statuses, topic=chosen.topic)
    page = clamp(page, total)
    found = await repo.listing(
        [community_id],
        statuses,
        limit=PAGE_SIZE,
        offset=offset(page),
        topic=chosen.topic,
    )
    return Slice(tuple(_row(request, now) for request in found), total, page)
