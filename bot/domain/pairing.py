"""Weekly accountability pairs: everyone paired, an odd count makes one trio, no recent repeats."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_STEPS = 20_000


@dataclass(frozen=True, slots=True)
class Pairing:
    """Groups of two (one of three for an odd count) and who could not be paired afresh."""

    groups: tuple[tuple[int, ...], ...]
    unpaired: tuple[int, ...]


def pair_key(a: int, b: int) -> frozenset[int]:
    """A pair without order, as the history remembers it."""
    return frozenset((a, b))


def pairs_in(group: Sequence[int]) -> list[frozenset[int]]:
    """Every pair inside a group (one for two people, three for a trio)."""
    return [pair_key(a, b) for i, a in enumerate(group) for b in group[i + 1 :]]


def _fresh(group: Sequence[int], recent: set[frozenset[int]]) -> bool:
    return not any(pair in recent for pair in pairs_in(group))


def _solve(
    left: list[int], trio: bool, recent: set[frozenset[int]], rng: random.Random, steps: list[int]
) -> list[tuple[int, ...]] | None:
    """Backtracking over the first unpaired person; `trio` says one group of three is still due."""
    if not left:
        return [] if not trio else None
    steps[0] += 1
    if steps[0] > MAX_STEPS:
        return None
    first, rest = left[0], left[1:]
    options = [p for p in rest if pair_key(first, p) not in recent]
    rng.shuffle(options)
    for other in options:
        remaining = [p for p in rest if p != other]
        if trio and len(remaining) % 2 == 1:
            thirds = [p for p in remaining if _fresh((first, other, p), recent)]
            rng.shuffle(thirds)
            for third in thirds:
                found = _solve([p for p in remaining if p != third], False, recent, rng, steps)
                if found is not None:
                    return [(first, other, third), *found]
        found = _solve(remaining, trio, recent, rng, steps)
        if found is not None:
            return [(first, other), *found]
    return None


def _greedy(
    people: list[int], recent: set[frozenset[int]]
) -> tuple[list[tuple[int, ...]], list[int]]:
    """The fallback when no complete fresh pairing exists: pair whoever can be, leave the rest."""
    groups: list[tuple[int, ...]] = []
    waiting = list(people)
    left: list[int] = []
    while waiting:
        first = waiting.pop(0)
        other = next((p for p in waiting if pair_key(first, p) not in recent), None)
        if other is None:
            left.append(first)
            continue
        waiting.remove(other)
        groups.append((first, other))
    for person in list(left):
        for index, group in enumerate(groups):
            if len(group) == 2 and _fresh((*group, person), recent):
                groups[index] = (*group, person)
                left.remove(person)
                break
    return groups, left


def pair_up(people: Iterable[int], recent: Iterable[frozenset[int]], rng: random.Random) -> Pairing:
    """Pairs people at random without repeating a recent pair; odd counts get one trio."""
    pool = sorted(set(people))
    history = set(recent)
    rng.shuffle(pool)
    if len(pool) < 2:
        return Pairing((), tuple(pool))
    solved = _solve(pool, len(pool) % 2 == 1, history, rng, [0])
    if solved is not None:
        return Pairing(tuple(solved), ())
    groups, left = _greedy(pool, history)
    return Pairing(tuple(groups), tuple(left))
