import math

import pytest

from quizzes import analytics
from quizzes.analytics import Mastery


def test_recency_weight_halves_every_half_life():
    assert analytics.recency_weight(0) == 1.0
    assert analytics.recency_weight(3) == pytest.approx(0.5)
    assert analytics.recency_weight(6) == pytest.approx(0.25)


def test_mastery_is_a_beta_posterior_from_a_uniform_prior():
    m = analytics.mastery([(0, 4, 3)])
    # Beta(1 + 3, 1 + 1) = Beta(4, 2): mean 4/6, variance 8 / (36 * 7)
    assert (m.alpha, m.beta) == (4.0, 2.0)
    assert m.mean == pytest.approx(2 / 3)
    assert m.sd == pytest.approx(math.sqrt(8 / 252))
    assert m.low == pytest.approx(2 / 3 - 1.6449 * math.sqrt(8 / 252))
    assert m.rate == 0.75 and m.answered == 4 and m.correct == 3


def test_older_answers_count_less():
    # newest attempt 2/2 right; an attempt three back 0/2 counts half
    m = analytics.mastery([(0, 2, 2), (3, 2, 0)])
    assert (m.alpha, m.beta) == pytest.approx((3.0, 2.0))
    assert m.rate == 0.5


def test_three_answers_are_not_shown_as_certain():
    m = analytics.mastery([(0, 3, 3)])
    assert m.mean == pytest.approx(0.8)
    assert m.high - m.low > 0.3


def test_no_answers_is_the_prior():
    m = analytics.mastery([])
    assert m.mean == 0.5 and m.answered == 0


def test_expected_questions_sums_each_domains_share():
    seats = {"1": 20, "2": 10}
    share = {"1": {"s3": 0.25, "iam": 0.5}, "2": {"s3": 0.1}}
    assert analytics.expected_questions(seats, share) == {"s3": 6.0, "iam": 10.0}


def test_weak_topics_are_ranked_by_expected_gain():
    masteries = {
        "s3": Mastery(10, 5, 6.0, 6.0),  # mean 0.5, gap 0.4
        "iam": Mastery(10, 8, 9.0, 3.0),  # mean 0.75, gap 0.15
        "kms": Mastery(10, 10, 19.0, 1.0),  # mean 0.95, no gap
    }
    expected = {"s3": 2.0, "iam": 10.0, "kms": 5.0}
    # gains: s3 2 * 0.4 = 0.8; iam 10 * 0.15 = 1.5; kms 0
    assert analytics.rank_weak_topics(masteries, expected) == [("iam", 1.5), ("s3", 0.8)]


def test_readiness_is_reproducible_with_a_seed_and_monotonic_in_mastery():
    seats = {"1": 19, "2": 17, "3": 16, "4": 13}
    strong = {d: Mastery(100, 90, 91.0, 11.0) for d in seats}
    weak = {d: Mastery(100, 50, 51.0, 51.0) for d in seats}
    a = analytics.readiness(strong, seats, 46, simulations=500, seed=7)
    assert a == analytics.readiness(strong, seats, 46, simulations=500, seed=7)
    assert a > 0.95
    assert analytics.readiness(weak, seats, 46, simulations=500, seed=7) < 0.05


def test_readiness_with_certain_masteries_is_exact():
    seats = {"1": 10}
    always = {"1": Mastery(0, 0, 1e6, 1e-6)}
    never = {"1": Mastery(0, 0, 1e-6, 1e6)}
    assert analytics.readiness(always, seats, 7, simulations=50) == 1.0
    assert analytics.readiness(never, seats, 7, simulations=50) == 0.0
