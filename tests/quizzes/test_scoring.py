import random
from decimal import Decimal

import pytest

from quizzes import scoring
from quizzes.scoring import Candidate


def test_allocate_splits_65_by_the_saa_blueprint_with_largest_remainder():
    # quotas 19.5, 16.9, 15.6, 13.0: floors 63, the two seats left go to .9 and .6
    assert scoring.allocate(65, {"1": 30, "2": 26, "3": 24, "4": 20}) == {
        "1": 19,
        "2": 17,
        "3": 16,
        "4": 13,
    }


def test_allocate_always_fills_every_seat():
    for total in range(0, 80):
        seats = scoring.allocate(total, {"a": 24, "b": 29, "c": 25, "d": 20})
        assert sum(seats.values()) == total


def test_allocate_rejects_zero_weights():
    with pytest.raises(ValueError):
        scoring.allocate(10, {"a": 0})


def test_draw_prefers_the_least_seen_questions():
    cands = [Candidate(i, "1", seen) for i, seen in enumerate([3, 0, 1, 0, 2, 5])]
    picked = scoring.draw(cands, {"1": 3}, random.Random(1))
    assert sorted(c.times_seen for c in picked) == [0, 0, 1]


def test_draw_gives_a_short_domains_seats_to_the_others():
    cands = [Candidate(i, "1", 0) for i in range(2)] + [Candidate(10 + i, "2", 0) for i in range(5)]
    picked = scoring.draw(cands, {"1": 4, "2": 2}, random.Random(1))
    assert len(picked) == 6
    assert len({c.question_id for c in picked}) == 6


def test_single_answer_is_correct_only_with_the_right_choice():
    assert scoring.is_correct([7], [7])
    assert not scoring.is_correct([8], [7])


def test_multiple_response_is_all_or_nothing():
    assert scoring.is_correct([1, 2], [2, 1])
    assert not scoring.is_correct([1], [1, 2])
    assert not scoring.is_correct([1, 2, 3], [1, 2])


def test_a_blank_answer_is_wrong():
    assert not scoring.is_correct([], [1])
    assert not scoring.is_correct([], [])


def test_pass_line_is_seventy_percent_of_questions():
    assert scoring.passed(46, 65, Decimal("0.700"))  # 45.5 needed
    assert not scoring.passed(45, 65, Decimal("0.700"))
    assert not scoring.passed(0, 0, Decimal("0.7"))


def test_domain_scores_count_blank_as_wrong():
    rows = [("1", True), ("1", None), ("2", False), ("1", True)]
    scores = scoring.domain_scores(rows, {"1": "Secure"})
    assert [(s.code, s.name, s.correct, s.total) for s in scores] == [
        ("1", "Secure", 2, 3),
        ("2", "2", 0, 1),
    ]
    assert scores[0].percent == 66.7
