"""Checks over the whole bundled question bank (quizzes/bank)."""

import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from quizzes import scoring
from quizzes.bankfile import quality_problems, read_bank

BANK = Path(__file__).resolve().parents[2] / "quizzes" / "bank"
CONTAINER_TOPICS = {"ecs", "eks", "fargate", "ecr"}
DOMAIN_MINIMUM = {"1": 156, "2": 135, "3": 125, "4": 104}


@pytest.fixture(scope="module")
def saa():
    return read_bank(BANK).exams["SAA-C03"]


@pytest.fixture(scope="module")
def active(saa):
    return [q for q in saa.questions if q.status == "active"]


def test_the_bank_is_valid_and_every_question_keeps_the_style_rules(saa):
    problems = [p for q in saa.questions for p in quality_problems(q)]
    assert problems == []


def test_there_are_at_least_520_active_questions_balanced_by_domain(active):
    assert len(active) >= 520
    by_domain = Counter(q.domain for q in active)
    for domain, minimum in DOMAIN_MINIMUM.items():
        assert by_domain[domain] >= minimum, domain


def test_every_task_statement_has_at_least_20_questions(saa, active):
    by_task = Counter(q.task for q in active)
    assert {t: by_task[t] for t in sorted(saa.task_codes) if by_task[t] < 20} == {}


def test_multiple_response_is_20_to_25_percent(active):
    share = sum(q.kind == "multi" for q in active) / len(active)
    assert 0.20 <= share <= 0.25


def test_difficulty_is_spread_roughly_25_50_25(active):
    counts = Counter(q.difficulty for q in active)
    n = len(active)
    assert 0.15 <= counts[1] / n <= 0.35
    assert 0.35 <= counts[2] / n <= 0.65
    assert 0.15 <= counts[3] / n <= 0.35


def test_no_topic_dominates(active):
    containers = sum(bool(CONTAINER_TOPICS & set(q.topics)) for q in active)
    cloudfront = sum("cloudfront" in q.topics for q in active)
    assert containers <= 20 and cloudfront <= 20


def test_the_blueprint_can_draw_eight_disjoint_full_exams(saa, active):
    weights = {d.code: d.weight for d in saa.domains}
    seats = scoring.allocate(saa.question_count, weights)
    by_domain = Counter(q.domain for q in active)
    assert all(by_domain[d] >= 8 * n for d, n in seats.items())


def _shingles(text: str) -> set[str]:
    norm = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    words = norm.split()
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def test_no_two_stems_are_near_duplicates(active):
    shingles = [(q.key, _shingles(q.stem["en"])) for q in active]
    close = []
    for (ka, a), (kb, b) in combinations(shingles, 2):
        if a and b and len(a & b) / len(a | b) > 0.5:
            close.append((ka, kb))
    assert close == []


def test_options_within_a_question_are_distinct_in_both_languages(active):
    for q in active:
        for lang in ("ja", "en"):
            texts = [c.text[lang].strip() for c in q.choices]
            assert len(set(texts)) == len(texts), q.key


def test_no_question_keys_on_retired_services_as_correct_answers(active):
    retired = re.compile(
        r"OpsWorks|QLDB|Server Migration Service|AWS Data Pipeline|CodeCommit|RTMP|"
        r"Kinesis Data Firehose|Kinesis Data Analytics|CloudWatch Events",
        re.IGNORECASE,
    )
    offenders = [
        q.key for q in active for c in q.choices if c.correct and retired.search(c.text["en"])
    ]
    assert offenders == []
