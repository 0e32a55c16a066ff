"""Proposing mentor–mentee pairs for a program: the best total fit, not first come first served.

Each mentee's fit with each mentor is scored in `program_scoring` (10 points a shared topic,
5 for a shared language, 1 an hour of weekly overlap up to 8; eligible with a shared topic,
or a shared language and 2 hours of overlap). Pairs are then chosen together, as one
assignment that makes the sum of the scores as high as it can be
(`scipy.optimize.linear_sum_assignment` over mentor *slots*: each mentor appears once per
mentee they still have room for). Ineligible pairs and pairs this program already had are
never proposed, and no mentor goes over capacity. The result is the same for the same
people whatever order they come in: people are sorted by id, and among equally good
answers the ties lean to lower mentee ids, then lower mentor ids.

A mentee left out gets a reason as data (`Unmatched`): no mentors at all, no eligible
mentor, every eligible mentor full, or every eligible mentor one they already had.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

from bot.domain.program_availability import LocalWindow, utc_slots
from bot.domain.program_scoring import Fit, Mentee, Mentor, fit

__all__ = [
    "Fit",
    "LocalWindow",
    "Matching",
    "Mentee",
    "Mentor",
    "Proposal",
    "Unmatched",
    "UnmatchedReason",
    "fit",
    "propose",
    "utc_slots",
]

_Person = TypeVar("_Person", Mentee, Mentor)


class UnmatchedReason(StrEnum):
    """Why a mentee has no proposal; the command phrases and translates it."""

    NO_MENTORS = "no_mentors"
    NO_ELIGIBLE_MENTOR = "no_eligible_mentor"
    MENTORS_FULL = "mentors_full"
    ALREADY_PAIRED = "already_paired"


@dataclass(frozen=True, slots=True)
class Proposal:
    """One proposed pair with its score and the reasons for it."""

    mentee: Mentee
    mentor: Mentor
    fit: Fit

    @property
    def score(self) -> int:
        """The pair's score, as shown to the organizer."""
        return self.fit.points


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A mentee without a proposal, why, and the mentors the reason is about (by id).

    `mentor_ids` lists the eligible mentors that are full (MENTORS_FULL) or that the mentee
    already had (ALREADY_PAIRED); it is empty for the other reasons.
    """

    mentee: Mentee
    reason: UnmatchedReason
    mentor_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Matching:
    """The proposals and the unmatched mentees, each in mentee id order."""

    proposals: tuple[Proposal, ...]
    unmatched: tuple[Unmatched, ...]

    @property
    def total_score(self) -> int:
        """The sum of the proposals' scores, the number the assignment makes as high as it can."""
        return sum(proposal.score for proposal in self.proposals)


def _sorted_unique(people: Iterable[_Person], role: str) -> list[_Person]:
    ordered = sorted(people, key=lambda person: person.id)
    for before, after in pairwise(ordered):
        if before.id == after.id:
            raise ValueError(f"{role} {after.id} is listed twice")
    return ordered


def _allowed(mentee: Mentee, mentor: Mentor, score: Fit) -> bool:
    return score.eligible and mentor.id not in mentee.past_mentors


def _assign(
    mentees: Sequence[Mentee], slots: Sequence[Mentor], fits: dict[tuple[int, int], Fit]
) -> list[tuple[int, int]]:
    """(mentee index, slot index) pairs of a best assignment; ties go to lower indexes."""
    if not mentees or not slots:
        return []
    rows, columns = len(mentees), len(slots)
    # Scores dominate; the small index term only decides between equally good answers.
    scale = rows * rows * columns + 1
    cost = [[0.0] * columns for _ in range(rows)]
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(slots):
            score = fits[mentee.id, mentor.id]
            if _allowed(mentee, mentor, score):
                cost[i][j] = -float(score.points * scale - (i * columns + j))
    # Imported here: SciPy costs ~0.5 s and ~25 MB at start-up, and only matching needs it.
    from scipy.optimize import linear_sum_assignment

    chosen_rows, chosen_columns = linear_sum_assignment(cost)
    return [
        (int(i), int(j)) for i, j in zip(chosen_rows, chosen_columns, strict=True) if cost[i][j] < 0
    ]


def _why(mentee: Mentee, mentors: Sequence[Mentor], fits: dict[tuple[int, int], Fit]) -> Unmatched:
    """The reason a mentee was left out, from the mentors they could have had."""
    if not mentors:
        return Unmatched(mentee, UnmatchedReason.NO_MENTORS)
    eligible = [m for m in mentors if fits[mentee.id, m.id].eligible]
    if not eligible:
        return Unmatched(mentee, UnmatchedReason.NO_ELIGIBLE_MENTOR)
    fresh = tuple(m.id for m in eligible if m.id not in mentee.past_mentors)
    if fresh:
        return Unmatched(mentee, UnmatchedReason.MENTORS_FULL, fresh)
    return Unmatched(mentee, UnmatchedReason.ALREADY_PAIRED, tuple(m.id for m in eligible))


def propose(mentees: Iterable[Mentee], mentors: Iterable[Mentor]) -> Matching:
    """Proposes the pairs with the best total score, and says why anyone is left out."""
    mentee_list = _sorted_unique(mentees, "mentee")
    mentor_list = _sorted_unique(mentors, "mentor")
    fits = {(e.id, m.id): fit(e, m) for e in mentee_list for m in mentor_list}
    slots = [mentor for mentor in mentor_list for _ in range(mentor.room)]
    chosen = dict(_assign(mentee_list, slots, fits))
    proposals: list[Proposal] = []
    unmatched: list[Unmatched] = []
    for i, mentee in enumerate(mentee_list):
        if i in chosen:
            mentor = slots[chosen[i]]
            proposals.append(Proposal(mentee, mentor, fits[mentee.id, mentor.id]))
        else:
            unmatched.append(_why(mentee, mentor_list, fits))
    return Matching(tuple(proposals), tuple(unmatched))
