import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import SignupForm
from .throttle import PASSWORD_RESET, SIGNUP, client_ip, normalise_identifier, rate_exceeded


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_exceeded(SIGNUP, ip=client_ip(request)):
            form.add_error(None, _("Too many sign-ups from your network. Try again in an hour."))
            return render(request, "registration/signup.html", {"form": form}, status=429)
        services.signup_start(
            request=request,
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form})


def signup_sent(request: HttpRequest) -> HttpResponse:
    console = settings.EMAIL_BACKEND.endswith("console.EmailBackend")
    return render(request, "registration/signup_sent.html", {"console_email": console})


def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); POST activates and logs in."""
    user = services.user_for_activation(uidb64, token)
    if user is None:
        return render(request, "registration/activate.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.user_activate(user=user)
        user.is_active = True
        login(request, user, backend="accounts.backends.UsernameOrEmailBackend")
        messages.success(
            request,
            _("Welcome to Mogi! Start with a mock exam to see where you stand."),
        )
        return redirect("home")
    return render(request, "registration/activate.html", {"invalid": False, "who": user})


class ThrottledPasswordResetView(PasswordResetView):
    """Password reset, limited per address typed and per client address."""

    def form_valid(self, form):
        email = normalise_identifier(form.cleaned_data["email"])
        account = "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]
        if rate_exceeded(PASSWORD_RESET, ip=client_ip(self.request), account=account):
            form.add_error(None, _("Too many reset requests. Try again in an hour."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and on the account."""
    lang = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if lang not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated and request.user.language != lang:
        request.user.language = lang
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response
