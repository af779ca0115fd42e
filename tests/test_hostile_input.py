"""Hostile input at every edge: control characters, malformed imports, races, enumeration.

CI runs this module on PostgreSQL, which refuses what SQLite accepts (NUL in text and
in query parameters): every test here must pass there.
"""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, ImportJob, Question, QuestionReport, QuestionVersion
from quizzes.services import attempts as engine
from quizzes.services import transfer
from tests.accounts.test_accounts import sign_up
from tests.conftest import finish_exam

pytestmark = pytest.mark.django_db

NUL = "\x00"
HOSTILE = [NUL, "a\x00b", "\x01\x02\x1b[31m\x7f", "x" * 200_000, "%00", "\u202e\ufeff"]


@pytest.fixture
def teacher(instructor):
    client = Client()
    client.force_login(instructor)
    return client


@pytest.fixture
def finished(learner, exam):
    attempt = engine.attempt_start(user=learner, exam=exam, now=timezone.now())
    return finish_exam(attempt)


def no_text_has_control_characters():
    """Nothing saved anywhere carries a NUL or another control character."""
    saved = []
    for v in QuestionVersion.objects.all():
        saved += [v.stem_ja, v.stem_en, v.explanation_ja, v.explanation_en]
    saved += list(QuestionReport.objects.values_list("comment", flat=True))
    saved += list(ImportJob.objects.values_list("filename", flat=True))
    return not any(c in text for text in saved for c in (NUL, "\x01", "\x1b", "\x7f"))


# ---------------------------------------------------------------- 1. two "Start" clicks


def test_the_database_holds_one_in_progress_attempt_per_exam_and_mode(learner, exam):
    engine.attempt_start(user=learner, exam=exam, now=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            user=learner,
            exam=exam,
            started_at=timezone.now(),
            question_count=65,
            pass_ratio="0.700",
        )


def test_a_start_that_loses_the_race_is_answered_with_the_winner(learner, exam, monkeypatch):
    winner = engine.attempt_start(user=learner, exam=exam, now=timezone.now())
    # The loser's check for a running attempt ran before the winner's insert committed.
    real_filter = Attempt.objects.filter

    def blind_filter(*args, **kwargs):
        qs = real_filter(*args, **kwargs)
        return qs.none() if kwargs.get("status") == Attempt.Status.IN_PROGRESS else qs

    monkeypatch.setattr(Attempt.objects, "filter", blind_filter)
    loser = engine.attempt_start(user=learner, exam=exam, now=timezone.now())
    monkeypatch.undo()
    assert loser.pk == winner.pk
    assert Attempt.objects.filter(user=learner, status=Attempt.Status.IN_PROGRESS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_start_posts_make_one_attempt(learner, exam):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves parallel connections (PostgreSQL, as in CI)")
    barrier = threading.Barrier(6)
    landed: list[str] = []

    def click():
        client = Client()
        client.force_login(learner)
        barrier.wait()
        response = client.post(reverse("exam_start", args=[exam.code]))
        landed.append(response["Location"])
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    running = Attempt.objects.filter(user=learner, status=Attempt.Status.IN_PROGRESS)
    assert running.count() == 1
    assert set(landed) == {reverse("attempt_question", args=[running.get().pk, 1])}


# ---------------------------------------------------------------- 2. NUL and control characters


def test_control_characters_in_addresses_are_refused_or_not_found(teacher, learner_client, exam):
    for client, method, url in [
        (learner_client, "post", "/exams/%00/start/"),
        (teacher, "get", "/studio/q/%00/"),
        (teacher, "get", "/studio/q/abc%00def/history/"),
        (teacher, "get", "/studio/export/%00.csv"),
        (teacher, "get", f"/studio/export/{exam.code}%00.csv"),
        (teacher, "get", "/studio/new/%00/"),
        (learner_client, "get", "/attempts/%00/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code in (400, 404), url


def test_control_characters_in_query_strings_are_removed_before_any_query(teacher, exam):
    key = exam.questions.first().key
    for value in HOSTILE:
        for param in ("q", "exam", "domain", "task", "kind", "difficulty", "status", "topic"):
            response = teacher.get(reverse("studio_questions"), {param: value, "sort": value})
            assert response.status_code == 200, (param, value[:10])
        assert teacher.get(reverse("studio_questions"), {"q": f"{key[:5]}{NUL}"}).status_code == 200
        assert teacher.get(reverse("studio_triage"), {"status": value}).status_code == 200
        preview = reverse("studio_question_preview", args=[key])
        assert teacher.get(preview, {"version": value}).status_code in (200, 404)
        assert teacher.get(reverse("studio_option_row"), {"kind": value}).status_code == 200


def test_a_search_for_text_with_a_nul_finds_the_text_without_it(teacher, exam):
    key = exam.questions.order_by("key").first().key
    body = teacher.get(reverse("studio_questions"), {"q": f"{key}{NUL}"}).content.decode()
    assert key in body


def test_editor_fields_with_control_characters_save_clean_text(teacher, exam):
    from tests.quizzes.test_studio import editor_post

    post = editor_post(
        key="t11-control-chars",
        stem_ja=f"問題{NUL}文です。\x0b",
        stem_en=f"The{NUL} question.",
        explanation_en="The\x1b explanation.",
    )
    post["opt-text_en"] = [f"A{NUL}", "B", "C", "D"]
    response = teacher.post(reverse("studio_question_create", args=[exam.code]), post)
    assert response.status_code == 302
    version = Question.objects.get(key="t11-control-chars").current_version
    assert version.stem_ja == "問題文です。" and version.stem_en == "The question."
    assert no_text_has_control_characters()


def test_every_editor_field_survives_every_hostile_value(teacher, exam):
    from tests.quizzes.test_studio import editor_post

    fields = list(editor_post())
    for value in HOSTILE:
        for field in fields:
            post = editor_post(key="t11-hostile")
            post[field] = [value, value] if field.startswith("opt-") else value
            response = teacher.post(reverse("studio_question_create", args=[exam.code]), post)
            assert response.status_code in (200, 302, 400), (field, value[:10])
    key = exam.questions.first().key
    for value in HOSTILE:
        response = teacher.post(reverse("studio_question_edit", args=[key]), editor_post(key=value))
        assert response.status_code < 500
    assert no_text_has_control_characters()


def test_regrade_notes_status_actions_and_triage_notes_take_control_characters(
    teacher, finished, exam
):
    key = finished.items.first().question.key
    for value in HOSTILE:
        assert teacher.post(
            reverse("studio_question_regrade", args=[key]), {"note": value}
        ).status_code in (200, 302, 400)
        assert teacher.post(
            reverse("studio_question_status", args=[key]), {"action": value}
        ).status_code in (200, 302, 400)
    assert teacher.post(reverse("studio_option_remove"), {"uid": NUL}).status_code < 500


def test_learner_forms_take_control_characters(learner_client, finished, exam):
    report = reverse("attempt_report_problem", args=[finished.pk, 1])
    for value in HOSTILE[:4]:
        response = learner_client.post(report, {"kind": value, "comment": value})
        assert response.status_code in (200, 302, 400, 429)
        response = learner_client.post(report, {"kind": "wrong_key", "comment": f"x{value}y"})
        assert response.status_code in (200, 302, 400, 429)
        response = learner_client.post(reverse("set_language"), {"language": value, "next": value})
        assert response.status_code == 302
    running = engine.attempt_start(user=finished.user, exam=exam, now=timezone.now())
    for value in HOSTILE:
        for name in ("answer", "flag", "visit"):
            url = reverse(f"attempt_{name}", args=[running.pk, 1])
            data = {"choice": value, "seq": value, "flagged": value, "sent_at": value}
            assert learner_client.post(url, data).status_code < 500, name
    assert no_text_has_control_characters()


def test_account_forms_take_control_characters(client, learner):
    for value in HOSTILE:
        for url, data in [
            (reverse("login"), {"username": value, "password": value}),
            ("/admin/login/", {"username": value, "password": value}),
            (reverse("signup"), {"username": value, "email": value, "password1": value}),
            (reverse("password_reset"), {"email": value}),
        ]:
            assert client.post(url, data).status_code < 500, (url, value[:10])
    signed_in = Client()
    signed_in.force_login(learner)
    data = {"old_password": NUL, "new_password1": NUL, "new_password2": NUL}
    assert signed_in.post(reverse("password_change"), data).status_code == 200


def test_a_session_cookie_with_a_nul_is_ignored(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get(reverse("home")).status_code == 200


# ---------------------------------------------------------------- 3-5. malformed imports


def upload(client, exam, content: str | bytes, fmt: str, name: str = "bank.yaml", **extra):
    raw = content.encode("utf-8") if isinstance(content, str) else content
    data = {"exam": exam.code, "format": fmt, "language": "ja", **extra}
    data["file"] = SimpleUploadedFile(name, raw)
    return client.post(reverse("studio_import"), data)


def preview(client, exam, content, fmt="yaml"):
    response = upload(client, exam, content, fmt)
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.latest("pk")
    page = client.get(reverse("studio_import_preview", args=[job.pk]))
    job.refresh_from_db()
    return job, page


def valid_question(**changes) -> dict:
    item = {
        "key": "t11-imported",
        "task": "1.1",
        "topics": ["iam"],
        "stem": {"ja": "問題", "en": "Question"},
        "choices": [
            {"text": {"ja": "正", "en": "Right"}, "correct": True, "why": {"ja": "理由"}},
            {"text": {"ja": "誤1", "en": "Wrong 1"}},
            {"text": {"ja": "誤2", "en": "Wrong 2"}},
            {"text": {"ja": "誤3", "en": "Wrong 3"}},
        ],
        "explanation": {"ja": "解説", "en": "Explanation"},
        "references": ["https://docs.aws.amazon.com/"],
    }
    item.update(changes)
    return item


MALFORMED_YAML = {
    "list where a topic key belongs": "questions:\n- key: t11-a\n  topics: [[acm]]\n",
    "mapping with mixed key types": "questions:\n- {key: t11-b, 1: x, true: y, null: z, 2.5: w}\n",
    "unknown keys of odd types": "questions:\n- key: t11-c\n  [1, 2]: x\n",
    "text that is a list": "questions:\n- key: t11-d\n  stem: {ja: [a, b], en: {x: 1}}\n",
    "choices that are text": "questions:\n- key: t11-e\n  choices: abc\n  topics: abc\n",
    "a key that is a mapping": "questions:\n- key: {a: 1}\n",
    "questions that is a mapping": "questions: {a: 1}\n",
    "a document that is a list": "- 1\n- 2\n",
    "a scalar document": "42\n",
    "two documents": "questions: []\n---\nquestions: []\n",
    "deep nesting": "questions: " + "[" * 5000 + "]" * 5000 + "\n",
    "a timestamp and binary": "questions:\n- key: t11-f\n  task: 2026-01-01\n  stem: !!binary a=\n",
    "a python tag": "questions:\n- !!python/object/apply:os.system [echo hi]\n",
    "a huge number": "questions:\n- key: t11-g\n  choose: 1" + "0" * 5000 + "\n",
    "a lone surrogate": "questions:\n- key: t11-h\n  task: '1.1'\n  stem: {ja: \"\\udc80\"}\n",
}


@pytest.mark.parametrize("case", sorted(MALFORMED_YAML))
def test_a_malformed_yaml_import_previews_errors_and_applies_nothing(teacher, exam, case):
    before = QuestionVersion.objects.count()
    job, page = preview(teacher, exam, MALFORMED_YAML[case])
    assert page.status_code == 200
    assert job.summary["errors"], case
    assert teacher.post(reverse("studio_import_preview", args=[job.pk])).status_code == 302
    assert QuestionVersion.objects.count() == before
    job.refresh_from_db()
    assert job.applied_at is None


def test_yaml_errors_name_the_line_of_the_question(teacher, exam):
    import yaml

    text = yaml.safe_dump({"questions": [valid_question(), valid_question(key="t11-x", task=9)]})
    job, _ = preview(teacher, exam, text)
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("- ")]
    second_line = starts[1]
    assert any(e.startswith(f"line {second_line}") for e in job.summary["errors"])


def test_a_file_with_a_nul_is_refused_at_upload_with_its_line(teacher, exam):
    response = upload(teacher, exam, "questions:\n- key: t11-a\n  stem: {ja: 'a\x00b'}\n", "yaml")
    assert response.status_code == 400
    assert "line 3: U+0000" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_name_with_a_nul_is_stored_without_it(teacher, exam):
    import yaml

    text = yaml.safe_dump({"questions": [valid_question()]})
    assert upload(teacher, exam, text, "yaml", name="ban\x00k.yaml").status_code == 302
    assert ImportJob.objects.get().filename == "bank.yaml"


def test_yaml_aliases_are_refused_and_nothing_unbounded_is_echoed(teacher, exam):
    laughs = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        laughs += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    laughs += "questions: *i\n"
    assert len(laughs) < 600
    job, page = preview(teacher, exam, laughs)
    assert any("aliases" in e for e in job.summary["errors"])
    assert len(page.content) < 100_000
    response = teacher.post(reverse("studio_import_preview", args=[job.pk]), follow=True)
    assert len(response.content) < 100_000


def test_a_csv_cell_over_the_csv_field_limit_gets_a_line_numbered_error(teacher, exam):
    header = ",".join(transfer.CSV_COLUMNS)
    huge = "x" * 200_000
    content = f'{header}\nt11-a,1.1,iam,1,2,active,ok,ok\nt11-b,1.1,iam,1,2,active,"{huge}"\n'
    job, page = preview(teacher, exam, content, fmt="csv")
    assert page.status_code == 200
    assert any(e.startswith("line 3") for e in job.summary["errors"]), job.summary["errors"]


def test_csv_rows_of_odd_shapes_get_errors_not_a_crash(teacher, exam):
    header = ",".join(transfer.CSV_COLUMNS)
    for body in [
        "a,b\n",
        '"unterminated\n',
        ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n",
        "\n\n\n",
    ]:
        job, page = preview(teacher, exam, f"{header}\n{body}", fmt="csv")
        assert page.status_code == 200 and job.summary["errors"]


def test_a_gift_answer_of_400000_spaces_is_read(teacher, exam, instructor):
    from quizzes.importers.gift import parse_gift

    questions, problems = parse_gift("Which? {=right" + " " * 400_000 + "answer ~wrong}")
    assert problems == [] and questions[0].choices[0].text.startswith("right")


def test_an_import_over_the_question_budget_is_refused_whole(teacher, exam, monkeypatch):
    import yaml

    monkeypatch.setattr(transfer, "MAX_QUESTIONS", 3)
    text = yaml.safe_dump({"questions": [valid_question(key=f"t11-budget-{i}") for i in range(4)]})
    job, _ = preview(teacher, exam, text)
    assert job.summary["errors"] == ["the file holds 4 questions; import at most 3 at a time"]
    job, _ = preview(teacher, exam, transfer.export_csv(exam), fmt="csv")
    n = exam.questions.count()
    assert job.summary["errors"] == [f"the file holds {n} questions; import at most 3 at a time"]


def test_a_gift_file_with_thousands_of_problems_shows_a_bounded_list(teacher, exam):
    from quizzes.models import TaskStatement, Topic

    task = TaskStatement.objects.filter(domain__exam=exam).first()
    content = "\n\n".join("Broken question {" for _ in range(5000))
    response = upload(teacher, exam, content, "gift", name="x.gift", task=task.pk, topics=["iam"])
    assert response.status_code == 302, Topic.objects.count()
    job = ImportJob.objects.latest("pk")
    page = teacher.get(reverse("studio_import_preview", args=[job.pk]))
    job.refresh_from_db()
    assert len(job.summary["errors"]) == transfer.MAX_ERRORS + 1
    assert len(page.content) < 200_000


# ---------------------------------------------------------------- 6. CSV formulas


def test_csv_export_neutralises_formulas_and_import_restores_them(teacher, exam):
    question = exam.questions.order_by("key").first()
    version = question.current_version
    version.stem_en = '=HYPERLINK("http://evil.example")'
    version.explanation_en = "- a list item\n- another"
    version.save()
    choice = version.choices.order_by("position").first()
    choice.text_en = "@SUM(A1:A9)"
    choice.save()
    exported = transfer.export_csv(exam)
    assert "'=HYPERLINK" in exported and "'- a list" in exported and "'@SUM" in exported
    assert "\n=HYPERLINK" not in exported and ',"=HYPERLINK' not in exported
    specs = transfer.parse_csv(exported, *transfer.exam_context(exam))[0]
    spec = next(s for s in specs if s.key == question.key)
    assert spec.stem["en"] == version.stem_en
    assert spec.explanation["en"] == version.explanation_en
    assert spec.choices[0].text["en"] == "@SUM(A1:A9)"


@pytest.mark.parametrize("text", ["'quoted", "''twice", "=1+1", "+81 3", "-", "@", "plain"])
def test_csv_cells_round_trip(text):
    assert transfer.csv_value(transfer.csv_cell(text)) == text
    assert not str(transfer.csv_cell(text)).startswith(("=", "+", "-", "@"))


# ---------------------------------------------------------------- 7-9. accounts


@pytest.fixture
def fresh_cache(settings):
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_MAX_FAILURES = 3
    yield
    cache.clear()


def locked(response) -> bool:
    form = response.context and response.context.get("form")
    return bool(form) and any(
        e.code == "throttled" for e in form.errors.as_data().get("__all__", [])
    )


def test_the_log_in_lock_holds_whatever_spelling_of_the_account_is_typed(
    client, learner, fresh_cache
):
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in learner.username)  # ｌｅａｒｎｅｒ
    for spelling in (learner.email, learner.email.upper(), fullwidth):
        client.post(reverse("login"), {"username": spelling, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": learner.username, "password": "correct-horse-battery"}
    )
    assert locked(response) and "_auth_user_id" not in client.session


def test_the_admin_log_in_shares_the_lock(client, fresh_cache):
    from tests.factories import UserFactory

    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    for _ in range(3):
        client.post(reverse("login"), {"username": boss.username, "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "boss", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert locked(response)


def test_sign_up_answers_the_same_for_a_known_and_an_unknown_address(client, learner):
    from django.core import mail

    known = sign_up(client, "another", learner.email)
    unknown = sign_up(client, "hanako", "hanako@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("signup_sent")
    assert [m.to for m in mail.outbox] == [[learner.email], ["hanako@example.com"]]
    assert "already have an account" in mail.outbox[0].body
    assert "/accounts/activate/" in mail.outbox[1].body
    from accounts.models import User

    assert not User.objects.filter(username="another").exists()
    assert not User.objects.get(username="hanako").is_active


# ---------------------------------------------------------------- behind a proxy


@pytest.fixture
def behind_proxy(settings, fresh_cache):
    import ipaddress

    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.9.0.0/24")]
    settings.LOGIN_MAX_FAILURES = 2  # per address: 2 x IP_FACTOR = 8 failures


def log_in_from(client, *, remote, forwarded, username="someone"):
    return client.post(
        reverse("login"),
        {"username": username, "password": "x"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_through_a_trusted_proxy_each_client_has_its_own_address_limit(client, behind_proxy):
    for i in range(8):
        log_in_from(client, remote="10.9.0.5", forwarded="203.0.113.7", username=f"guess{i}")
    blocked = log_in_from(client, remote="10.9.0.5", forwarded="203.0.113.7")
    other = log_in_from(client, remote="10.9.0.5", forwarded="198.51.100.4")
    assert locked(blocked) and not locked(other)


def test_a_client_cannot_spoof_its_address_through_the_proxy(client, behind_proxy):
    # The client writes its own X-Forwarded-For; nginx appends the real address.
    for i in range(8):
        spoofed = f"192.0.2.{i}, 203.0.113.7"
        log_in_from(client, remote="10.9.0.5", forwarded=spoofed, username=f"guess{i}")
    response = log_in_from(client, remote="10.9.0.5", forwarded="192.0.2.99, 203.0.113.7")
    assert locked(response)


def test_from_an_untrusted_address_the_forwarded_header_is_ignored(client, behind_proxy):
    for i in range(8):
        log_in_from(client, remote="198.51.100.20", forwarded=f"192.0.2.{i}", username=f"g{i}")
    response = log_in_from(client, remote="198.51.100.20", forwarded="192.0.2.200")
    assert locked(response)


def test_client_ip_reads_forwarded_for_only_from_trusted_proxies(rf, settings):
    import ipaddress

    from accounts.throttle import client_ip

    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    cases = [
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.2", "203.0.113.9, 10.0.0.7", "203.0.113.9"),
        ("10.0.0.2", "evil, 203.0.113.9", "203.0.113.9"),
        ("10.0.0.2", "not-an-ip", "10.0.0.2"),
        ("10.0.0.2", "", "10.0.0.2"),
    ]
    for remote, forwarded, expected in cases:
        request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
        assert client_ip(request) == expected, (remote, forwarded)


def test_rate_limits_on_sign_up_password_reset_and_problem_reports(
    client, learner_client, finished, fresh_cache
):
    from accounts.throttle import IP_FACTOR, PASSWORD_RESET, PROBLEM_REPORT, SIGNUP

    for i in range(SIGNUP.limit * IP_FACTOR):
        sign_up(client, f"u{i}", f"u{i}@example.com")
    over = sign_up(client, "late", "late@example.com")
    assert over.status_code == 429

    for _ in range(PASSWORD_RESET.limit):
        client.post(reverse("password_reset"), {"email": "victim@example.com"})
    assert (
        client.post(reverse("password_reset"), {"email": "victim@example.com"}).status_code == 429
    )

    url = reverse("attempt_report_problem", args=[finished.pk, 1])
    for i in range(PROBLEM_REPORT.limit):
        assert (
            learner_client.post(url, {"kind": "wrong_key", "comment": f"c{i}"}).status_code == 302
        )
    assert learner_client.post(url, {"kind": "wrong_key", "comment": "more"}).status_code == 429
    assert QuestionReport.objects.count() == PROBLEM_REPORT.limit


# ---------------------------------------------------------------- health


def test_healthz_and_readyz(client, settings):
    settings.ALLOWED_HOSTS = ["mogi.example.com"]
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000").json() == {"status": "ok"}
    ready = client.get("/readyz", HTTP_HOST="127.0.0.1:8000")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}


def test_readyz_names_the_failing_part(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"][0].startswith("broker")
