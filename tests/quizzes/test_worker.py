"""A real Celery worker process over Redis builds the report (CI runs this on PostgreSQL)."""

import os
import random
import signal
import subprocess
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Report
from quizzes.services import attempts as engine
from tests.processes import CELERY_WORKER, ROOT, child_database_url

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL") or connection.vendor != "postgresql",
        reason="needs CELERY_BROKER_URL and DATABASE_URL on PostgreSQL (set by .ci/run)",
    ),
]


@pytest.fixture
def worker(transactional_db, eager_celery):
    from config.celery import app

    app.conf.task_always_eager = False
    app.control.purge()
    env = dict(os.environ, DATABASE_URL=child_database_url())
    proc = subprocess.Popen(
        CELERY_WORKER,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    print(out[-4000:])
    app.conf.task_always_eager = True


def wait_for(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def test_a_real_worker_builds_the_report_after_submit(worker, learner, exam):
    attempt = engine.attempt_start(
        user=learner, exam=exam, now=timezone.now(), rng=random.Random(5)
    )
    client = Client()
    client.force_login(learner)
    response = client.post(reverse("attempt_submit", args=[attempt.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Report.objects.get(user=learner).status == Report.Status.PENDING
    assert wait_for(
        lambda: Report.objects.filter(user=learner, status=Report.Status.READY).exists()
    ), "the worker did not build the report within 60 s"
    report = Report.objects.get(user=learner)
    assert report.attempt_id == attempt.pk
    assert report.data["exams"][0]["answered"] == 65
