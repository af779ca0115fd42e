import random

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.markup import render_markdown
from quizzes.models import (
    Attempt,
    AttemptItem,
    ImportJob,
    Question,
    QuestionReport,
    QuestionStats,
    QuestionVersion,
    Regrade,
)
from quizzes.services import attempts as engine
from quizzes.services import transfer
from quizzes.services.itemstats import item_stats_refresh
from tests.conftest import finish_exam

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_client(instructor):
    client = Client()
    client.force_login(instructor)
    return client


def studio_urls(exam, key):
    return [
        ("get", reverse("studio_questions")),
        ("get", reverse("studio_question_create", args=[exam.code])),
        ("get", reverse("studio_option_row")),
        ("get", reverse("studio_option_remove")),
        ("get", reverse("studio_question_edit", args=[key])),
        ("get", reverse("studio_question_preview", args=[key])),
        ("get", reverse("studio_question_history", args=[key])),
        ("post", reverse("studio_question_status", args=[key])),
        ("post", reverse("studio_question_regrade", args=[key])),
        ("get", reverse("studio_import")),
        ("get", reverse("studio_export", args=[exam.code, "yaml"])),
        ("get", reverse("studio_export", args=[exam.code, "csv"])),
        ("post", reverse("studio_stats_refresh")),
        ("get", reverse("studio_triage")),
        ("get", reverse("studio_cohort")),
    ]


def test_every_instructor_url_sends_anonymous_to_log_in_and_refuses_learners(
    client, learner_client, teacher_client, exam
):
    key = exam.questions.first().key
    for method, url in studio_urls(exam, key):
        anon = getattr(client, method)(url)
        assert anon.status_code == 302 and reverse("login") in anon["Location"], url
        assert getattr(learner_client, method)(url).status_code == 403, url
        assert getattr(teacher_client, method)(url).status_code in (200, 302), url


def editor_post(**overrides):
    data = {
        "key": "t11-new-question",
        "task": "1.1",
        "topics": ["iam"],
        "choose": "1",
        "difficulty": "2",
        "stem_ja": "問題文です。",
        "stem_en": "The question.",
        "explanation_ja": "解説です。",
        "explanation_en": "The explanation.",
        "references": "https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction.html",
        "opt-uid": ["a", "b", "c", "d"],
        "opt-correct": ["b"],
        "opt-text_ja": ["選択肢A", "選択肢B", "選択肢C", "選択肢D"],
        "opt-text_en": ["A", "B", "C", "D"],
        "opt-why_ja": ["理由A", "理由B", "理由C", "理由D"],
        "opt-why_en": ["Why A", "Why B", "Why C", "Why D"],
    }
    data.update(overrides)
    return data


def test_an_instructor_creates_a_question_and_sees_it_in_the_list(teacher_client, exam):
    response = teacher_client.post(
        reverse("studio_question_create", args=[exam.code]), editor_post()
    )
    assert response.status_code == 302
    q = Question.objects.get(key="t11-new-question")
    assert q.current_version.number == 1
    assert [c.is_correct for c in q.current_version.choices.order_by("position")] == [
        False,
        True,
        False,
        False,
    ]
    listing = teacher_client.get(reverse("studio_questions") + "?q=new-question").content.decode()
    assert "t11-new-question" in listing


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"stem_ja": ""}, "Required in Japanese"),
        ({"opt-correct": ["a", "b"]}, "marked correct"),
        (
            {
                "opt-uid": ["a"],
                "opt-text_ja": ["A"],
                "opt-text_en": ["A"],
                "opt-why_ja": [""],
                "opt-why_en": [""],
                "opt-correct": ["a"],
            },
            "at least two options",
        ),
        ({"topics": []}, "one to three topics"),
        ({"key": "Bad Key!"}, "lower-case"),
        ({"references": "http://example.com/x"}, "is not an https link"),
        ({"choose": "banana"}, "how many options"),
    ],
)
def test_the_editor_explains_what_is_wrong_and_saves_nothing(
    teacher_client, exam, overrides, field_message
):
    teacher_client.post(reverse("set_language"), {"language": "en"})
    before = QuestionVersion.objects.count()
    response = teacher_client.post(
        reverse("studio_question_create", args=[exam.code]), editor_post(**overrides)
    )
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert QuestionVersion.objects.count() == before


def test_three_options_on_a_single_answer_question_is_a_warning_not_an_error(teacher_client, exam):
    data = editor_post(
        **{
            "opt-uid": ["a", "b", "c"],
            "opt-text_ja": ["A", "B", "C"],
            "opt-text_en": ["A", "B", "C"],
            "opt-why_ja": ["", "", ""],
            "opt-why_en": ["", "", ""],
        }
    )
    response = teacher_client.post(
        reverse("studio_question_create", args=[exam.code]), data, follow=True
    )
    assert Question.objects.filter(key="t11-new-question").exists()
    assert (
        "four options" in response.content.decode()
        or "4 つ" in response.content.decode()
        or "選択肢は 4" in response.content.decode()
    )


def test_editing_a_seen_question_creates_a_version_and_past_attempts_keep_theirs(
    teacher_client, learner, exam
):
    attempt = engine.attempt_start(
        user=learner, exam=exam, now=timezone.now(), rng=random.Random(2)
    )
    finish_exam(attempt, correct_positions={1})
    item = AttemptItem.objects.get(attempt=attempt, position=1)
    q = item.question
    old = q.current_version
    data = editor_post(key=q.key, task=old.task.code, topics=["s3"])
    response = teacher_client.post(reverse("studio_question_edit", args=[q.key]), data)
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.current_version.number == 2
    item.refresh_from_db()
    assert item.version_id == old.pk and item.is_correct is True
    history = teacher_client.get(reverse("studio_question_history", args=[q.key])).content.decode()
    assert "v1 → v2" in history and 'class="add"' in history and "teacher" in history


def test_regrade_moves_past_answers_to_the_fixed_version_and_records_it(
    teacher_client, learner, exam
):
    attempt = engine.attempt_start(
        user=learner, exam=exam, now=timezone.now(), rng=random.Random(2)
    )
    finish_exam(attempt, correct_positions=set(range(1, 66)))
    item = (
        AttemptItem.objects.select_related("version")
        .filter(attempt=attempt, version__kind="single")
        .first()
    )
    q = item.question
    before = Attempt.objects.get(pk=attempt.pk).correct_count
    # the instructor decides option 2 was the right answer all along
    data = editor_post(key=q.key, task=item.version.task.code)
    teacher_client.post(reverse("studio_question_edit", args=[q.key]), data)
    response = teacher_client.post(
        reverse("studio_question_regrade", args=[q.key]), {"note": "key fixed"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    q.refresh_from_db()
    assert item.version_id == q.current_version_id and item.is_correct is False
    assert Attempt.objects.get(pk=attempt.pk).correct_count == before - 1
    regrade = Regrade.objects.get()
    assert regrade.changed == 1 and regrade.note == "key fixed"


def test_retire_and_delete(teacher_client, learner, exam):
    attempt = engine.attempt_start(
        user=learner, exam=exam, now=timezone.now(), rng=random.Random(2)
    )
    seen = attempt.items.first().question
    url = reverse("studio_question_status", args=[seen.key])
    teacher_client.post(url, {"action": "delete"})
    assert Question.objects.filter(pk=seen.pk).exists()
    teacher_client.post(url, {"action": "retire"})
    assert Question.objects.get(pk=seen.pk).status == "retired"
    unseen = exam.questions.exclude(attempt_items__isnull=False).first()
    teacher_client.post(reverse("studio_question_status", args=[unseen.key]), {"action": "delete"})
    assert not Question.objects.filter(pk=unseen.pk).exists()


def _upload(client, exam, name, content, fmt, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "exam": exam.code,
        "format": fmt,
        "language": "ja",
        "file": SimpleUploadedFile(name, content.encode("utf-8")),
        **extra,
    }
    response = client.post(reverse("studio_import"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_export_then_import_is_a_round_trip_with_nothing_changed(teacher_client, exam, fmt):
    exported = teacher_client.get(reverse("studio_export", args=[exam.code, fmt])).content.decode(
        "utf-8-sig"
    )
    job = _upload(teacher_client, exam, f"bank.{fmt}", exported, fmt)
    page = teacher_client.get(reverse("studio_import_preview", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.summary["errors"] == [] and job.summary["new"] == [] and job.summary["changed"] == []
    assert len(job.summary["unchanged"]) == exam.questions.count()
    assert "100" in page
    specs_before = [s.content_hash() for s in transfer.exam_specs(exam)]
    teacher_client.post(reverse("studio_import_preview", args=[job.pk]))
    assert [s.content_hash() for s in transfer.exam_specs(exam)] == specs_before
    assert QuestionVersion.objects.count() == exam.questions.count()


def test_an_import_with_one_error_applies_nothing(teacher_client, exam):
    exported = transfer.export_csv(exam)
    lines = exported.splitlines()
    lines[1] = lines[1].replace("1.1", "9.9", 1)
    new_key_line = lines[2].replace(exam.questions.order_by("key")[1].key, "t11-brand-new", 1)
    content = "\n".join([lines[0], lines[1], new_key_line]) + "\n"
    job = _upload(teacher_client, exam, "bad.csv", content, "csv")
    teacher_client.get(reverse("studio_import_preview", args=[job.pk]))
    job.refresh_from_db()
    assert any("line 2" in e and "9.9" in e for e in job.summary["errors"])
    teacher_client.post(reverse("studio_import_preview", args=[job.pk]))
    assert not Question.objects.filter(key="t11-brand-new").exists()
    job.refresh_from_db()
    assert job.applied_at is None


def test_item_statistics_match_hand_computed_values(learner, other_learner, instructor, exam):
    people = [learner, other_learner, instructor]
    scores = [set(range(1, 60)), set(range(1, 30)), set()]
    attempts = []
    for user, right in zip(people, scores, strict=True):
        a = engine.attempt_start(user=user, exam=exam, now=timezone.now(), rng=random.Random(9))
        attempts.append(finish_exam(a, correct_positions=right))
    # same seed: position 10 is the same question for all three; right, right, wrong
    qid = AttemptItem.objects.get(attempt=attempts[0], position=10).question_id
    assert {AttemptItem.objects.get(attempt=a, position=10).question_id for a in attempts} == {qid}
    item_stats_refresh(now=timezone.now())
    stats = QuestionStats.objects.get(question_id=qid)
    assert stats.answered == 3
    assert stats.facility == pytest.approx(2 / 3)
    # item [1, 1, 0] against rest scores [58, 28, 0]:
    # sxy = 28.667, sxx = 2/3, syy = 1682.67, r = 28.667 / sqrt(2/3 * 1682.67) = 0.8559
    assert stats.discrimination == pytest.approx(0.8559, abs=1e-3)
    assert sum(stats.option_counts.values()) == 3


def test_hostile_markdown_renders_inert():
    html = render_markdown(
        '<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) '
        '<a href="https://docs.aws.amazon.com/" onclick="x()">ok</a> **bold**'
    )
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "onclick" not in html and "<strong>bold</strong>" in html


def test_a_learner_reports_a_problem_and_an_instructor_resolves_it(
    learner_client, teacher_client, learner, exam
):
    attempt = engine.attempt_start(
        user=learner, exam=exam, now=timezone.now(), rng=random.Random(2)
    )
    url = reverse("attempt_report_problem", args=[attempt.pk, 3])
    assert learner_client.post(url, {"kind": "typo", "comment": "x"}).status_code == 409
    finish_exam(attempt)
    bad = learner_client.post(url, {"kind": "nonsense", "comment": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and not QuestionReport.objects.exists()
    ok = learner_client.post(
        url, {"kind": "wrong_key", "comment": "B is right"}, HTTP_HX_REQUEST="true"
    )
    assert ok.status_code == 200
    report = QuestionReport.objects.get()
    assert report.version_id == AttemptItem.objects.get(attempt=attempt, position=3).version_id
    assert "B is right" in teacher_client.get(reverse("studio_triage")).content.decode()
    listing = teacher_client.get(reverse("studio_questions") + "?reported=1").content.decode()
    assert report.question.key in listing
    teacher_client.post(reverse("studio_triage_resolve", args=[report.pk]), {"note": "Fixed in v2"})
    report.refresh_from_db()
    assert report.status == "resolved" and report.resolution == "Fixed in v2"


def test_another_learner_cannot_report_on_my_attempt(other_client, learner, exam):
    attempt = engine.attempt_start(user=learner, exam=exam, now=timezone.now())
    finish_exam(attempt)
    url = reverse("attempt_report_problem", args=[attempt.pk, 1])
    assert other_client.post(url, {"kind": "typo", "comment": "x"}).status_code == 404


def test_preview_shows_both_languages(teacher_client, exam):
    q = exam.questions.first()
    body = teacher_client.get(reverse("studio_question_preview", args=[q.key])).content.decode()
    assert q.current_version.stem_ja in body and q.current_version.stem_en in body


def test_the_question_list_query_count_does_not_grow_with_the_page(
    teacher_client, exam, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        teacher_client.get(reverse("studio_questions"))


GIFT = """// SAA practice set
$CATEGORY: SAA/IAM

::mfa-root::ルートユーザーを保護する最初の対策はどれか。{
  =MFA を有効にする #正解です。
  ~アクセスキーを作成する #ルートのアクセスキーは作らない。
  ~パスワードを共有する
  ####ルートユーザーには MFA を設定する。
}

::pair::正しいものを 2 つ選べ。{
  ~%50%IAM ロールを使う
  ~%50%最小権限を与える
  ~%-100%ルートで日常作業をする
}

::tf::IAM はグローバルサービスである。{T}

::match::対応させよ。{ =IAM -> 認証 =KMS -> 暗号化 }
"""


def test_a_gift_import_takes_multiple_choice_and_reports_the_rest_with_lines(teacher_client, exam):
    job = _upload(
        teacher_client,
        exam,
        "set.gift",
        GIFT,
        "gift",
        task=exam.domains.get(code="1").tasks.first().pk,
        topics=["iam"],
    )
    teacher_client.get(reverse("studio_import_preview", args=[job.pk]))
    job.refresh_from_db()
    assert len(job.summary["new"]) == 2
    errors = " ".join(job.summary["errors"])
    assert "line 17" in errors and "line 19" in errors
    # errors block the whole import until the file is fixed
    teacher_client.post(reverse("studio_import_preview", args=[job.pk]))
    assert not Question.objects.filter(key__startswith="gift-").exists()
    fixed = GIFT.split("::tf::")[0]
    job = _upload(
        teacher_client,
        exam,
        "fixed.gift",
        fixed,
        "gift",
        task=exam.domains.get(code="1").tasks.first().pk,
        topics=["iam"],
    )
    teacher_client.post(reverse("studio_import_preview", args=[job.pk]))
    imported = Question.objects.filter(key__startswith="gift-")
    assert imported.count() == 2
    pair = imported.get(current_version__kind="multi").current_version
    assert pair.choose == 2 and pair.stem_ja.startswith("正しいもの")
