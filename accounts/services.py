"""Account writes: sign-up by e-mail confirmation, activation.

Sign-up answers the same way whether or not the address already has an account
(as password reset does): the page says "check your e-mail", and the e-mail tells
a new user how to activate, or tells an existing owner that someone tried to use
their address.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import User


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _send(request: HttpRequest, *, to: str, template: str, subject: str, **context) -> None:
    body = render_to_string(template, {"site": request.get_host(), **context})
    send_mail(subject, body, None, [to])


def signup_start(*, request: HttpRequest, username: str, email: str, password: str) -> None:
    """Create an inactive account and mail its activation link, or warn the address's owner."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.is_active:
        _send(
            request,
            to=existing.email,
            template="registration/signup_existing_email.txt",
            subject=_("Someone tried to sign up to Mogi with your address"),
            login_url=_absolute(request, reverse("login")),
            reset_url=_absolute(request, reverse("password_reset")),
            username=existing.username,
        )
        return
    if existing is not None:
        # Signed up before but never activated: the new details replace the old ones.
        user = existing
        user.username = username
    else:
        user = User(username=username, email=email, is_active=False)
    user.language = getattr(request, "LANGUAGE_CODE", "") or ""
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same address or name signed up in a parallel request; that request's mail stands.
        return
    _send(
        request,
        to=user.email,
        template="registration/activation_email.txt",
        subject=_("Activate your Mogi account"),
        activate_url=_absolute(request, activation_path(user)),
        username=user.username,
    )


def activation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("activate", args=[uid, default_token_generator.make_token(user)])


def user_for_activation(uidb64: str, token: str) -> User | None:
    """The inactive user a link belongs to, if the link is valid."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=False).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def user_activate(*, user: User) -> bool:
    """Activate exactly once (compare-and-set); False when it was already active."""
    return bool(User.objects.filter(pk=user.pk, is_active=False).update(is_active=True))
