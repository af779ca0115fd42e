import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_visitor_can_sign_up_and_is_logged_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "hanako",
            "email": "hanako@example.com",
            "password1": "kumo-no-ue-2026!",
            "password2": "kumo-no-ue-2026!",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == "hanako"


def test_sign_up_refuses_a_taken_email_with_a_message(client, learner):
    response = client.post(
        reverse("signup"),
        {
            "username": "another",
            "email": learner.email.upper(),
            "password1": "kumo-no-ue-2026!",
            "password2": "kumo-no-ue-2026!",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode() or "既に" in response.content.decode()
    assert not User.objects.filter(username="another").exists()


def test_log_in_works_with_username_or_email(client, learner):
    for who in (learner.username, learner.email):
        client.logout()
        response = client.post(
            reverse("login"), {"username": who, "password": "correct-horse-battery"}
        )
        assert response.status_code == 302, who


def test_password_reset_sends_an_email(client, learner):
    client.post(reverse("password_reset"), {"email": learner.email})
    assert len(mail.outbox) == 1 and learner.email in mail.outbox[0].to


def test_password_change_page_needs_login(client):
    assert client.get(reverse("password_change")).status_code == 302


def test_make_instructor_promotes_by_email_or_username(learner, other_learner):
    call_command("make_instructor", learner.email)
    call_command("make_instructor", other_learner.username)
    assert User.objects.get(pk=learner.pk).is_instructor
    assert User.objects.get(pk=other_learner.pk).is_instructor
    with pytest.raises(CommandError):
        call_command("make_instructor", "nobody@example.com")


def test_the_default_language_is_japanese_and_english_is_available(client):
    assert 'lang="ja"' in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("home")).content.decode()


def test_a_users_language_choice_follows_them_to_another_device(client, learner):
    client.force_login(learner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=learner.pk).language == "en"
    from django.test import Client

    other_device = Client()
    other_device.force_login(learner)
    assert 'lang="en"' in other_device.get(reverse("home")).content.decode()


def test_set_language_ignores_unknown_languages_and_foreign_redirects(client):
    response = client.post(
        reverse("set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_log_in_is_throttled_per_username_and_the_lock_lifts_by_itself(client, learner, settings):
    import time_machine
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCK_SECONDS = 300
    with time_machine.travel("2026-11-23 10:00:00 +0000", tick=False) as clock:
        for _ in range(3):
            bad = client.post(reverse("login"), {"username": learner.username, "password": "wrong"})
            assert bad.status_code == 200
        locked = client.post(
            reverse("login"), {"username": learner.username, "password": "correct-horse-battery"}
        )
        assert locked.status_code == 200 and "_auth_user_id" not in client.session
        assert "一時的にログインを停止" in locked.content.decode()
        clock.shift(301)
        ok = client.post(
            reverse("login"), {"username": learner.username, "password": "correct-horse-battery"}
        )
        assert ok.status_code == 302
    cache.clear()


def test_log_in_is_throttled_per_ip_across_usernames(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_MAX_FAILURES = 2
    for i in range(8):
        client.post(reverse("login"), {"username": f"guess{i}", "password": "x"})
    response = client.post(reverse("login"), {"username": "someone", "password": "x"})
    assert "一時的にログインを停止" in response.content.decode()
    cache.clear()
