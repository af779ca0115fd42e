from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .throttle import client_ip, login_failed, login_locked, login_succeeded


class SignupForm(UserCreationForm):
    """Sign-up. Whether the e-mail address is taken is never shown here (see signup_start)."""

    email = forms.EmailField(label=_("Email address"))

    class Meta:
        model = User
        fields = ("username", "email")

    def validate_unique(self):
        # A taken address must not show here: signup_start tells the owner by e-mail.
        exclude = self._get_validation_exclusions()
        exclude.add("email")
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)


class ThrottledLoginMixin:
    """Refuse for a while after repeated failures, for the account and for the address."""

    def clean(self):
        username = self.data.get("username", "") if hasattr(self.data, "get") else ""
        username = username if isinstance(username, str) else ""
        ip = client_ip(self.request) if self.request else ""
        if login_locked(identifier=username, ip=ip):
            minutes = max(1, settings.LOGIN_LOCK_SECONDS // 60)
            raise forms.ValidationError(
                _("Too many failed log-ins. Wait %(m)d minutes and try again.") % {"m": minutes},
                code="throttled",
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            login_failed(identifier=username, ip=ip)
            raise
        login_succeeded(identifier=username, ip=ip)
        return data


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """The site's log-in form."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's log-in form: the same lock, so /admin/login/ is no way around it."""
