"""Taking a mock exam: start, question page, answer, flag, review, submit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from quizzes import selectors
from quizzes.models import Attempt, Exam
from quizzes.services import attempts as engine
from quizzes.views import fragment


def _clock_headers(response: HttpResponse, attempt: Attempt, now) -> HttpResponse:
    """Every attempt response re-syncs the page's countdown and save stamps."""
    left = engine.seconds_left(attempt, now)
    if left is not None:
        response["X-Mogi-Seconds-Left"] = str(left)
    response["X-Mogi-Now"] = str(int(now.timestamp() * 1000))
    response["Cache-Control"] = "no-store"
    return response


def _open_attempt(request: HttpRequest, pk: int, now) -> Attempt:
    """The user's attempt, finished first if it was left past deadline + grace."""
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    if attempt.is_in_progress and engine.is_overdue(attempt, now):
        attempt = engine.attempt_finish(
            attempt=attempt, now=now, reason=Attempt.FinishReason.TIME_UP
        )
    return attempt


def _to_results(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    url = reverse("attempt_results", args=[attempt.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _error(request, attempt, now, message: str, status: int, position: int) -> HttpResponse:
    """The refusal as a fragment for htmx, or as a page with a way back without it."""
    template = "quizzes/question.html#save_error" if request.htmx else "quizzes/action_error.html"
    context = {"message": message, "attempt": attempt, "position": position}
    return _clock_headers(render(request, template, context, status=status), attempt, now)


def _done(request, attempt, item, now, template: str) -> HttpResponse:
    """After a save: the fragment with the item's palette cell, or back to the question."""
    if not request.htmx:
        return redirect("attempt_question", attempt.pk, item.position)
    cell = selectors.PaletteCell(item.position, bool(item.selected), item.flagged)
    context = {"item": item, "attempt": attempt, "cell": cell}
    return _clock_headers(render(request, template, context), attempt, now)


@login_required
@require_POST
def exam_start(request: HttpRequest, code: str) -> HttpResponse:
    exam = get_object_or_404(Exam, code=code, is_active=True)
    try:
        attempt = engine.attempt_start(user=request.user, exam=exam, now=timezone.now())
    except engine.AttemptError as exc:
        return render(
            request,
            "quizzes/start_error.html",
            {"exam": exam, "message": exc.message},
            status=exc.status,
        )
    return redirect("attempt_question", attempt.pk, attempt.current_position)


@login_required
@require_GET
def attempt_resume(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _open_attempt(request, pk, timezone.now())
    if not attempt.is_in_progress:
        return redirect("attempt_results", attempt.pk)
    return redirect("attempt_question", attempt.pk, attempt.current_position)


@login_required
@require_GET
def question(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    now = timezone.now()
    attempt = _open_attempt(request, pk, now)
    if not attempt.is_in_progress:
        return _to_results(request, attempt)
    item = selectors.item_for_page(attempt=attempt, position=position)
    context = {
        "attempt": attempt,
        "item": item,
        "choices": selectors.item_choices(item),
        "palette": selectors.palette(attempt),
        "seconds_left": engine.seconds_left(attempt, now),
        "selected": set(item.selected),
    }
    template = fragment(request, "quizzes/question.html", "question_panel")
    return _clock_headers(render(request, template, context), attempt, now)


def _parse_answer(post) -> tuple[list[int], int] | None:
    try:
        choice_ids = [int(v) for v in post.getlist("choice")]
        seq = int(post.get("seq", ""))
    except (TypeError, ValueError):
        return None
    if seq <= 0 or seq > 2**62:
        return None
    return choice_ids, seq


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    now = timezone.now()
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    item = selectors.item_for_page(attempt=attempt, position=position)
    parsed = _parse_answer(request.POST)
    if parsed is None:
        return _error(
            request,
            attempt,
            now,
            _("The answer could not be read. Click your choice again."),
            400,
            position,
        )
    try:
        item = engine.answer_record(
            attempt=attempt, item=item, choice_ids=parsed[0], seq=parsed[1], now=now
        )
    except engine.AttemptError as exc:
        return _error(request, attempt, now, exc.message, exc.status, position)
    return _done(request, attempt, item, now, "quizzes/question.html#saved")


@login_required
@require_POST
def visit(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """The page reports which question is on screen (GET stays free of side effects).

    The server remembers it for resuming on any device and times each question.
    """
    now = timezone.now()
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    if not 1 <= position <= attempt.question_count:
        return HttpResponse(status=404)
    engine.attempt_move(attempt=attempt, position=position, now=now)
    return _clock_headers(HttpResponse(status=204), attempt, now)


@login_required
@require_POST
def flag(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    now = timezone.now()
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    item = selectors.item_for_page(attempt=attempt, position=position)
    wanted = request.POST.get("flagged")
    if wanted not in ("0", "1"):
        message = _("The flag could not be read. Try again.")
        return _error(request, attempt, now, message, 400, position)
    try:
        item = engine.item_flag(attempt=attempt, item=item, flagged=wanted == "1", now=now)
    except engine.AttemptError as exc:
        return _error(request, attempt, now, exc.message, exc.status, position)
    return _done(request, attempt, item, now, "quizzes/question.html#flag_button")


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    attempt = _open_attempt(request, pk, now)
    if not attempt.is_in_progress:
        return _to_results(request, attempt)
    cells = selectors.palette(attempt)
    context = {
        "attempt": attempt,
        "palette": cells,
        "unanswered": [c for c in cells if not c.answered],
        "flagged": [c for c in cells if c.flagged],
        "seconds_left": engine.seconds_left(attempt, now),
    }
    return _clock_headers(render(request, "quizzes/review.html", context), attempt, now)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    if attempt.is_in_progress:
        attempt = engine.attempt_submit(attempt=attempt, now=now)
    return _to_results(request, attempt)
