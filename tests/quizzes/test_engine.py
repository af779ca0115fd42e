import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from quizzes.models import Attempt, AttemptItem, Choice
from quizzes.services import attempts as engine
from tests.factories import make_exam

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def start(user, exam, now=T0, seed=1):
    return engine.attempt_start(user=user, exam=exam, now=now, rng=random.Random(seed))


def correct_ids(item):
    return list(
        Choice.objects.filter(version_id=item.version_id, is_correct=True).values_list(
            "id", flat=True
        )
    )


def wrong_id(item):
    return Choice.objects.filter(version_id=item.version_id, is_correct=False).first().id


def test_it_draws_65_questions_by_domain_weight(learner, exam):
    attempt = start(learner, exam)
    domains = Counter(attempt.items.values_list("version__domain__code", flat=True))
    assert dict(domains) == {"1": 19, "2": 17, "3": 16, "4": 13}
    assert attempt.question_count == 65
    assert attempt.deadline == T0 + timedelta(minutes=130)


def test_it_prefers_questions_the_user_has_seen_least(learner):
    exam = make_exam(per_domain=20)  # 80 questions: 15 left out of the first exam
    first = start(learner, exam, seed=1)
    engine.attempt_submit(attempt=first, now=T0 + timedelta(minutes=5))
    unseen = set(exam.questions.values_list("id", flat=True)) - set(
        first.items.values_list("question_id", flat=True)
    )
    second = start(learner, exam, now=T0 + timedelta(minutes=6), seed=2)
    assert unseen <= set(second.items.values_list("question_id", flat=True))


def test_it_never_draws_retired_questions(learner, exam):
    retired = exam.questions.first()
    retired.status = "retired"
    retired.save()
    attempt = start(learner, exam)
    assert not attempt.items.filter(question=retired).exists()


def test_it_refuses_to_start_when_the_bank_is_too_small(learner):
    exam = make_exam(per_domain=10)
    with pytest.raises(engine.BankTooSmall):
        start(learner, exam)
    assert not Attempt.objects.exists()


def test_starting_again_resumes_the_attempt_in_progress(learner, exam):
    first = start(learner, exam)
    assert start(learner, exam, now=T0 + timedelta(minutes=3)).pk == first.pk


def test_each_item_keeps_a_shuffled_permutation_of_its_choices(learner, exam):
    attempt = start(learner, exam)
    orders = []
    for item in attempt.items.all():
        ids = set(Choice.objects.filter(version_id=item.version_id).values_list("id", flat=True))
        assert set(item.choice_order) == ids and len(item.choice_order) == len(ids)
        orders.append(item.choice_order == sorted(item.choice_order))
    assert not all(orders)


def test_a_new_answer_replaces_the_old_one(learner, exam):
    attempt = start(learner, exam)
    item = attempt.items.get(position=1)
    a, b = item.choice_order[:2]
    engine.answer_record(attempt=attempt, item=item, choice_ids=[a], seq=10, now=T0)
    engine.answer_record(attempt=attempt, item=item, choice_ids=[b], seq=11, now=T0)
    assert AttemptItem.objects.get(pk=item.pk).selected == [b]


def test_a_late_older_save_never_overwrites_a_newer_one(learner, exam):
    attempt = start(learner, exam)
    item = attempt.items.get(position=1)
    a, b = item.choice_order[:2]
    engine.answer_record(attempt=attempt, item=item, choice_ids=[b], seq=20, now=T0)
    result = engine.answer_record(attempt=attempt, item=item, choice_ids=[a], seq=19, now=T0)
    assert result.selected == [b]
    assert AttemptItem.objects.get(pk=item.pk).selected == [b]


def test_it_rejects_a_choice_of_another_question(learner, exam):
    attempt = start(learner, exam)
    item, other = attempt.items.get(position=1), attempt.items.get(position=2)
    with pytest.raises(engine.AttemptError):
        engine.answer_record(
            attempt=attempt, item=item, choice_ids=[other.choice_order[0]], seq=1, now=T0
        )
    assert AttemptItem.objects.get(pk=item.pk).selected == []


def test_it_rejects_more_choices_than_the_question_allows(learner, exam):
    attempt = start(learner, exam)
    item = attempt.items.filter(version__kind="single").first()
    with pytest.raises(engine.AttemptError):
        engine.answer_record(
            attempt=attempt, item=item, choice_ids=item.choice_order[:2], seq=1, now=T0
        )
    assert AttemptItem.objects.get(pk=item.pk).selected == []


def test_an_answer_inside_the_grace_period_is_saved(learner, exam):
    attempt = start(learner, exam)
    item = attempt.items.get(position=1)
    late = attempt.deadline + timedelta(seconds=29)
    engine.answer_record(
        attempt=attempt, item=item, choice_ids=correct_ids(item)[:1], seq=1, now=late
    )
    assert AttemptItem.objects.get(pk=item.pk).selected


def test_an_answer_after_deadline_and_grace_is_refused_and_earlier_answers_count(learner, exam):
    attempt = start(learner, exam)
    first, second = attempt.items.get(position=1), attempt.items.get(position=2)
    engine.answer_record(attempt=attempt, item=first, choice_ids=correct_ids(first), seq=1, now=T0)
    too_late = attempt.deadline + timedelta(seconds=31)
    with pytest.raises(engine.AttemptClosed):
        engine.answer_record(
            attempt=attempt, item=second, choice_ids=correct_ids(second), seq=2, now=too_late
        )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.finish_reason == Attempt.FinishReason.TIME_UP
    assert attempt.correct_count == 1
    assert AttemptItem.objects.get(pk=second.pk).selected == []


def test_submitting_twice_gives_one_result(learner, exam):
    attempt = start(learner, exam)
    item = attempt.items.get(position=1)
    engine.answer_record(attempt=attempt, item=item, choice_ids=correct_ids(item), seq=1, now=T0)
    first = engine.attempt_submit(attempt=attempt, now=T0 + timedelta(minutes=1))
    stale_copy = Attempt.objects.get(pk=attempt.pk)
    stale_copy.status = Attempt.Status.IN_PROGRESS  # as a second tab would still believe
    second = engine.attempt_submit(attempt=stale_copy, now=T0 + timedelta(minutes=2))
    assert first.finished_at == second.finished_at == T0 + timedelta(minutes=1)
    assert second.correct_count == 1


def test_scoring_counts_multiple_response_all_or_nothing_and_blank_as_wrong(learner, exam):
    attempt = start(learner, exam)
    multi = list(attempt.items.filter(version__kind="multi")[:2])
    single = list(attempt.items.filter(version__kind="single")[:2])
    engine.answer_record(
        attempt=attempt, item=multi[0], choice_ids=correct_ids(multi[0]), seq=1, now=T0
    )
    engine.answer_record(
        attempt=attempt, item=multi[1], choice_ids=correct_ids(multi[1])[:1], seq=1, now=T0
    )
    engine.answer_record(
        attempt=attempt, item=single[0], choice_ids=correct_ids(single[0]), seq=1, now=T0
    )
    engine.answer_record(
        attempt=attempt, item=single[1], choice_ids=[wrong_id(single[1])], seq=1, now=T0
    )
    attempt = engine.attempt_submit(attempt=attempt, now=T0 + timedelta(minutes=1))
    assert attempt.correct_count == 2
    assert attempt.passed is False
    assert AttemptItem.objects.get(pk=multi[1].pk).is_correct is False


def test_answers_after_submit_are_refused(learner, exam):
    attempt = start(learner, exam)
    engine.attempt_submit(attempt=attempt, now=T0)
    item = attempt.items.get(position=1)
    with pytest.raises(engine.AttemptClosed):
        engine.answer_record(
            attempt=attempt, item=item, choice_ids=[item.choice_order[0]], seq=1, now=T0
        )


def test_the_sweeper_finishes_attempts_left_past_the_deadline(learner, other_learner, exam):
    stale = start(learner, exam)
    fresh = start(other_learner, exam, now=T0 + timedelta(minutes=100))
    assert engine.attempts_sweep(now=stale.deadline + timedelta(seconds=31)) == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (
        stale.status == Attempt.Status.FINISHED
        and stale.finished_at == stale.deadline + timedelta(seconds=30)
    )
    assert fresh.status == Attempt.Status.IN_PROGRESS


def test_time_on_each_question_is_measured_by_the_server(learner, exam):
    attempt = start(learner, exam)
    engine.attempt_move(attempt=attempt, position=2, now=T0 + timedelta(seconds=40))
    engine.attempt_move(attempt=attempt, position=3, now=T0 + timedelta(seconds=100))
    engine.attempt_submit(attempt=attempt, now=T0 + timedelta(seconds=110))
    spent = dict(attempt.items.filter(position__lte=3).values_list("position", "seconds_spent"))
    assert spent == {1: 40, 2: 60, 3: 10}


def test_flags_are_saved_and_cleared(learner, exam):
    attempt = start(learner, exam)
    item = attempt.items.get(position=5)
    engine.item_flag(attempt=attempt, item=item, flagged=True, now=T0)
    assert AttemptItem.objects.get(pk=item.pk).flagged
    engine.item_flag(attempt=attempt, item=item, flagged=False, now=T0)
    assert not AttemptItem.objects.get(pk=item.pk).flagged
    attempt.refresh_from_db()
    assert attempt.current_position == 5


def test_time_machine_drives_the_deadline_check(learner, exam):
    with time_machine.travel(T0, tick=False):
        attempt = start(learner, exam, now=timezone.now())
    with time_machine.travel(attempt.deadline + timedelta(seconds=45), tick=False):
        assert engine.is_overdue(attempt, timezone.now())
        assert engine.seconds_left(attempt, timezone.now()) == 0
