"""The program matcher, pure: scores and reasons, eligibility, capacities, repeats, ties, DST."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.program_availability import LocalWindow, utc_slots
from bot.domain.program_matching import (
    Matching,
    Mentee,
    Mentor,
    UnmatchedReason,
    fit,
    propose,
)

EVENING = frozenset(range(18, 22))  # Monday 18:00–22:00 UTC


def mentee(
    id: int,
    interests: Sequence[str] = (),
    goal: str = "",
    languages: Sequence[str] = (),
    hours: Sequence[int] = (),
    past: Sequence[int] = (),
) -> Mentee:
    return Mentee(
        id,
        f"Mentee {id}",
        tuple(interests),
        goal,
        frozenset(languages),
        frozenset(hours),
        frozenset(past),
    )


def mentor(
    id: int,
    skills: Sequence[str] = (),
    languages: Sequence[str] = (),
    hours: Sequence[int] = (),
    capacity: int = 1,
    current: int = 0,
) -> Mentor:
    return Mentor(
        id,
        f"Mentor {id}",
        tuple(skills),
        frozenset(languages),
        frozenset(hours),
        capacity,
        current,
    )


def pairs(result: Matching) -> dict[int, int]:
    return {p.mentee.id: p.mentor.id for p in result.proposals}


def reasons(result: Matching) -> dict[int, tuple[UnmatchedReason, tuple[int, ...]]]:
    return {u.mentee.id: (u.reason, u.mentor_ids) for u in result.unmatched}


# --- score and reasons ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interests", "goal", "skills", "shared"),
    [
        (["cafe"], "", ["Café"], ("Café",)),  # accents
        (["ETSY"], "", ["etsy"], ("etsy",)),  # case
        (["prices"], "", ["Pricing"], ("Pricing",)),  # plural / word form
        (["designs"], "", ["Design"], ("Design",)),
        (["UX"], "", ["Design"], ("Design",)),  # synonym
        (["JS"], "", ["JavaScript"], ("JavaScript",)),
        (["insta"], "", ["Instagram"], ("Instagram",)),
        (["social media"], "", ["Social-Media"], ("Social-Media",)),  # spacing
        ([], "Price my candles and sell on Etsy", ["Pricing", "Etsy", "Tax"], ("Pricing", "Etsy")),
        ([], "improve my shop's UX", ["design"], ("design",)),  # synonym inside the goal
        (["pricing"], "get my pricing right", ["Pricing"], ("Pricing",)),  # counted once
        (["design"], "", ["Design", "designs"], ("Design",)),  # the mentor's twin skills once
        (["tax"], "learn bookkeeping", ["Pricing", "Etsy"], ()),
        (["marketing"], "", [], ()),
        ([], "", ["Pricing"], ()),
    ],
)
def test_shared_topics_are_as_loose_as_ask(
    interests: list[str], goal: str, skills: list[str], shared: tuple[str, ...]
) -> None:
    score = fit(mentee(1, interests, goal), mentor(1, skills))
    assert score.topics == shared
    assert score.points == 10 * len(shared)


@pytest.mark.parametrize(
    ("mine", "theirs", "shared"),
    [
        (["English"], ["english"], ("English",)),
        (["Español", "en"], ["espanol"], ("Español",)),
        (["fr", "en"], ["en", "fr"], ("en", "fr")),
        (["de"], ["en"], ()),
        ([], ["en"], ()),
    ],
)
def test_shared_languages_are_named(
    mine: list[str], theirs: list[str], shared: tuple[str, ...]
) -> None:
    score = fit(mentee(1, languages=mine), mentor(1, languages=theirs))
    assert score.languages == shared
    assert score.points == (5 if shared else 0)


@pytest.mark.parametrize(
    ("mentee_hours", "mentor_hours", "overlap", "points"),
    [
        (range(18, 22), range(20, 24), 2, 2),
        (range(0, 168), range(0, 3), 3, 3),
        (range(0, 168), range(100, 112), 12, 8),  # counted up to 8 hours
        (range(0, 10), range(10, 20), 0, 0),
    ],
)
def test_overlap_hours_count_up_to_eight(
    mentee_hours: range, mentor_hours: range, overlap: int, points: int
) -> None:
    score = fit(mentee(1, hours=mentee_hours), mentor(1, hours=mentor_hours))
    assert score.overlap_hours == overlap
    assert score.points == points


def test_score_adds_topics_language_and_hours() -> None:
    score = fit(
        mentee(1, ["prices", "ux"], "sell on Etsy", ["en"], range(18, 23)),
        mentor(1, ["Pricing", "Design", "Etsy", "Tax"], ["EN", "fr"], range(20, 30)),
    )
    assert score.topics == ("Pricing", "Design", "Etsy")
    assert score.languages == ("en",)
    assert score.overlap_hours == 3
    assert score.points == 3 * 10 + 5 + 3
    assert score.eligible


@pytest.mark.parametrize(
    ("someone", "eligible"),
    [
        (mentee(1, languages=["en"], hours=[20, 21]), True),  # language and exactly 2 h
        (mentee(1, languages=["en"], hours=[20]), False),  # language and 1 h
        (mentee(1, languages=["en"]), False),  # language only
        (mentee(1, hours=range(18, 22)), False),  # hours only, 4 h
        (mentee(1, ["pricing"]), True),  # topic only, no language, no hours
        (mentee(1, goal="help with my pricing"), True),  # topic from the goal only
        (mentee(1, ["tax"], languages=["fr"], hours=range(0, 18)), False),  # nothing shared
    ],
)
def test_eligibility_edges(someone: Mentee, eligible: bool) -> None:
    other = mentor(9, ["Pricing"], ["en"], EVENING)
    assert fit(someone, other).eligible is eligible
    result = propose([someone], [other])
    if eligible:
        assert pairs(result) == {1: 9}
    else:
        assert reasons(result) == {1: (UnmatchedReason.NO_ELIGIBLE_MENTOR, ())}


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("capacity", [0, 6, -1])
def test_capacity_outside_one_to_five_is_refused(capacity: int) -> None:
    with pytest.raises(ValueError, match="capacity must be 1 to 5"):
        mentor(1, capacity=capacity)


@pytest.mark.parametrize(
    "build",
    [
        lambda: mentor(1, current=-1),
        lambda: mentor(1, hours=[168]),
        lambda: mentee(1, hours=[-1]),
        lambda: propose([mentee(1), mentee(1)], []),
        lambda: propose([], [mentor(2), mentor(2)]),
    ],
)
def test_impossible_input_is_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        build()


# --- assignment -------------------------------------------------------------------------


def test_no_mentees_proposes_nothing() -> None:
    assert propose([], [mentor(1, ["Pricing"])]) == Matching((), ())


def test_no_mentors_leaves_everyone_unmatched_saying_so() -> None:
    result = propose([mentee(2, ["pricing"]), mentee(1, ["tax"])], [])
    assert result.proposals == ()
    assert reasons(result) == {
        1: (UnmatchedReason.NO_MENTORS, ()),
        2: (UnmatchedReason.NO_MENTORS, ()),
    }


def test_nobody_sharing_anything_is_unmatched_as_not_eligible() -> None:
    result = propose(
        [mentee(1, ["tax"], languages=["fr"], hours=[1, 2]), mentee(2, ["knitting"])],
        [mentor(7, ["Pricing"], ["en"], [1, 2]), mentor(8, ["Design"], ["de"], capacity=5)],
    )
    assert result.proposals == ()
    assert {r for r, _ in reasons(result).values()} == {UnmatchedReason.NO_ELIGIBLE_MENTOR}


def test_capacity_one_takes_one_and_the_rest_are_told_it_is_full() -> None:
    people = [mentee(i, ["pricing"]) for i in (1, 2, 3)]
    result = propose(people, [mentor(7, ["Pricing"], capacity=1)])
    assert pairs(result) == {1: 7}
    assert reasons(result) == {
        2: (UnmatchedReason.MENTORS_FULL, (7,)),
        3: (UnmatchedReason.MENTORS_FULL, (7,)),
    }


def test_capacity_three_takes_three_of_four() -> None:
    people = [mentee(i, ["pricing"]) for i in (1, 2, 3, 4)]
    result = propose(people, [mentor(7, ["Pricing"], capacity=3)])
    assert sorted(pairs(result)) == [1, 2, 3]
    assert set(pairs(result).values()) == {7}
    assert reasons(result) == {4: (UnmatchedReason.MENTORS_FULL, (7,))}


def test_current_mentees_use_up_capacity() -> None:
    people = [mentee(i, ["pricing"]) for i in (1, 2, 3)]
    result = propose(people, [mentor(7, ["Pricing"], capacity=3, current=2)])
    assert pairs(result) == {1: 7}
    full = propose(people, [mentor(7, ["Pricing"], capacity=2, current=2)])
    assert full.proposals == ()
    assert {r for r, _ in reasons(full).values()} == {UnmatchedReason.MENTORS_FULL}


def test_pairs_are_chosen_together_not_first_come() -> None:
    # Mentee 1 is a little better with mentor 7 (an hour of overlap), but only mentor 7
    # suits mentee 2: first come would give 11 points, together they make 20.
    first = mentee(1, ["pricing"], hours=[1])
    second = mentee(2, ["etsy"])
    result = propose(
        [first, second], [mentor(7, ["Pricing", "Etsy"], hours=[1]), mentor(8, ["Pricing"])]
    )
    assert fit(first, mentor(7, ["Pricing", "Etsy"], hours=[1])).points == 11
    assert pairs(result) == {1: 8, 2: 7}
    assert result.total_score == 10 + 10


def test_best_total_may_leave_someone_out_and_says_why() -> None:
    strong = mentee(1, ["pricing", "etsy", "tax"])
    weak = mentee(2, ["pricing"])
    result = propose([weak, strong], [mentor(7, ["Pricing", "Etsy", "Tax"], capacity=1)])
    assert pairs(result) == {1: 7}
    assert reasons(result) == {2: (UnmatchedReason.MENTORS_FULL, (7,))}


def test_previous_pairs_are_never_repeated_even_when_best() -> None:
    again = mentee(1, ["pricing", "etsy", "design"], languages=["en"], hours=EVENING, past=[7])
    result = propose(
        [again], [mentor(7, ["Pricing", "Etsy", "Design"], ["en"], EVENING), mentor(8, ["etsy"])]
    )
    assert pairs(result) == {1: 8}
    assert result.proposals[0].fit.topics == ("etsy",)


def test_only_previous_mentors_eligible_says_already_paired() -> None:
    result = propose(
        [mentee(1, ["pricing"], past=[7, 8])],
        [mentor(7, ["Pricing"]), mentor(8, ["prices"]), mentor(9, ["Tax"])],
    )
    assert reasons(result) == {1: (UnmatchedReason.ALREADY_PAIRED, (7, 8))}


def test_fresh_mentors_full_wins_over_already_paired() -> None:
    result = propose(
        [mentee(1, ["pricing"]), mentee(2, ["pricing"], past=[7])],
        [mentor(7, ["Pricing"]), mentor(8, ["Pricing"], capacity=2, current=2)],
    )
    assert pairs(result) == {1: 7}
    assert reasons(result) == {2: (UnmatchedReason.MENTORS_FULL, (8,))}


def test_equal_fits_go_to_the_lower_ids() -> None:
    people = [mentee(i, ["pricing"]) for i in (5, 3, 4)]
    result = propose(people, [mentor(9, ["Pricing"]), mentor(2, ["Pricing"])])
    assert sorted(pairs(result)) == [3, 4]
    assert reasons(result)[5][0] is UnmatchedReason.MENTORS_FULL


def test_proposals_carry_the_reasons() -> None:
    result = propose(
        [mentee(1, ["prices"], "grow on Insta", ["es"], [10, 11, 12])],
        [mentor(4, ["Pricing", "Instagram"], ["ES"], [11, 12, 13], capacity=2)],
    )
    (proposal,) = result.proposals
    assert (proposal.mentee.id, proposal.mentor.id) == (1, 4)
    assert proposal.fit.topics == ("Pricing", "Instagram")
    assert proposal.fit.languages == ("es",)
    assert proposal.fit.overlap_hours == 2
    assert proposal.score == 20 + 5 + 2


# --- properties: determinism and optimality ----------------------------------------------

TOPICS = ["pricing", "prices", "Etsy", "design", "UX", "tax", "Café", "cafe", "social media"]
GOALS = ["", "sell more on Etsy", "get my pricing right", "learn bookkeeping"]
LANGUAGES = ["en", "es", "fr"]
HOURS = list(range(6))


@st.composite
def instance(draw: st.DrawFn) -> tuple[list[Mentee], list[Mentor]]:
    mentor_count = draw(st.integers(0, 4))
    mentor_ids = draw(
        st.lists(st.integers(1, 50), min_size=mentor_count, max_size=mentor_count, unique=True)
    )
    mentors: list[Mentor] = []
    for mentor_id in mentor_ids:
        capacity = draw(st.integers(1, 3))
        mentors.append(
            mentor(
                mentor_id,
                draw(st.lists(st.sampled_from(TOPICS), max_size=3)),
                draw(st.lists(st.sampled_from(LANGUAGES), max_size=2)),
                draw(st.lists(st.sampled_from(HOURS), max_size=5)),
                capacity,
                draw(st.integers(0, capacity)),
            )
        )
    mentee_count = draw(st.integers(0, 5))
    mentee_ids = draw(
        st.lists(st.integers(1, 50), min_size=mentee_count, max_size=mentee_count, unique=True)
    )
    mentees = [
        mentee(
            mentee_id,
            draw(st.lists(st.sampled_from(TOPICS), max_size=2)),
            draw(st.sampled_from(GOALS)),
            draw(st.lists(st.sampled_from(LANGUAGES), max_size=2)),
            draw(st.lists(st.sampled_from(HOURS), max_size=5)),
            draw(st.lists(st.sampled_from(mentor_ids), max_size=2)) if mentor_ids else [],
        )
        for mentee_id in mentee_ids
    ]
    return mentees, mentors


def best_total(mentees: list[Mentee], mentors: list[Mentor]) -> int:
    """The best total score by trying every assignment (small instances only)."""
    room = {m.id: m.room for m in mentors}

    def search(index: int) -> int:
        if index == len(mentees):
            return 0
        who = mentees[index]
        best = search(index + 1)
        for other in mentors:
            score = fit(who, other)
            if room[other.id] and score.eligible and other.id not in who.past_mentors:
                room[other.id] -= 1
                best = max(best, score.points + search(index + 1))
                room[other.id] += 1
        return best

    return search(0)


@settings(max_examples=150, deadline=None)
@given(instance())
def test_assignment_is_valid_and_optimal(people: tuple[list[Mentee], list[Mentor]]) -> None:
    mentees, mentors = people
    result = propose(mentees, mentors)
    assert result.total_score == best_total(mentees, mentors)
    used = Counter(p.mentor.id for p in result.proposals)
    by_id = {m.id: m for m in mentors}
    assert all(used[m] <= by_id[m].room for m in used)
    for proposal in result.proposals:
        assert proposal.fit.eligible
        assert proposal.mentor.id not in proposal.mentee.past_mentors
    assert {p.mentee.id for p in result.proposals} | {u.mentee.id for u in result.unmatched} == {
        m.id for m in mentees
    }
    assert [p.mentee.id for p in result.proposals] == sorted(p.mentee.id for p in result.proposals)
    for left in result.unmatched:
        eligible = {m.id for m in mentors if fit(left.mentee, m).eligible}
        fresh = eligible - left.mentee.past_mentors
        expected = {
            UnmatchedReason.NO_MENTORS: not mentors,
            UnmatchedReason.NO_ELIGIBLE_MENTOR: bool(mentors) and not eligible,
            UnmatchedReason.ALREADY_PAIRED: bool(eligible) and not fresh,
            UnmatchedReason.MENTORS_FULL: bool(fresh),
        }
        assert expected[left.reason]
        if left.reason is UnmatchedReason.MENTORS_FULL:
            assert set(left.mentor_ids) == fresh
            assert all(used[m] == by_id[m].room for m in left.mentor_ids)


@settings(max_examples=100, deadline=None)
@given(instance(), st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_the_same_proposals(
    people: tuple[list[Mentee], list[Mentor]], rng: random.Random
) -> None:
    mentees, mentors = people
    shuffled_mentees, shuffled_mentors = list(mentees), list(mentors)
    rng.shuffle(shuffled_mentees)
    rng.shuffle(shuffled_mentors)
    assert propose(shuffled_mentees, shuffled_mentors) == propose(mentees, mentors)


# --- availability in UTC ------------------------------------------------------------------

MONDAY_EVENING = LocalWindow(0, time(18), time(20))


def test_new_york_evening_moves_in_utc_across_the_march_change() -> None:
    # US summer time began on Sunday 2026-03-08.
    assert utc_slots([MONDAY_EVENING], "America/New_York", date(2026, 3, 4)) == {23, 24}
    assert utc_slots([MONDAY_EVENING], "America/New_York", date(2026, 3, 9)) == {22, 23}


@pytest.mark.parametrize(
    ("window", "zone", "week", "slots"),
    [
        (MONDAY_EVENING, "UTC", date(2026, 11, 23), {18, 19}),
        (MONDAY_EVENING, "Europe/Berlin", date(2026, 3, 23), {17, 18}),  # before 29 March
        (MONDAY_EVENING, "Europe/Berlin", date(2026, 3, 30), {16, 17}),
        (MONDAY_EVENING, "Asia/Kolkata", date(2026, 11, 23), {13, 14}),  # 12:30–14:30 UTC
        (LocalWindow(6, time(23), time(1)), "UTC", date(2026, 11, 23), {167, 0}),  # overnight
        (LocalWindow(0, time(7), time(9)), "Asia/Tokyo", date(2026, 11, 23), {166, 167}),
        (LocalWindow(2, time(22), time(0)), "UTC", date(2026, 11, 23), {70, 71}),  # to midnight
        (LocalWindow(4, time(9, 15), time(10, 45)), "UTC", date(2026, 11, 23), {105, 106}),
    ],
)
def test_local_windows_become_utc_hours_of_the_week(
    window: LocalWindow, zone: str, week: date, slots: set[int]
) -> None:
    assert utc_slots([window], zone, week) == slots


def test_a_mentee_and_mentor_in_different_zones_overlap_in_utc() -> None:
    week = date(2026, 11, 23)
    new_york = utc_slots([LocalWindow(0, time(9), time(12))], "America/New_York", week)
    berlin = utc_slots([LocalWindow(0, time(16), time(18))], "Europe/Berlin", week)
    score = fit(
        mentee(1, languages=["en"], hours=new_york), mentor(2, languages=["en"], hours=berlin)
    )
    assert score.overlap_hours == 2  # 15:00–17:00 UTC
    assert score.eligible


@pytest.mark.parametrize(
    "build",
    [
        lambda: utc_slots([MONDAY_EVENING], "Mars/Olympus", date(2026, 11, 23)),
        lambda: LocalWindow(7, time(9), time(10)),
    ],
)
def test_bad_windows_and_zones_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        build()
