"""After an attempt: results with explanations, and the history of attempts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.throttle import PROBLEM_REPORT, client_ip, rate_exceeded
from quizzes import scoring, selectors
from quizzes.forms import ReportProblemForm
from quizzes.models import Attempt, AttemptItem
from quizzes.services import authoring
from quizzes.views import fragment
from quizzes.views.taking import _open_attempt

FILTERS = ("all", "incorrect", "flagged")


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _open_attempt(request, pk, timezone.now())
    if attempt.is_in_progress:
        return redirect("attempt_question", attempt.pk, attempt.current_position)
    items = selectors.results_items(attempt=attempt)
    domains = scoring.domain_scores(
        [(i.version.domain.code, i.is_correct) for i in items], selectors.domain_names(attempt.exam)
    )
    shown = request.GET.get("show", "all")
    if shown not in FILTERS:
        shown = "all"
    if shown == "incorrect":
        visible = [i for i in items if not i.is_correct]
    elif shown == "flagged":
        visible = [i for i in items if i.flagged]
    else:
        visible = items
    context = {
        "attempt": attempt,
        "domains": domains,
        "items": visible,
        "shown": shown,
        "counts": {
            "all": len(items),
            "incorrect": sum(not i.is_correct for i in items),
            "flagged": sum(i.flagged for i in items),
        },
        "pass_percent": round(float(attempt.pass_ratio) * 100),
        "report_form": ReportProblemForm(),
    }
    template = fragment(request, "quizzes/results.html", "result_items")
    return render(request, template, context)


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    attempts = Attempt.objects.filter(user=request.user).select_related("exam")[:200]
    return render(request, "quizzes/history.html", {"attempts": attempts})


@login_required
@require_POST
def report_problem(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """From the results review, a learner reports a problem with one question."""
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    if attempt.is_in_progress:
        return HttpResponse(_("Report problems after you submit the exam."), status=409)
    item = get_object_or_404(AttemptItem, attempt=attempt, position=position)
    form = ReportProblemForm(request.POST)
    status = 400
    if form.is_valid() and rate_exceeded(
        PROBLEM_REPORT, ip=client_ip(request), account=f"user:{request.user.pk}"
    ):
        form.add_error(None, _("You have sent many reports this hour. Try again later."))
        status = 429
    if not form.is_valid():
        return render(
            request,
            "quizzes/results.html#report_form",
            {"attempt": attempt, "item": item, "form": form},
            status=status,
        )
    authoring.question_report_create(
        item=item,
        user=request.user,
        kind=form.cleaned_data["kind"],
        comment=form.cleaned_data["comment"],
    )
    if not request.htmx:
        return redirect(reverse("attempt_results", args=[attempt.pk]) + f"#q{position}")
    return render(request, "quizzes/results.html#report_thanks", {"item": item})
