"""Authorisation matrix, CSRF, no answer leaks, hostile input, production settings."""

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from quizzes.models import Attempt, AttemptItem, Choice, QuestionReport
from quizzes.services import attempts as engine
from tests.conftest import finish_exam

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]

ANON, OWNER, OTHER, TEACHER = "anonymous", "owner", "other learner", "instructor"


@pytest.fixture
def world(learner, other_learner, instructor, exam):
    running = engine.attempt_start(
        user=learner, exam=exam, now=timezone.now(), rng=random.Random(1)
    )
    clients = {ANON: Client()}
    for role, user in ((OWNER, learner), (OTHER, other_learner), (TEACHER, instructor)):
        clients[role] = Client()
        clients[role].force_login(user)
    return {"attempt": running, "clients": clients, "exam": exam, "learner": learner}


def matrix(w):
    a, key = w["attempt"].pk, w["exam"].questions.first().key
    login = 302  # anonymous users are sent to the log-in page
    own = {ANON: login, OWNER: 200, OTHER: 404, TEACHER: 404}
    teacher_only = {ANON: login, OWNER: 403, OTHER: 403, TEACHER: 200}
    everyone = {ANON: 200, OWNER: 200, OTHER: 200, TEACHER: 200}
    signed_in = {ANON: login, OWNER: 200, OTHER: 200, TEACHER: 200}
    return [
        ("get", reverse("home"), everyone),
        ("get", reverse("login"), everyone),
        ("get", reverse("signup"), {ANON: 200, OWNER: 302, OTHER: 302, TEACHER: 302}),
        ("get", reverse("password_reset"), everyone),
        ("get", reverse("password_change"), signed_in),
        ("get", reverse("attempt_history"), signed_in),
        ("get", reverse("my_report"), signed_in),
        ("get", reverse("attempt_resume", args=[a]), {**own, OWNER: 302}),
        ("get", reverse("attempt_question", args=[a, 1]), own),
        ("get", reverse("attempt_review", args=[a]), own),
        ("get", reverse("attempt_results", args=[a]), {**own, OWNER: 302}),
        ("get", reverse("learner_report", args=[w["learner"].pk]), teacher_only),
        ("get", reverse("studio_questions"), teacher_only),
        ("get", reverse("studio_question_edit", args=[key]), teacher_only),
        ("get", reverse("studio_question_preview", args=[key]), teacher_only),
        ("get", reverse("studio_question_history", args=[key]), teacher_only),
        ("get", reverse("studio_import"), teacher_only),
        ("get", reverse("studio_triage"), teacher_only),
        ("get", reverse("studio_cohort"), teacher_only),
        ("get", reverse("studio_export", args=[w["exam"].code, "csv"]), teacher_only),
    ]


def test_authorisation_matrix_for_every_page(world):
    failures = []
    for method, url, expected in matrix(world):
        for role, status in expected.items():
            got = getattr(world["clients"][role], method)(url).status_code
            if got != status:
                failures.append(f"{role} {method.upper()} {url}: {got} != {status}")
    assert failures == []


def post_endpoints(w):
    a = w["attempt"].pk
    key = w["exam"].questions.first().key
    return [
        reverse("attempt_answer", args=[a, 1]),
        reverse("attempt_flag", args=[a, 1]),
        reverse("attempt_visit", args=[a, 2]),
        reverse("attempt_submit", args=[a]),
        reverse("attempt_report_problem", args=[a, 1]),
        reverse("exam_start", args=[w["exam"].code]),
        reverse("set_language"),
        reverse("logout"),
        reverse("studio_question_status", args=[key]),
        reverse("studio_question_regrade", args=[key]),
        reverse("studio_stats_refresh"),
    ]


def test_csrf_is_enforced_on_every_post(world, learner, instructor):
    for user in (learner, instructor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        for url in post_endpoints(world):
            response = client.post(url, {"flagged": "1", "seq": "5", "action": "retire"})
            assert response.status_code == 403, url
    attempt = Attempt.objects.get(pk=world["attempt"].pk)
    assert attempt.status == Attempt.Status.IN_PROGRESS and attempt.current_position == 1
    assert not AttemptItem.objects.filter(attempt=attempt, flagged=True).exists()
    assert world["exam"].questions.filter(status="retired").count() == 0


def test_no_response_during_an_attempt_carries_the_key_or_explanations(world):
    client = world["clients"][OWNER]
    a = world["attempt"]
    secrets = set()
    for item in a.items.select_related("version"):
        secrets |= {item.version.explanation_ja, item.version.explanation_en}
    for c in Choice.objects.filter(version__in=a.items.values("version")):
        secrets |= {c.explanation_ja, c.explanation_en}
    secrets.discard("")
    responses = []
    for position in range(1, a.question_count + 1):
        responses.append(
            client.get(reverse("attempt_question", args=[a.pk, position]), HTTP_HX_REQUEST="true")
        )
    item = a.items.get(position=1)
    responses.append(
        client.post(
            reverse("attempt_answer", args=[a.pk, 1]),
            {"choice": [item.choice_order[0]], "seq": 1},
            HTTP_HX_REQUEST="true",
        )
    )
    responses.append(client.get(reverse("attempt_review", args=[a.pk])))
    for r in responses:
        blob = r.content.decode() + " ".join(f"{k}: {v}" for k, v in r.headers.items())
        leaked = [s for s in secrets if s in blob]
        assert leaked == [] and "is_correct" not in blob and "is-correct" not in blob


def test_every_page_sends_a_strict_content_security_policy(world):
    response = world["clients"][OWNER].get(
        reverse("attempt_question", args=[world["attempt"].pk, 1])
    )
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
    assert "<script>" not in response.content.decode()  # no inline script
    assert response["X-Frame-Options"] == "DENY"


def test_sessions_outlast_a_130_minute_exam():
    assert settings.SESSION_COOKIE_AGE > 130 * 60 * 2
    assert settings.SESSION_COOKIE_HTTPONLY


def test_production_settings_pass_the_deploy_check():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "production-secret-key-for-the-deploy-check-0123456789",
        DJANGO_ALLOWED_HOSTS="mogi.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(os.environ, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_hostile_question_text_renders_inert_on_the_results_page(world):
    a = world["attempt"]
    item = a.items.get(position=1)
    version = item.version
    version.stem_ja = version.stem_en = (
        '<script>alert("x")</script><img src=x onerror=alert(1)>[a](javascript:alert(2))'
    )
    version.save()
    finish_exam(a)
    body = world["clients"][OWNER].get(reverse("attempt_results", args=[a.pk])).content.decode()
    assert "<script>alert" not in body and "onerror" not in body and "javascript:" not in body


junk = st.one_of(st.text(max_size=30), st.integers().map(str), st.just(""), st.just("1"))
form_data = st.dictionaries(
    st.sampled_from(
        [
            "choice",
            "seq",
            "flagged",
            "kind",
            "comment",
            "language",
            "next",
            "action",
            "note",
            "username",
            "password",
            "email",
            "password1",
            "password2",
        ]
    ),
    st.one_of(junk, st.lists(junk, max_size=4)),
    max_size=6,
)


@hsettings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=form_data, which=st.integers(min_value=0, max_value=10), htmx=st.booleans())
def test_random_posts_never_give_a_500_and_invalid_answers_save_nothing(world, data, which, htmx):
    client = world["clients"][OWNER]
    url = post_endpoints(world)[which]
    item = AttemptItem.objects.get(attempt=world["attempt"], position=1)
    before = (item.selected, item.flagged)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, data, **headers)
    assert response.status_code < 500, (url, data)
    if "answer" in url and response.status_code >= 400:
        item.refresh_from_db()
        assert item.selected == before[0]
    if "report" in url and response.status_code >= 400:
        assert not QuestionReport.objects.filter(comment=data.get("comment")).exists() or data.get(
            "comment"
        ) in ("", None)
    if url == reverse("logout"):
        client.force_login(world["learner"])


@hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=form_data)
def test_random_editor_posts_never_give_a_500(world, data, instructor):
    client = world["clients"][TEACHER]
    response = client.post(reverse("studio_question_create", args=[world["exam"].code]), data)
    assert response.status_code < 500
