import pytest
from django.test import Client

from tests.factories import UserFactory, make_exam


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other")


@pytest.fixture
def instructor(db):
    from accounts.roles import user_make_instructor

    user = UserFactory(username="teacher")
    user_make_instructor(user=user)
    return user


@pytest.fixture
def exam(db):
    return make_exam()


@pytest.fixture
def learner_client(learner):
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def other_client(other_learner):
    client = Client()
    client.force_login(other_learner)
    return client


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process unless a test starts a real worker (see test_worker.py)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


def finish_exam(attempt, *, correct_positions=(), when=None):
    """Answer the given positions correctly, the rest wrongly, then submit."""
    from django.utils import timezone

    from quizzes.models import Choice
    from quizzes.services import attempts as engine

    now = when or timezone.now()
    for item in attempt.items.select_related("version"):
        right = list(
            Choice.objects.filter(version_id=item.version_id, is_correct=True).values_list(
                "id", flat=True
            )
        )
        wrong = [c for c in item.choice_order if c not in right][: item.version.choose]
        chosen = right if item.position in correct_positions else wrong
        engine.answer_record(attempt=attempt, item=item, choice_ids=chosen, seq=1, now=now)
    return engine.attempt_submit(attempt=attempt, now=now)
