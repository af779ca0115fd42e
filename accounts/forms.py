from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .throttle import client_ip, login_failed, login_locked, login_succeeded


class SignupForm(UserCreationForm):
    email = forms.EmailField(label=_("Email address"))

    class Meta:
        model = User
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email


class ThrottledAuthenticationForm(AuthenticationForm):
    """The log-in form, refusing for a while after repeated failures."""

    def clean(self):
        username = self.data.get("username", "") if hasattr(self.data, "get") else ""
        ip = client_ip(self.request) if self.request else ""
        if login_locked(username=username, ip=ip):
            minutes = max(1, settings.LOGIN_LOCK_SECONDS // 60)
            raise forms.ValidationError(
                _("Too many failed log-ins. Wait %(m)d minutes and try again.") % {"m": minutes},
                code="throttled",
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            login_failed(username=username, ip=ip)
            raise
        login_succeeded(username=username, ip=ip)
        return data
