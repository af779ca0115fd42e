import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def sign_up(client, username="hanako", email="hanako@example.com"):
    return client.post(
        reverse("signup"),
        {
            "username": username,
            "email": email,
            "password1": "kumo-no-ue-2026!",
            "password2": "kumo-no-ue-2026!",
        },
    )


def activation_link(message) -> str:
    import re

    return re.search(r"http://testserver(/accounts/activate/\S+)", message.body).group(1)


def test_a_visitor_signs_up_activates_by_email_and_is_logged_in(client):
    response = sign_up(client)
    assert response["Location"] == reverse("signup_sent")
    assert "_auth_user_id" not in client.session
    assert not client.login(username="hanako", password="kumo-no-ue-2026!")
    link = activation_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a mail scanner's GET activates nothing
    assert not User.objects.get(username="hanako").is_active
    response = client.post(link)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"].username == "hanako"


def test_an_activation_link_works_once(client):
    sign_up(client)
    link = activation_link(mail.outbox[0])
    client.post(link)
    client.logout()
    again = client.post(link)
    assert again.status_code == 400 and "_auth_user_id" not in client.session


def test_a_forged_activation_link_is_refused(client):
    sign_up(client)
    user = User.objects.get(username="hanako")
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    for path in (f"/accounts/activate/{uid}/forged-token/", "/accounts/activate/%%%/x/"):
        assert client.post(path).status_code == 400
    assert not User.objects.get(pk=user.pk).is_active


def test_signing_up_again_before_activating_sends_a_fresh_link(client):
    sign_up(client)
    sign_up(client, username="hanako2")
    assert len(mail.outbox) == 2 and "/accounts/activate/" in mail.outbox[1].body
    assert User.objects.filter(email="hanako@example.com").count() == 1
    client.post(activation_link(mail.outbox[1]))
    assert client.get(reverse("home")).context["user"].username == "hanako2"


def test_sign_up_with_a_taken_email_creates_nothing_and_tells_the_owner(client, learner):
    response = sign_up(client, username="another", email=learner.email.upper())
    assert response["Location"] == reverse("signup_sent")
    assert not User.objects.filter(username="another").exists()
    assert mail.outbox[0].to == [learner.email] and learner.username in mail.outbox[0].body


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
