"""One page of a long list on the web: which rows, how many in all, where the page sits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.core.numbers import read_number

Item = TypeVar("Item")
PAGE_SIZE = 25
MAX_PAGE = 100_000


def read_page(text: str | None) -> int:
    """The page number a query string asks for; anything unreadable is the first page."""
    number = read_number(text or "")
    return 1 if number is None else min(number, MAX_PAGE)


@dataclass(frozen=True, slots=True)
class Slice(Generic[Item]):
    """The rows of one page, and enough to draw links to the others."""

    items: Sequence[Item]
    total: int
    page: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """How many pages the whole list has (at least one, even when empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.page < self.pages


def clamp(page: int, total: int, size: int = PAGE_SIZE) -> int:
    """The page to show: a page past the end shows the last one (the list may have shrunk)."""
    return max(1, min(page, max(1, -(-total // size))))


def offset(page: int, size: int = PAGE_SIZE) -> int:
    """Where a page's rows begin."""
    return (page - 1) * size
