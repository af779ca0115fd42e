"""After an attempt: results with explanations, and the history of attempts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from quizzes import scoring, selectors
from quizzes.models import Attempt
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
    }
    template = "quizzes/results.html"
    if request.htmx and not request.htmx.boosted:
        template += "#result_items"
    return render(request, template, context)


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    attempts = Attempt.objects.filter(user=request.user).select_related("exam")[:200]
    return render(request, "quizzes/history.html", {"attempts": attempts})
