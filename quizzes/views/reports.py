"""Weak-area reports for learners, and the cohort view for instructors."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_GET

from accounts.models import User
from quizzes import charts
from quizzes.models import Report
from quizzes.views import fragment


def _localise(data: dict) -> dict:
    """Pick each name in the active language (stored in both)."""
    lang = (translation.get_language() or "ja")[:2]

    def name(entry):
        names = entry.get("name") or {}
        entry["label"] = names.get(lang) or names.get("en") or names.get("ja") or entry.get("key")
        entry["mean_percent"] = round(100 * entry.get("mean", 0))
        return entry

    for exam in data.get("exams", []):
        for key in ("domains", "tasks", "topics", "weakest"):
            exam[key] = [name(e) for e in exam.get(key, [])]
        exam["pass_percent"] = round(100 * exam["readiness"]["pass_ratio"])
        exam["trend_chart"] = charts.trend(
            [t["percent"] for t in exam["trend"]], exam["pass_percent"]
        )
        exam["readiness_percent"] = round(100 * exam["readiness"]["probability"])
        exam["weak_topics"] = exam["topics"][:15]
        for t in exam["trend"]:
            t["finished"] = datetime.fromisoformat(t["date"])
    return data


def _render(request: HttpRequest, owner: User, *, viewer_is_owner: bool) -> HttpResponse:
    report = Report.objects.filter(user=owner).first()
    context = {
        "report": report,
        "owner": owner,
        "viewer_is_owner": viewer_is_owner,
        "data": _localise(report.data) if report and report.data else None,
    }
    template = fragment(request, "quizzes/report.html", "report_body")
    return render(request, template, context)


@login_required
@require_GET
def my_report(request: HttpRequest) -> HttpResponse:
    return _render(request, request.user, viewer_is_owner=True)


@login_required
@require_GET
def learner_report(request: HttpRequest, user_id: int) -> HttpResponse:
    if not request.user.is_instructor:
        raise PermissionDenied
    owner = get_object_or_404(User, pk=user_id)
    return _render(request, owner, viewer_is_owner=False)
