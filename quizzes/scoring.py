"""Pure functions of the exam engine: no ORM, no clock."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal


def allocate(total: int, weights: Mapping[str, int | float]) -> dict[str, int]:
    """Split ``total`` seats by ``weights`` with largest-remainder (Hamilton) rounding.

    Ties in the remainder go to the larger weight, then to the earlier key.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise ValueError("weights must add up to more than zero")
    quotas = {k: total * w / weight_sum for k, w in weights.items()}
    seats = {k: int(q) for k, q in quotas.items()}
    left = total - sum(seats.values())
    order = sorted(
        weights, key=lambda k: (-(quotas[k] - seats[k]), -weights[k], list(weights).index(k))
    )
    for k in order[:left]:
        seats[k] += 1
    return seats


@dataclass(frozen=True)
class Candidate:
    question_id: int
    group: str
    times_seen: int


def draw(
    candidates: Iterable[Candidate], quota: Mapping[str, int], rng: random.Random
) -> list[Candidate]:
    """Pick ``quota[group]`` candidates per group, least-seen first, ties at random.

    A group short of candidates gives its seats to the other groups (again
    least-seen first), so an exam is always full when the bank is big enough.
    """
    by_group: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_group.setdefault(c.group, []).append(c)
    for pool in by_group.values():
        rng.shuffle(pool)
        pool.sort(key=lambda c: c.times_seen)
    chosen: list[Candidate] = []
    short = 0
    for group, n in quota.items():
        pool = by_group.get(group, [])
        chosen += pool[:n]
        short += max(0, n - len(pool))
        by_group[group] = pool[n:]
    if short:
        rest = [c for pool in by_group.values() for c in pool]
        rng.shuffle(rest)
        rest.sort(key=lambda c: c.times_seen)
        chosen += rest[:short]
    return chosen


def is_correct(selected: Iterable[int], correct: Iterable[int]) -> bool:
    """All-or-nothing: exactly the correct set. A blank answer is wrong."""
    chosen = set(selected)
    return bool(chosen) and chosen == set(correct)


def passed(correct_count: int, question_count: int, pass_ratio: Decimal | float) -> bool:
    if question_count <= 0:
        return False
    return Decimal(correct_count) >= Decimal(str(pass_ratio)) * question_count


@dataclass(frozen=True)
class DomainScore:
    code: str
    name: str
    correct: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.correct / self.total, 1) if self.total else 0.0


def domain_scores(
    rows: Sequence[tuple[str, bool | None]], names: Mapping[str, str]
) -> list[DomainScore]:
    """Per-domain correct/total from (domain code, is_correct) rows, in code order."""
    totals: dict[str, list[int]] = {}
    for code, ok in rows:
        t = totals.setdefault(code, [0, 0])
        t[1] += 1
        t[0] += bool(ok)
    return [
        DomainScore(code, names.get(code, code), c, n) for code, (c, n) in sorted(totals.items())
    ]
