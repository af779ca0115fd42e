"""Weak-area analytics: pure functions, no ORM and no clock.

Mastery is a Beta posterior over "answers this correctly", starting from a
uniform Beta(1, 1) prior, where each answer counts with a weight that halves
every ``HALF_LIFE`` attempts back in time. The posterior's spread is shown, so
three answers never look certain.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HALF_LIFE = 3.0  # attempts
TARGET = 0.9  # mastery a learner should aim for on every topic
Z90 = 1.6449  # two-sided 90% interval


def recency_weight(age: int, half_life: float = HALF_LIFE) -> float:
    """Weight of answers given ``age`` attempts before the newest (0 = newest)."""
    return float(0.5 ** (age / half_life))


@dataclass(frozen=True)
class Mastery:
    answered: int
    correct: int
    alpha: float
    beta: float

    @property
    def rate(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def sd(self) -> float:
        a, b = self.alpha, self.beta
        return math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    @property
    def low(self) -> float:
        return max(0.0, self.mean - Z90 * self.sd)

    @property
    def high(self) -> float:
        return min(1.0, self.mean + Z90 * self.sd)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "answered": self.answered,
            "correct": self.correct,
            "rate": round(self.rate, 4),
            "mean": round(self.mean, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "alpha": round(self.alpha, 4),
            "beta": round(self.beta, 4),
        }


def mastery(groups: Iterable[tuple[int, int, int]], half_life: float = HALF_LIFE) -> Mastery:
    """Posterior from (age, answered, correct) groups: one group per attempt."""
    alpha = beta = 1.0
    answered = correct = 0
    for age, n, c in groups:
        w = recency_weight(age, half_life)
        alpha += w * c
        beta += w * (n - c)
        answered += n
        correct += c
    return Mastery(answered, correct, alpha, beta)


def expected_questions(
    seats: Mapping[str, int], topic_share: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    """Expected number of next-exam questions tagged with each topic.

    ``topic_share[domain][topic]`` is the share of that domain's active
    questions carrying the topic.
    """
    out: dict[str, float] = {}
    for domain, n in seats.items():
        for topic, share in topic_share.get(domain, {}).items():
            out[topic] = out.get(topic, 0.0) + n * share
    return out


def gain(expected: float, m: Mastery, target: float = TARGET) -> float:
    """Questions the next exam would gain by bringing this topic up to the target."""
    return expected * max(0.0, target - m.mean)


def rank_weak_topics(
    masteries: Mapping[str, Mastery], expected: Mapping[str, float], limit: int = 8
) -> list[tuple[str, float]]:
    """Topics by expected gain, largest first; ties broken by the less certain estimate."""
    scored = [(t, gain(expected.get(t, 0.0), m), m.sd) for t, m in masteries.items()]
    scored = [s for s in scored if s[1] > 0]
    scored.sort(key=lambda s: (-s[1], -s[2], s[0]))
    return [(t, round(g, 3)) for t, g, _ in scored[:limit]]


def readiness(
    domains: Mapping[str, Mastery],
    seats: Mapping[str, int],
    pass_count: int,
    *,
    simulations: int = 2000,
    seed: int = 0,
) -> float:
    """Probability of reaching ``pass_count`` correct on the next full exam.

    Each simulation draws a per-domain success rate from the domain's
    posterior, then that domain's questions as Bernoulli trials.
    """
    rng = random.Random(seed)
    passes = 0
    prior = Mastery(0, 0, 1.0, 1.0)
    for _ in range(simulations):
        total = 0
        for code, n in seats.items():
            m = domains.get(code, prior)
            p = rng.betavariate(m.alpha, m.beta)
            total += sum(rng.random() < p for _ in range(n))
        passes += total >= pass_count
    return passes / simulations if simulations else 0.0


# ---------------------------------------------------------------- item analysis

TOO_EASY = 0.95
TOO_HARD = 0.20
LOW_DISCRIMINATION = 0.1
MIN_ANSWERS_FOR_DIFFICULTY = 10
MIN_ANSWERS_FOR_DISCRIMINATION = 30
MIN_ANSWERS_FOR_DISTRACTORS = 20


def discrimination(item: list[bool], rest: list[float]) -> float | None:
    """Pearson correlation between getting the item right and the score on the rest of the exam.

    None when either side does not vary (the correlation is undefined).
    """
    n = len(item)
    if n < 2 or n != len(rest):
        return None
    xs = [1.0 if x else 0.0 for x in item]
    mx, my = sum(xs) / n, sum(rest) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, rest, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in rest)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def median(values: list[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return float(s[mid]) if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def item_flags(
    answered: int,
    facility: float | None,
    disc: float | None,
    option_counts: Mapping[int, int],
    correct_positions: set[int],
) -> list[str]:
    """Review flags for one question: too_easy, too_hard, low_discrimination, unused_distractor."""
    flags = []
    if facility is not None and answered >= MIN_ANSWERS_FOR_DIFFICULTY:
        if facility > TOO_EASY:
            flags.append("too_easy")
        if facility < TOO_HARD:
            flags.append("too_hard")
    if (
        disc is not None
        and answered >= MIN_ANSWERS_FOR_DISCRIMINATION
        and disc < LOW_DISCRIMINATION
    ):
        flags.append("low_discrimination")
    if answered >= MIN_ANSWERS_FOR_DISTRACTORS and any(
        option_counts.get(p, 0) == 0 for p in option_counts if p not in correct_positions
    ):
        flags.append("unused_distractor")
    return flags
