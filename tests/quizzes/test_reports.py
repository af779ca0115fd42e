import logging
import random
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Report
from quizzes.services import attempts as engine
from quizzes.services.reports import report_build, reports_requeue_missing
from tests.conftest import finish_exam

pytestmark = pytest.mark.django_db


def take(user, exam, correct=range(1, 40), seed=1):
    attempt = engine.attempt_start(
        user=user, exam=exam, now=timezone.now(), rng=random.Random(seed)
    )
    return finish_exam(attempt, correct_positions=set(correct))


def test_finishing_an_attempt_builds_the_report_after_commit(
    learner, exam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = take(learner, exam)
    report = Report.objects.get(user=learner)
    assert report.status == Report.Status.READY and report.attempt_id == attempt.pk
    data = report.data["exams"][0]
    assert data["exam"] == "SAA-C03" and data["attempts"] == 1 and data["answered"] == 65
    assert sum(d["answered"] for d in data["domains"]) == 65
    assert sum(d["correct"] for d in data["domains"]) == 39
    assert 0 <= data["readiness"]["probability"] <= 1
    assert data["readiness"]["pass_count"] == 46
    assert [t["percent"] for t in data["trend"]] == [60.0]
    assert {t["key"] for t in data["topics"]} == {"s3", "iam"}


def test_building_twice_gives_the_same_report(learner, exam):
    take(learner, exam)
    first = report_build(user_id=learner.pk, now=timezone.now()).data
    second = report_build(user_id=learner.pk, now=timezone.now()).data
    assert first == second
    assert Report.objects.filter(user=learner).count() == 1


def test_weakest_topics_link_the_missed_questions(learner, exam):
    take(learner, exam, correct=[])
    data = report_build(user_id=learner.pk, now=timezone.now()).data["exams"][0]
    assert data["weakest"], "with every answer wrong some topic must be weak"
    missed = data["weakest"][0]["missed"]
    assert 0 < len(missed) <= 5 and {"attempt", "position", "question"} <= set(missed[0])


def test_the_report_page_shows_computing_and_polls_until_ready(learner_client, learner):
    Report.objects.create(user=learner, status=Report.Status.PENDING, requested_at=timezone.now())
    body = learner_client.get(reverse("my_report")).content.decode()
    assert 'hx-trigger="every 2s"' in body


def test_the_report_page_shows_readiness_and_charts(
    learner_client, learner, exam, django_assert_num_queries
):
    take(learner, exam)
    report_build(user_id=learner.pk, now=timezone.now())
    with django_assert_num_queries(3):  # session, user, report
        response = learner_client.get(reverse("my_report"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "every 2s" not in body
    assert "<svg" in body and "<title" in body and "%" in body


def test_a_learner_with_no_attempt_is_told_how_to_get_a_report(learner_client):
    body = learner_client.get(reverse("my_report")).content.decode()
    assert reverse("home") in body


def test_instructors_can_open_any_learners_report_and_learners_cannot(
    client, learner, other_learner, instructor, exam
):
    take(learner, exam)
    report_build(user_id=learner.pk, now=timezone.now())
    client.force_login(other_learner)
    assert client.get(reverse("learner_report", args=[learner.pk])).status_code == 403
    client.force_login(instructor)
    response = client.get(reverse("learner_report", args=[learner.pk]))
    assert response.status_code == 200 and learner.username in response.content.decode()


def test_the_sweeper_queues_missing_reports_once(learner, exam):
    take(learner, exam)  # not captured: the on-commit build never ran
    Report.objects.all().delete()
    assert reports_requeue_missing(now=timezone.now()) == 1
    assert Report.objects.get(user=learner).status == Report.Status.READY  # eager build
    assert reports_requeue_missing(now=timezone.now()) == 0


def test_submit_answers_quickly_when_redis_is_down_and_the_sweeper_catches_up(
    learner_client,
    learner,
    exam,
    eager_celery,
    django_capture_on_commit_callbacks,
    caplog,
    monkeypatch,
):
    attempt = engine.attempt_start(user=learner, exam=exam, now=timezone.now())
    eager_celery.conf.task_always_eager = False
    old_broker = eager_celery.conf.broker_url
    closed = "redis://127.0.0.1:1/0"  # nothing listens there
    eager_celery.conf.broker_url = closed
    monkeypatch.setenv("CELERY_BROKER_URL", closed)  # Celery reads this before its own setting
    eager_celery._pool = eager_celery.amqp._producer_pool = None
    try:
        with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
            started = time.monotonic()
            response = learner_client.post(
                reverse("attempt_submit", args=[attempt.pk]), HTTP_HX_REQUEST="true"
            )
            elapsed = time.monotonic() - started
    finally:
        monkeypatch.undo()
        eager_celery.conf.broker_url = old_broker
        eager_celery._pool = eager_celery.amqp._producer_pool = None
        eager_celery.conf.task_always_eager = True
    assert response.status_code == 200 and response["HX-Redirect"]
    assert "could not queue build_report" in caplog.text
    print(f"submit with Redis down answered in {elapsed:.2f} s")
    assert elapsed < 15  # bounded by the broker timeouts, not by a hung connection
    assert Report.objects.get(user=learner).status == Report.Status.PENDING
    learner_client.get(reverse("my_report"))
    Report.objects.filter(user=learner).update(
        requested_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    assert reports_requeue_missing(now=timezone.now()) == 1
    assert Report.objects.get(user=learner).status == Report.Status.READY
