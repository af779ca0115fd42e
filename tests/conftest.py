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
