import random

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, AttemptItem, Choice
from quizzes.services import attempts as engine
from tests.factories import make_exam

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def attempt(learner, exam):
    return engine.attempt_start(user=learner, exam=exam, now=timezone.now(), rng=random.Random(3))


def urls(attempt):
    return {
        "resume": ("get", reverse("attempt_resume", args=[attempt.pk])),
        "question": ("get", reverse("attempt_question", args=[attempt.pk, 1])),
        "review": ("get", reverse("attempt_review", args=[attempt.pk])),
        "results": ("get", reverse("attempt_results", args=[attempt.pk])),
        "answer": ("post", reverse("attempt_answer", args=[attempt.pk, 1])),
        "flag": ("post", reverse("attempt_flag", args=[attempt.pk, 1])),
        "visit": ("post", reverse("attempt_visit", args=[attempt.pk, 2])),
        "submit": ("post", reverse("attempt_submit", args=[attempt.pk])),
    }


def test_anonymous_users_are_sent_to_log_in(client, attempt):
    for name, (method, url) in urls(attempt).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_another_learner_gets_404_for_every_attempt_url(other_client, attempt):
    for name, (method, url) in urls(attempt).items():
        response = getattr(other_client, method)(url, {"flagged": "1", "seq": "5"})
        assert response.status_code == 404, name
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.IN_PROGRESS
    assert not AttemptItem.objects.filter(attempt=attempt, flagged=True).exists()


def test_start_redirects_to_the_first_question(learner_client, exam):
    response = learner_client.post(reverse("exam_start", args=[exam.code]))
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("attempt_question", args=[attempt.pk, 1])


def test_start_with_a_bank_too_small_explains_why(learner_client):
    exam = make_exam(code="TINY", per_domain=5)
    response = learner_client.post(reverse("exam_start", args=[exam.code]))
    assert response.status_code == 409
    assert "65" in response.content.decode()


def test_question_page_full_and_fragment(learner_client, attempt):
    url = reverse("attempt_question", args=[attempt.pk, 2])
    full = learner_client.get(url)
    assert full.status_code == 200
    body = full.content.decode()
    assert "<html" in body and 'id="palette"' in body and 'id="timer"' in body
    assert int(full["X-Mogi-Seconds-Left"]) > 7700
    fragment = learner_client.get(url, **HX)
    part = fragment.content.decode()
    assert "<html" not in part and 'id="question-panel"' in part
    assert 'hx-swap-oob="true"' in part  # palette follows the current question
    assert Attempt.objects.get(pk=attempt.pk).current_position == 1  # GET changes nothing
    visit = learner_client.post(reverse("attempt_visit", args=[attempt.pk, 2]), **HX)
    assert visit.status_code == 204 and "X-Mogi-Seconds-Left" in visit.headers
    assert Attempt.objects.get(pk=attempt.pk).current_position == 2


def test_question_page_never_reveals_the_key_or_explanations(learner_client, attempt):
    item = attempt.items.get(position=1)
    version = item.version
    secrets = [version.explanation_ja, version.explanation_en]
    secrets += [t for c in version.choices.all() for t in (c.explanation_ja, c.explanation_en)]
    correct = Choice.objects.filter(version=version, is_correct=True).first()
    pages = [
        learner_client.get(reverse("attempt_question", args=[attempt.pk, 1])),
        learner_client.get(reverse("attempt_question", args=[attempt.pk, 1]), **HX),
        learner_client.get(reverse("attempt_review", args=[attempt.pk])),
        learner_client.post(
            reverse("attempt_answer", args=[attempt.pk, 1]),
            {"choice": [correct.pk], "seq": 1},
            **HX,
        ),
    ]
    for response in pages:
        text = response.content.decode() + str(response.headers)
        for secret in secrets:
            assert secret not in text
        assert "is-correct" not in text and "correct" not in response.headers.get("HX-Trigger", "")


def test_answer_is_saved_with_a_visible_state_and_the_clock(learner_client, attempt):
    item = attempt.items.get(position=1)
    response = learner_client.post(
        reverse("attempt_answer", args=[attempt.pk, 1]),
        {"choice": [item.choice_order[0]], "seq": 100},
        **HX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="save-status"' in body and "saved" in body
    assert 'id="cell-1"' in body and "answered" in body
    assert "X-Mogi-Seconds-Left" in response.headers
    assert AttemptItem.objects.get(pk=item.pk).selected == [item.choice_order[0]]


def test_answer_without_javascript_redirects_back_to_the_question(learner_client, attempt):
    item = attempt.items.get(position=3)
    response = learner_client.post(
        reverse("attempt_answer", args=[attempt.pk, 3]),
        {"choice": [item.choice_order[1]], "seq": 5},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("attempt_question", args=[attempt.pk, 3])
    assert AttemptItem.objects.get(pk=item.pk).selected == [item.choice_order[1]]


@pytest.mark.parametrize(
    "data",
    [
        {"choice": ["x"], "seq": "1"},
        {"choice": ["1"]},
        {"choice": ["1"], "seq": "-4"},
        {"choice": ["1"], "seq": "9" * 40},
        {"seq": "abc"},
    ],
)
def test_a_malformed_answer_gets_400_with_a_message_and_saves_nothing(
    learner_client, attempt, data
):
    response = learner_client.post(reverse("attempt_answer", args=[attempt.pk, 1]), data, **HX)
    assert response.status_code == 400
    assert "save-status" in response.content.decode()
    assert AttemptItem.objects.get(attempt=attempt, position=1).selected == []


def test_a_choice_from_another_question_gets_400(learner_client, attempt):
    other = attempt.items.get(position=2)
    response = learner_client.post(
        reverse("attempt_answer", args=[attempt.pk, 1]),
        {"choice": [other.choice_order[0]], "seq": 3},
        **HX,
    )
    assert response.status_code == 400
    assert AttemptItem.objects.get(attempt=attempt, position=1).selected == []


def test_unknown_attempt_or_position_is_404(learner_client, attempt):
    assert (
        learner_client.get(reverse("attempt_question", args=[attempt.pk + 99, 1])).status_code
        == 404
    )
    assert learner_client.get(reverse("attempt_question", args=[attempt.pk, 66])).status_code == 404
    response = learner_client.post(reverse("attempt_answer", args=[attempt.pk, 0]), {"seq": 1})
    assert response.status_code == 404


def test_an_answer_to_a_finished_attempt_is_409(learner_client, attempt):
    engine.attempt_submit(attempt=attempt, now=timezone.now())
    item = attempt.items.get(position=1)
    response = learner_client.post(
        reverse("attempt_answer", args=[attempt.pk, 1]),
        {"choice": [item.choice_order[0]], "seq": 9},
        **HX,
    )
    assert response.status_code == 409
    assert "results" in response.content.decode()


def test_flag_toggles_and_updates_the_palette(learner_client, attempt):
    url = reverse("attempt_flag", args=[attempt.pk, 4])
    response = learner_client.post(url, {"flagged": "1"}, **HX)
    assert response.status_code == 200
    assert 'id="cell-4"' in response.content.decode() and "flagged" in response.content.decode()
    assert AttemptItem.objects.get(attempt=attempt, position=4).flagged
    assert learner_client.post(url, {"flagged": "maybe"}, **HX).status_code == 400


def test_review_lists_unanswered_and_flagged_questions(learner_client, attempt):
    engine.item_flag(
        attempt=attempt, item=attempt.items.get(position=7), flagged=True, now=timezone.now()
    )
    body = learner_client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()
    assert reverse("attempt_question", args=[attempt.pk, 7]) in body
    assert "hx-confirm" in body


def test_submit_with_htmx_redirects_the_client_to_results_once(learner_client, attempt):
    url = reverse("attempt_submit", args=[attempt.pk])
    first = learner_client.post(url, **HX)
    second = learner_client.post(url, **HX)
    results = reverse("attempt_results", args=[attempt.pk])
    assert first["HX-Redirect"] == results and second["HX-Redirect"] == results
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.FINISHED


def test_question_page_of_a_finished_attempt_goes_to_results(learner_client, attempt):
    engine.attempt_submit(attempt=attempt, now=timezone.now())
    response = learner_client.get(reverse("attempt_question", args=[attempt.pk, 1]))
    assert response["Location"] == reverse("attempt_results", args=[attempt.pk])


def test_resume_goes_to_the_question_where_the_user_was(learner_client, attempt):
    learner_client.post(reverse("attempt_visit", args=[attempt.pk, 12]))
    response = learner_client.get(reverse("attempt_resume", args=[attempt.pk]))
    assert response["Location"] == reverse("attempt_question", args=[attempt.pk, 12])


def test_results_show_score_domains_and_every_explanation(learner_client, attempt):
    item = attempt.items.get(position=1)
    correct = list(
        Choice.objects.filter(version=item.version, is_correct=True).values_list("id", flat=True)
    )
    engine.answer_record(attempt=attempt, item=item, choice_ids=correct, seq=1, now=timezone.now())
    engine.attempt_submit(attempt=attempt, now=timezone.now())
    response = learner_client.get(reverse("attempt_results", args=[attempt.pk]))
    body = response.content.decode()
    assert "1/65" in body
    assert item.version.explanation_ja in body or item.version.explanation_en in body
    assert body.count('class="result-item') == 65
    incorrect = learner_client.get(
        reverse("attempt_results", args=[attempt.pk]) + "?show=incorrect", **HX
    )
    assert incorrect.content.decode().count('class="result-item') == 64
    assert "<html" not in incorrect.content.decode()


def test_results_of_an_attempt_in_progress_go_back_to_the_exam(learner_client, attempt):
    response = learner_client.get(reverse("attempt_results", args=[attempt.pk]))
    assert response.status_code == 302


def test_history_lists_only_the_users_attempts(learner_client, other_client, attempt):
    assert (
        reverse("attempt_resume", args=[attempt.pk])
        in learner_client.get(reverse("attempt_history")).content.decode()
    )
    assert (
        reverse("attempt_resume", args=[attempt.pk])
        not in other_client.get(reverse("attempt_history")).content.decode()
    )


def test_get_never_changes_answers_and_post_only_urls_refuse_get(learner_client, attempt):
    for name in ("attempt_answer", "attempt_flag", "attempt_visit"):
        assert learner_client.get(reverse(name, args=[attempt.pk, 1])).status_code == 405
    assert learner_client.get(reverse("attempt_submit", args=[attempt.pk])).status_code == 405


def _question_queries(django_assert_num_queries, client, attempt, n):
    with django_assert_num_queries(n):
        client.get(reverse("attempt_question", args=[attempt.pk, 2]), **HX)


def test_question_page_and_answer_save_query_counts_do_not_grow_with_the_bank(
    learner, django_assert_num_queries
):
    from django.test import Client

    client = Client()
    client.force_login(learner)
    for size in (20, 60):
        exam = make_exam(code=f"E{size}", per_domain=size)
        attempt = engine.attempt_start(user=learner, exam=exam, now=timezone.now())
        # session, user, attempt, item, choices, palette
        with django_assert_num_queries(6):
            client.get(reverse("attempt_question", args=[attempt.pk, 2]), **HX)
        item = attempt.items.get(position=2)
        client.post(reverse("attempt_visit", args=[attempt.pk, 2]), **HX)
        # session, user, attempt, item, claim update, answer update (in a savepoint)
        with django_assert_num_queries(8):
            client.post(
                reverse("attempt_answer", args=[attempt.pk, 2]),
                {"choice": [item.choice_order[0]], "seq": 7},
                **HX,
            )
        engine.attempt_submit(attempt=attempt, now=timezone.now())


def test_the_back_button_gets_the_whole_page_not_a_fragment(learner_client, attempt):
    url = reverse("attempt_question", args=[attempt.pk, 4])
    restore = learner_client.get(
        url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode() and 'id="palette"' in restore.content.decode()


@pytest.mark.parametrize("name", ["results", "history", "home", "review"])
def test_page_query_counts_are_pinned(
    learner_client, learner, exam, name, django_assert_num_queries
):
    from tests.conftest import finish_exam

    done = engine.attempt_start(user=learner, exam=exam, now=timezone.now(), rng=random.Random(8))
    finish_exam(done, correct_positions={1, 2})
    running = engine.attempt_start(
        user=learner, exam=exam, now=timezone.now(), rng=random.Random(9)
    )
    url, expected = {
        # every full page: session, user, the instructor-role check of the header;
        # results: attempt, items, choices, topics (prefetched), domain names
        "results": (reverse("attempt_results", args=[done.pk]), 8),
        "history": (reverse("attempt_history"), 4),
        "home": (reverse("home"), 7),  # + the report
        "review": (reverse("attempt_review", args=[running.pk]), 5),
    }[name]
    with django_assert_num_queries(expected):
        assert learner_client.get(url).status_code == 200


def test_home_shows_the_readiness_and_links_the_report(learner_client, learner, exam):
    from quizzes.services.reports import report_build
    from tests.conftest import finish_exam

    done = engine.attempt_start(user=learner, exam=exam, now=timezone.now(), rng=random.Random(8))
    finish_exam(done, correct_positions=set(range(1, 66)))
    report_build(user_id=learner.pk, now=timezone.now())
    body = learner_client.get(reverse("home")).content.decode()
    assert reverse("my_report") in body and "%</strong>" in body


def test_results_page_has_no_duplicate_element_ids(learner_client, learner, exam):
    import re

    from tests.conftest import finish_exam

    done = engine.attempt_start(user=learner, exam=exam, now=timezone.now(), rng=random.Random(8))
    finish_exam(done)
    body = learner_client.get(reverse("attempt_results", args=[done.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids))
    assert 'for="report-kind-7"' in body and 'id="report-kind-7"' in body
